/* actorgraph viewer: filters, the period, search, details panel, trace and shortest path.
 *
 * Every string from data reaches the DOM through textContent (never innerHTML), links only
 * when they are http(s), and vis-network's tooltips as plain strings (vis-network 9 renders a
 * string title with innerText).
 */
(function () {
  "use strict";

  performance.mark("ag:start");
  var graph = JSON.parse(document.getElementById("graph-data").textContent);
  var meta = JSON.parse(document.getElementById("meta-data").textContent);
  var N = graph.nodes.length;
  var E = graph.edges.length;
  var details = meta.details;
  var edgeDetails = meta.edgeDetails;
  var typeByIndex = [];
  meta.types.forEach(function (t) { typeByIndex[t.index] = t; });
  var relByIndex = [];
  meta.relations.forEach(function (r) { relByIndex[r.index] = r; });
  var relById = {};
  meta.relations.forEach(function (r) { relById[r.id] = r; });

  // ------------------------------------------------------------------ name normalisation
  // A port of actorgraph._names.normalize_name; the Unicode tables come from Python.
  var NORM = meta.normalize;
  var spaceSet = new Set(NORM.space);
  var dashSet = new Set(Array.from(NORM.dashes));
  var dropSet = new Set(Array.from(NORM.drop));
  var LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

  function isCombining(cp) {
    var ranges = NORM.combining, lo = 0, hi = ranges.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (cp < ranges[mid][0]) hi = mid - 1;
      else if (cp > ranges[mid][1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  function normalizeName(name) {
    var chars = Array.from(String(name).normalize("NFKD"));
    var folded = "";
    chars.forEach(function (ch) {
      if (isCombining(ch.codePointAt(0))) return;
      folded += Object.prototype.hasOwnProperty.call(NORM.fold, ch) ? NORM.fold[ch] : ch.toLowerCase();
    });
    var text = "";
    Array.from(folded).forEach(function (ch) {
      var cp = ch.codePointAt(0);
      if (dropSet.has(ch)) return;
      if (dashSet.has(ch)) { text += " "; return; }
      if (spaceSet.has(cp) || LETTER_OR_NUMBER.test(ch)) { text += ch; return; }
      text += " ";
    });
    var words = [], word = "";
    Array.from(text).forEach(function (ch) {
      if (spaceSet.has(ch.codePointAt(0))) {
        if (word) words.push(word);
        word = "";
      } else {
        word += ch;
      }
    });
    if (word) words.push(word);
    return words.map(function (w) {
      return Object.prototype.hasOwnProperty.call(NORM.words, w) ? NORM.words[w] : w;
    }).join(" ");
  }

  // ------------------------------------------------------------------ safe text helpers
  var BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

  function visibleControls(text) {
    // Bidirectional overrides in data are shown, not obeyed.
    return String(text).replace(BIDI_CONTROLS, function (ch) {
      return "[U+" + ch.codePointAt(0).toString(16).toUpperCase() + "]";
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = visibleControls(text);
    if (className) node.className = className;
    return node;
  }

  function dataEl(tag, text, className) {
    return el(tag, text, className ? className + " d" : "d");
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\/\S+$/i.test(url) ? url : null;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // Extensions (families.js) hook in here: filters (n -> false hides node n), state ({save(p),
  // restore(p)} for the URL fragment), panel ((n, body) at the end of a node's panel), click (a
  // node id that is not an index: return true when handled), counts (-> {nodes, edges} drawn
  // besides the graph's own), labels (-> [[id, text]] to label first) and filtered (after filters).
  var hooks = { filters: [], state: [], panel: [], click: [], counts: [], labels: [], filtered: [] };

  // ------------------------------------------------------------------ vis data
  graph.nodes.forEach(function (n) {
    n.label = visibleControls(n.label);
    var t = typeByIndex[meta.nodeType[n.id]];
    n.title = n.label + "\n" + (t ? t.label : "");
  });
  graph.edges.forEach(function (e) {
    var rel = relByIndex[meta.edgeRel[e.id]];
    e.color = { color: rel.color, highlight: rel.color };
    if (rel.dashes) e.dashes = rel.dashes;
    e.title = rel.label;
  });

  // Types hidden when the page opens (sources: no relations, only cited by claims).
  var typeOn = meta.types.map(function () { return true; });
  meta.types.forEach(function (t) { typeOn[t.index] = !t.hidden; });
  var relOn = meta.relations.map(function () { return true; });
  var nodeShown = new Uint8Array(N).fill(1);
  var edgeShown = new Uint8Array(E).fill(1);
  graph.nodes.forEach(function (n) {
    if (!typeOn[meta.nodeType[n.id]]) { n.hidden = true; nodeShown[n.id] = 0; }
  });
  graph.edges.forEach(function (e) {
    if (!nodeShown[e.from] || !nodeShown[e.to]) { e.hidden = true; edgeShown[e.id] = 0; }
  });

  performance.mark("ag:parsed");
  // Level of detail for large graphs: the first draw holds the actors (and everything else
  // that is not an event) with the relations among them; the events and their relations are
  // added in one batch right after that first frame.
  var later = new Uint8Array(N);
  (meta.later || []).forEach(function (n) { later[n] = 1; });
  var firstNodes = graph.nodes, restNodes = [], firstEdges = graph.edges, restEdges = [];
  if (meta.later && meta.later.length) {
    firstNodes = graph.nodes.filter(function (n) { return !later[n.id]; });
    restNodes = graph.nodes.filter(function (n) { return later[n.id]; });
    firstEdges = graph.edges.filter(function (e) { return !later[e.from] && !later[e.to]; });
    restEdges = graph.edges.filter(function (e) { return later[e.from] || later[e.to]; });
  }
  var complete = restNodes.length === 0;
  var container = document.getElementById("graph");
  var nodes = new vis.DataSet(firstNodes);
  var edges = new vis.DataSet(firstEdges);
  performance.mark("ag:datasets");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, meta.options);
  performance.mark("ag:network");
  network.canvas.frame.setAttribute("aria-label", "Network drawing: arrow keys pan, + and - zoom");

  // Undirected adjacency for trace and shortest path: adj[i] = [neighbour, edge, ...].
  var adj = [];
  for (var i = 0; i < N; i++) adj.push([]);
  graph.edges.forEach(function (e) {
    adj[e.from].push(e.to, e.id);
    if (e.to !== e.from) adj[e.to].push(e.from, e.id);
  });

  // ------------------------------------------------------------------ events for the other scripts
  // Besides `hooks` (above): "ready" once everything is drawn and the opening state restored
  // (timeline.js draws then, not to delay the first frame), "period" when the period changed.
  var listeners = {}, emitted = {};
  function on(name, fn) {
    (listeners[name] = listeners[name] || []).push(fn);
    if (name === "ready" && emitted.ready) fn();  // a late listener still hears it
  }
  function emit(name, arg) {
    emitted[name] = true;
    (listeners[name] || []).forEach(function (fn) { fn(arg); });
  }

  // ------------------------------------------------------------------ the period
  // Times are months, counted as year * 12 + month - 1 (_page_data.py); an item's time is an
  // interval [first, last] of them, or null when it is undated. The period is open at either end
  // (-Infinity, Infinity) until the timeline narrows it. inPeriod is the one test of whether
  // an item is in the period, for every part of the page.
  var period = { from: -Infinity, to: Infinity };

  function inPeriod(interval) {
    return !interval || (interval[0] <= period.to && interval[1] >= period.from);
  }

  function setPeriod(from, to) {
    from = typeof from === "number" && isFinite(from) ? Math.floor(from) : -Infinity;
    to = typeof to === "number" && isFinite(to) ? Math.floor(to) : Infinity;
    if (from > to) { var swap = from; from = to; to = swap; }
    if (from === period.from && to === period.to) return;
    period.from = from;
    period.to = to;
    applyFilters();
    emit("period", { from: from, to: to });
  }

  // "2023-07-30", "2023-07" -> that month; "2023" -> its January (its December with last).
  function monthOf(text, last) {
    var m = /^(-?\d{4})(?:-(\d{2}))?/.exec(String(text || ""));
    if (!m) return null;
    var month = m[2] ? Number(m[2]) : 0;
    if (month < 1 || month > 12) month = last ? 12 : 1;
    return Number(m[1]) * 12 + month - 1;
  }

  function monthText(k) {
    var y = Math.floor(k / 12), m = k - y * 12 + 1;
    var year = String(Math.abs(y));
    while (year.length < 4) year = "0" + year;
    return (y < 0 ? "-" : "") + year + "-" + (m < 10 ? "0" : "") + m;
  }

  // ------------------------------------------------------------------ filters

  function applyFilters() {
    if (!complete) return;
    var nodeChanges = [], edgeChanges = [];
    for (var n = 0; n < N; n++) {
      var show = nodePasses(n) && (!hooks.filters.length || hooks.filters.every(function (f) { return f(n); })) ? 1 : 0;
      if (show !== nodeShown[n]) { nodeShown[n] = show; nodeChanges.push({ id: n, hidden: !show }); }
    }
    for (var e = 0; e < E; e++) {
      var edge = graph.edges[e];
      var ok = edgePasses(e) && nodeShown[edge.from] && nodeShown[edge.to] ? 1 : 0;
      if (ok !== edgeShown[e]) { edgeShown[e] = ok; edgeChanges.push({ id: e, hidden: !ok }); }
    }
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    hooks.filtered.forEach(function (f) { f(); });
    updateStatus();
    if (focusState) setFocus(focusState.nodes, focusState.hops, false);
    else stateChanged();
  }

  // What the type and time filters (and the relation filter, for an edge) let through.
  function nodePasses(n) { return Boolean(typeOn[meta.nodeType[n]] && inPeriod(meta.nodeTime[n])); }
  function edgePasses(e) { return Boolean(relOn[meta.edgeRel[e]] && inPeriod(meta.edgeTime[e])); }

  function counts() {
    var n = 0, e = 0, k;
    for (k = 0; k < N; k++) n += nodeShown[k];
    for (k = 0; k < E; k++) e += edgeShown[k];
    hooks.counts.forEach(function (f) { var c = f(); n += c.nodes; e += c.edges; });
    return { nodes: n, edges: e };
  }

  var statusEl = document.getElementById("status");
  function updateStatus() {
    var c = counts();
    statusEl.dataset.nodes = String(c.nodes);
    statusEl.dataset.edges = String(c.edges);
    statusEl.textContent = c.nodes + " of " + N + " nodes, " + c.edges + " of " + E + " relations shown" +
      (complete ? "" : " (adding " + restNodes.length + " events…)");
    statusEl.dataset.complete = complete ? "1" : "0";
  }

  function svgSwatch(shape, color, dashes, isEdge) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    var s;
    if (isEdge) {
      s = document.createElementNS(ns, "line");
      s.setAttribute("x1", "1"); s.setAttribute("y1", "7"); s.setAttribute("x2", "21"); s.setAttribute("y2", "7");
      s.setAttribute("stroke", color); s.setAttribute("stroke-width", "2");
      if (dashes) s.setAttribute("stroke-dasharray", dashes.join(" "));
    } else if (shape === "dot") {
      s = document.createElementNS(ns, "circle");
      s.setAttribute("cx", "11"); s.setAttribute("cy", "7"); s.setAttribute("r", "6");
    } else {
      var points = {
        square: "5,1 17,1 17,13 5,13",
        diamond: "11,0 18,7 11,14 4,7",
        triangle: "11,0 18,13 4,13",
        triangleDown: "4,1 18,1 11,14",
        star: "11,0 13,5 18,5 14,8 16,13 11,10 6,13 8,8 4,5 9,5",
        hexagon: "7,1 15,1 19,7 15,13 7,13 3,7"
      }[shape] || "5,1 17,1 17,13 5,13";
      s = document.createElementNS(ns, "polygon");
      s.setAttribute("points", points);
    }
    if (!isEdge) s.setAttribute("fill", color);
    svg.appendChild(s);
    return svg;
  }

  function legend(listId, items, state, isEdge) {
    var list = document.getElementById(listId);
    items.forEach(function (item) {
      var li = el("li");
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = Boolean(state[item.index]);
      box.dataset.id = item.id;
      box.addEventListener("change", function () {
        state[item.index] = box.checked;
        applyFilters();
      });
      label.appendChild(box);
      label.appendChild(svgSwatch(item.shape, item.color, item.dashes, isEdge));
      label.appendChild(dataEl("span", item.label));
      label.title = item.id;
      if (item.hidden) label.appendChild(el("span", "hidden by default", "muted"));
      label.appendChild(el("span", String(item.count), "count"));
      li.appendChild(label);
      list.appendChild(li);
    });
  }
  legend("type-filters", meta.types, typeOn, false);
  legend("relation-filters", meta.relations, relOn, true);

  // ------------------------------------------------------------------ search
  var searchInput = document.getElementById("search");
  var resultsEl = document.getElementById("search-results");

  // How well a normalised query matches one key: 0 the whole key, 1 whole words of it
  // ("khurasan" in "islamic state khurasan province"), 2 the start of the key, 3 the start of
  // a word ("khurasan" in "khurasani"), 4 anywhere; -1 not at all.
  function matchScore(key, q) {
    if (key === q) return 0;
    var padded = " " + key + " ";
    if (padded.indexOf(" " + q + " ") >= 0) return 1;
    if (key.indexOf(q) === 0) return 2;
    if (padded.indexOf(" " + q) >= 0) return 3;
    return key.indexOf(q) >= 0 ? 4 : -1;
  }

  // Ranked by the best key's score, then that key's length, then the label's length.
  function rank(keyLists, labels, query) {
    var q = normalizeName(query);
    if (!q) return [];
    var hits = [];
    for (var n = 0; n < keyLists.length; n++) {
      var best = 9, bestLength = Infinity;
      keyLists[n].forEach(function (key) {
        var score = matchScore(key, q);
        if (score < 0) return;
        if (score < best || (score === best && key.length < bestLength)) { best = score; bestLength = key.length; }
      });
      if (best < 9) hits.push([best, bestLength, labels[n].length, n]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]; });
    return hits.map(function (h) { return h[3]; });
  }

  var nodeLabels = details.map(function (d) { return d.label; });
  function search(query) { return rank(meta.search, nodeLabels, query); }

  // Events folded into relations (the actors view) are found by their names and aliases.
  var events = meta.events || [];
  var eventKeys = events.map(function (ev) { return ev.search; });
  var eventLabels = events.map(function (ev) { return ev.label; });
  function searchEvents(query) { return rank(eventKeys, eventLabels, query); }

  searchInput.addEventListener("input", function () {
    clear(resultsEl);
    var found = search(searchInput.value);
    searchHits = found.slice(0, 30);
    network.redraw();
    found.slice(0, 30).forEach(function (n) {
      var li = el("li");
      var button = el("button");
      button.type = "button";
      button.dataset.node = details[n].id;
      button.appendChild(dataEl("span", details[n].label));
      button.appendChild(document.createTextNode(" "));
      var t = typeByIndex[meta.nodeType[n]];
      button.appendChild(el("span", t ? t.label : "", "type"));
      button.addEventListener("click", function () { focusNode(n); });
      li.appendChild(button);
      resultsEl.appendChild(li);
    });
    searchEvents(searchInput.value).slice(0, 20).forEach(function (k) {
      var ev = events[k];
      var li = el("li");
      var button = el("button");
      button.type = "button";
      button.dataset.event = ev.id;
      button.appendChild(dataEl("span", ev.label));
      button.appendChild(document.createTextNode(" "));
      button.appendChild(el("span", (ev.type ? typeLabel(ev.type) + ", " : "") + "folded into " +
        ev.edges.length + " relation" + (ev.edges.length > 1 ? "s" : ""), "type"));
      button.addEventListener("click", function () { focusEvent(k); });
      li.appendChild(button);
      resultsEl.appendChild(li);
      found.push(-1);
    });
    if (searchInput.value && !found.length) resultsEl.appendChild(el("li", "No match", "muted"));
    stateChanged();
  });
  // Arrow keys move between the search box and its results; Escape goes back to the box.
  resultsEl.addEventListener("keydown", function (ev) {
    var buttons = Array.prototype.slice.call(resultsEl.querySelectorAll("button"));
    var k = buttons.indexOf(document.activeElement);
    if (k < 0) return;
    if (ev.key === "ArrowDown" && k + 1 < buttons.length) { buttons[k + 1].focus(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { (k > 0 ? buttons[k - 1] : searchInput).focus(); ev.preventDefault(); }
    else if (ev.key === "Escape") { searchInput.focus(); ev.preventDefault(); }
  });
  // A panel opened from the keyboard takes the keyboard focus, so its actions are the next Tab.
  resultsEl.addEventListener("click", function (ev) {
    if (ev.detail === 0 && !panel.hidden) {
      var title = body.querySelector("h2");
      if (title) { title.tabIndex = -1; title.focus(); }
    }
  });
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      var firstResult = resultsEl.querySelector("button");
      if (firstResult) { firstResult.focus(); ev.preventDefault(); }
      return;
    }
    if (ev.key === "Enter") {
      var first = search(searchInput.value)[0];
      if (first !== undefined) { focusNode(first); return; }
      var firstEvent = searchEvents(searchInput.value)[0];
      if (firstEvent !== undefined) focusEvent(firstEvent);
    }
  });

  function focusNode(n) {
    if (!nodeShown[n]) { showNode(n); return; }  // a filtered-out node: its panel only
    network.selectNodes([n], true);
    // Offset by half the side panel, which covers the right of the drawing.
    var offset = -Math.min(panel.offsetWidth || 380, container.clientWidth / 2) / 2;
    network.focus(n, { scale: Math.max(network.getScale(), 1.0), offset: { x: offset, y: 0 }, animation: false });
    showNode(n);
  }

  // A folded event: select the relations that carry it and their ends, show them, open its panel.
  function focusEvent(k) {
    var ev = events[k];
    var edgeIds = ev.edges.filter(function (e) { return edgeShown[e]; });
    var nodeIds = [];
    edgeIds.forEach(function (e) {
      [graph.edges[e].from, graph.edges[e].to].forEach(function (n) { if (nodeIds.indexOf(n) < 0) nodeIds.push(n); });
    });
    network.setSelection({ nodes: nodeIds, edges: edgeIds }, { highlightEdges: false });
    if (nodeIds.length) {
      network.fit({ nodes: nodeIds, maxZoomLevel: 1.2, animation: false });
      // Leave room for the side panel, which covers the right of the drawing.
      var offset = Math.min(panel.offsetWidth || 380, container.clientWidth / 2) / 2;
      network.moveTo({ position: network.getViewPosition(), scale: network.getScale() * 0.8,
        offset: { x: -offset, y: 0 }, animation: false });
    }
    showEvent(k);
  }

  // ------------------------------------------------------------------ side panel
  var panel = document.getElementById("panel");
  var body = document.getElementById("panel-body");
  document.getElementById("panel-close").addEventListener("click", function () { panel.hidden = true; stateChanged(); });

  function typeLabel(curie) {
    for (var k = 0; k < meta.types.length; k++) if (meta.types[k].id === curie) return meta.types[k].label;
    // "ag:GovernmentBody" -> "Government body", as the legend names them.
    var words = String(curie).split(/[:#/]/).pop().replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
    return [words[0]].concat(words.slice(1).map(function (w) { return w.toLowerCase(); })).join(" ") || curie;
  }

  // rows: [label, value, attribute name]; a list value is shown one item a line.
  function definitionList(rows) {
    var dl = el("dl");
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null || row[1] === "") return;
      dl.appendChild(el("dt", row[0]));
      if (Array.isArray(row[1])) {
        var multi = el("dd");
        row[1].forEach(function (item) { multi.appendChild(dataEl("div", item)); });
        dl.appendChild(multi);
        return;
      }
      var url = (row[2] || row[0]) === "url" ? safeUrl(row[1]) : null;
      if (url) {
        var dd = el("dd");
        var a = dataEl("a", url);
        a.href = url;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        dd.appendChild(a);
        dl.appendChild(dd);
      } else {
        dl.appendChild(dataEl("dd", row[1]));
      }
    });
    return dl;
  }

  function sourceBlock(curie) {
    var src = meta.sources[curie];
    var p = el("p", null, "source");
    p.appendChild(el("span", "Source: "));
    if (!src) { p.appendChild(dataEl("span", curie)); return p; }
    var url = safeUrl(src.url);
    var titleText = src.title || curie;
    if (url) {
      var a = dataEl("a", titleText);
      a.href = url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      p.appendChild(a);
    } else {
      p.appendChild(dataEl("cite", titleText));
    }
    var bits = [];
    [src.creator, src.publisher, src.date].forEach(function (x) { if (x && bits.indexOf(x) < 0) bits.push(x); });
    if (bits.length) p.appendChild(dataEl("span", " — " + bits.join(", ")));
    if (url) p.appendChild(dataEl("span", " (" + url + ")", "muted"));
    return p;
  }

  var indexById = {};
  details.forEach(function (d, k) { indexById[d.id] = k; });
  var eventById = {};
  events.forEach(function (ev, k) { eventById[ev.id] = k; });
  function nameOf(curie) {
    var k = indexById[curie];
    if (k !== undefined) return details[k].label;
    return eventById[curie] === undefined ? String(curie) : events[eventById[curie]].label;
  }

  // Who claimed or was held responsible comes first: those claims answer "who did it".
  function responsibilityRank(property) {
    var k = (meta.responsibility || []).indexOf(property);
    return k < 0 ? meta.responsibility.length : k;
  }
  function relRank(rel) {
    // A folded relation's key is "^ag:claimedBy/ag:target": the event's role of the first actor.
    var m = /^\^([^/]+)\//.exec(rel);
    return responsibilityRank(m ? m[1] : rel);
  }
  function byResponsibility(statements) {
    return statements.map(function (st, k) { return [responsibilityRank(st.property), k, st]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
      .map(function (x) { return x[2]; });
  }
  function edgesByResponsibility(edgeIds) {
    return edgeIds.map(function (e, k) { return [relRank(edgeDetails[e].rel), k, e]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
      .map(function (x) { return x[2]; });
  }

  function claimBlock(st, grouped) {
    var div = el("div", null, "claim" + (st.rank && /Deprecated/.test(st.rank) ? " deprecated" : ""));
    div.appendChild(dataEl("p", st.claim || "(no claim text)", "text"));
    if (st.subject && st.property && st.object && !grouped) {
      div.appendChild(dataEl("p", "About: " + nameOf(st.subject) + " — " + typeLabel(st.property).toLowerCase() +
        " → " + nameOf(st.object), "meta"));
    }
    if (st.property !== undefined && st.value !== undefined) {
      div.appendChild(dataEl("p", typeLabel(st.property).toLowerCase() + ": " + st.value, "meta"));
    }
    var metaBits = [];
    // Normal is every claim's rank unless a curator said otherwise: only the others are shown.
    var rankName = st.rank ? String(st.rank).replace(/^ag:/, "").replace(/Rank$/, "") : "";
    if (rankName && rankName !== "Normal") metaBits.push("rank " + rankName);
    if (st.start || st.end) metaBits.push((st.start || "…") + " – " + (st.end || "…"));
    if (st.lower_bound) metaBits.push("at least");
    if (st.uncertain) metaBits.push("uncertain");
    if (st.single_source) metaBits.push("single source");
    if (st.disowned_date) metaBits.push("disowned " + st.disowned_date);
    if (metaBits.length) div.appendChild(dataEl("p", metaBits.join(" · "), "meta"));
    if (st.source) div.appendChild(sourceBlock(st.source));
    var pin = null;
    if (st.char_start !== undefined && st.char_end !== undefined) {
      pin = "characters " + st.char_start + "–" + st.char_end;
      if (st.span_sha256) pin += " (SHA-256 " + String(st.span_sha256).slice(0, 12) + "…)";
    } else if (st.source_fact) {
      // "event-alarabiya-…#3": the third fact in the list the source file keeps.
      var fact = /#(\d+)$/.exec(String(st.source_fact));
      pin = fact ? "fact " + fact[1] + " of the source's list" : "fact " + st.source_fact;
    }
    if (pin) {
      var pinEl = dataEl("p", "Pinpoint: " + pin, "pinpoint");
      if (st.source_fact) pinEl.title = String(st.source_fact);
      div.appendChild(pinEl);
    }
    if (st.note) {
      (Array.isArray(st.note) ? st.note : [st.note]).forEach(function (note) {
        div.appendChild(dataEl("p", "Note: " + note, "meta"));
      });
    }
    if (st.id) div.appendChild(dataEl("p", st.id, "stid"));
    return div;
  }

  function edgeLine(e) {
    var edge = graph.edges[e];
    var rel = relByIndex[meta.edgeRel[e]];
    var p = el("p");
    var button = el("button", null, "link-button");
    button.type = "button";
    button.dataset.edge = String(e);
    button.appendChild(dataEl("span", details[edge.from].label));
    button.appendChild(el("span", " — " + rel.label + " → "));
    button.appendChild(dataEl("span", details[edge.to].label));
    button.addEventListener("click", function () { network.selectEdges([e]); showEdge(e); });
    p.appendChild(button);
    return p;
  }

  function showNode(n) {
    var d = details[n];
    clear(body);
    body.dataset.node = d.id;
    delete body.dataset.edge;
    delete body.dataset.event;
    body.appendChild(dataEl("h2", d.label, "title"));
    body.appendChild(dataEl("p", (d.types || [d.type]).map(typeLabel).join(", ") + " · " + d.id, "muted"));
    if (d.aliases && d.aliases.length) {
      body.appendChild(el("h3", "Also known as"));
      var ul = el("ul", null, "aliases");
      d.aliases.forEach(function (a) { ul.appendChild(dataEl("li", a)); });
      body.appendChild(ul);
    }
    var actions = el("div", null, "actions");
    var hops = el("select");
    hops.id = "trace-hops";
    [1, 2, 3].forEach(function (k) { var o = el("option", k + " hop" + (k > 1 ? "s" : "")); o.value = String(k); hops.appendChild(o); });
    var trace = el("button", "Trace");
    trace.type = "button";
    trace.id = "trace";
    trace.addEventListener("click", function () { traceFrom(n, Number(hops.value)); });
    actions.appendChild(trace);
    actions.appendChild(hops);
    [1, 2].forEach(function (k) {
      var b = el("button", k === 1 ? "Show its neighbourhood" : "2 hops");
      b.type = "button";
      b.id = "focus-" + k;
      b.title = "Dim everything farther than " + k + " hop" + (k > 1 ? "s" : "") + " from it";
      b.addEventListener("click", function () { setFocus([n], k, true); });
      actions.appendChild(b);
    });
    var start = el("button", "Path from here");
    start.type = "button";
    start.id = "path-start";
    start.addEventListener("click", function () {
      pathStart = n;
      setPathStatus("Path from " + details[n].label + ": select another node and press “Path to here”.");
    });
    actions.appendChild(start);
    if (pathStart !== null && pathStart !== n) {
      var end = el("button", "Path to here");
      end.type = "button";
      end.id = "path-end";
      end.addEventListener("click", function () { showPath(pathStart, n); });
      actions.appendChild(end);
    }
    body.appendChild(actions);
    // Relations first (for an event: who claimed it, who is held responsible), then the
    // claims about the node itself (tolls, dates), then its attributes.
    var incident = [];
    for (var k = 1; k < adj[n].length; k += 2) if (incident.indexOf(adj[n][k]) < 0) incident.push(adj[n][k]);
    incident = edgesByResponsibility(incident);
    if (incident.length) {
      body.appendChild(el("h3", "Relations (" + incident.length + ")"));
      incident.slice(0, 200).forEach(function (e) {
        body.appendChild(edgeLine(e));
        byResponsibility(edgeDetails[e].statements || []).slice(0, 3).forEach(function (st) { body.appendChild(claimBlock(st)); });
      });
      if (incident.length > 200) body.appendChild(el("p", "… and " + (incident.length - 200) + " more", "muted"));
    }
    if (d.statements && d.statements.length) {
      body.appendChild(el("h3", "Claims about it"));
      byResponsibility(d.statements).forEach(function (st) { body.appendChild(claimBlock(st)); });
    }
    var rows = [];
    if (d.earliest || d.latest) rows.push(["dated", (d.earliest || "…") + " – " + (d.latest || "…")]);
    (d.attrs || []).forEach(function (kv) { rows.push([kv[1], kv[2], kv[0]]); });
    if (rows.length) {
      body.appendChild(el("h3", "Attributes"));
      body.appendChild(definitionList(rows));
    }
    hooks.panel.forEach(function (f) { f(n, body); });
    if (incident.length) body.appendChild(tiesTable(n, incident));
    panel.hidden = false;
    stateChanged();
  }

  // The entity's ties as a table a screen reader can walk: one row a tie, the other end as the
  // row's header (a button to it), then the relation read from this entity, its period, and how
  // many claims and sources stand behind it.
  function tiesTable(n, incident) {
    var section = el("section", null, "ties");
    var table = el("table");
    table.id = "ties-table";
    var caption = el("caption");
    caption.appendChild(el("span", "Ties of "));
    caption.appendChild(dataEl("span", details[n].label));
    caption.appendChild(el("span", " (" + incident.length + ")"));
    table.appendChild(caption);
    var head = el("thead"), hr = el("tr");
    ["With", "Relation", "Period", "Claims", "Sources"].forEach(function (name) {
      var th = el("th", name);
      th.scope = "col";
      hr.appendChild(th);
    });
    head.appendChild(hr);
    table.appendChild(head);
    var tbody = el("tbody");
    incident.forEach(function (e) {
      var edge = graph.edges[e], d = edgeDetails[e], rel = relByIndex[meta.edgeRel[e]];
      var outgoing = edge.from === n, other = outgoing ? edge.to : edge.from;
      var tr = el("tr");
      tr.dataset.edge = String(e);
      var th = el("th");
      th.scope = "row";
      var b = dataEl("button", details[other].label, "link-button");
      b.type = "button";
      b.dataset.node = details[other].id;
      b.addEventListener("click", function () { focusNode(other); });
      th.appendChild(b);
      tr.appendChild(th);
      var relCell = el("td");
      var rb = el("button", (outgoing ? "" : "← ") + rel.label + (outgoing ? " →" : ""), "link-button");
      rb.type = "button";
      rb.setAttribute("aria-label", outgoing ? details[n].label + " " + rel.label + " " + details[other].label
        : details[other].label + " " + rel.label + " " + details[n].label);
      rb.addEventListener("click", function () { network.selectEdges([e]); showEdge(e); });
      relCell.appendChild(rb);
      tr.appendChild(relCell);
      tr.appendChild(dataEl("td", d.start || d.end ? (d.start || "…") + " – " + (d.end || "…") : ""));
      var statements = d.statements || [], sources = {};
      statements.forEach(function (st) { if (st.source) sources[st.source] = true; });
      (d.sources || []).forEach(function (src) { sources[src] = true; });
      tr.appendChild(el("td", String(statements.length)));
      tr.appendChild(el("td", String(Object.keys(sources).length)));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    section.appendChild(table);
    return section;
  }

  // A folded event's panel: who claimed it and who is held responsible, by claim and source;
  // then the relations it was folded into.
  function showEvent(k) {
    var ev = events[k];
    clear(body);
    body.dataset.event = ev.id;
    delete body.dataset.node;
    delete body.dataset.edge;
    body.appendChild(dataEl("h2", ev.label, "title"));
    var sub = [];
    if (ev.type) sub.push(typeLabel(ev.type));
    if (ev.date) sub.push(ev.date);
    sub.push(ev.id);
    body.appendChild(dataEl("p", sub.join(" · "), "muted"));
    if (ev.aliases && ev.aliases.length) {
      body.appendChild(el("h3", "Also known as"));
      var ul = el("ul", null, "aliases");
      ev.aliases.forEach(function (a) { ul.appendChild(dataEl("li", a)); });
      body.appendChild(ul);
    }
    // Claims about the event's responsibility, grouped by relation and actor, each claim once.
    var groups = [], seen = {};
    ev.edges.forEach(function (e) {
      (edgeDetails[e].statements || []).forEach(function (st) {
        if (st.subject !== ev.id || responsibilityRank(st.property) >= meta.responsibility.length) return;
        var mark = st.property + " " + st.object + " " + (st.id || st.claim);
        if (seen[mark]) return;
        seen[mark] = true;
        var g = null;
        groups.forEach(function (x) { if (x.property === st.property && x.object === st.object) g = x; });
        if (!g) { g = { property: st.property, object: st.object, statements: [] }; groups.push(g); }
        g.statements.push(st);
      });
    });
    groups.sort(function (a, b) { return responsibilityRank(a.property) - responsibilityRank(b.property); });
    groups.forEach(function (g) {
      var section = el("section", null, "responsibility");
      section.dataset.property = g.property;
      var h = el("h3");
      h.appendChild(el("span", typeLabel(g.property).toLowerCase() + " "));
      var k2 = indexById[g.object];
      if (k2 === undefined) {
        h.appendChild(dataEl("span", g.object));
      } else {
        var b = dataEl("button", details[k2].label, "link-button");
        b.type = "button";
        b.dataset.node = g.object;
        b.addEventListener("click", function () { focusNode(k2); });
        h.appendChild(b);
      }
      var sources = {};
      g.statements.forEach(function (st) { if (st.source) sources[st.source] = true; });
      var nSources = Object.keys(sources).length;
      h.appendChild(el("span", " — " + g.statements.length + " claim" + (g.statements.length > 1 ? "s" : "") +
        ", " + nSources + " source" + (nSources === 1 ? "" : "s")));
      section.appendChild(h);
      // Grouped under "claimed by X": the claim's own subject line would repeat the heading.
      g.statements.forEach(function (st) { section.appendChild(claimBlock(st, true)); });
      body.appendChild(section);
    });
    var ties = edgesByResponsibility(ev.edges.slice());
    body.appendChild(el("h3", "Relations it was folded into (" + ties.length + ")"));
    ties.forEach(function (e) { body.appendChild(edgeLine(e)); });
    panel.hidden = false;
    stateChanged();
  }

  function showEdge(e) {
    var edge = graph.edges[e];
    var d = edgeDetails[e];
    var rel = relById[d.rel];
    clear(body);
    body.dataset.edge = String(e);
    delete body.dataset.node;
    delete body.dataset.event;
    var h = el("h2", null, "title");
    h.appendChild(dataEl("span", details[edge.from].label));
    h.appendChild(el("span", " — " + rel.label + " → "));
    h.appendChild(dataEl("span", details[edge.to].label));
    body.appendChild(h);
    body.appendChild(dataEl("p", d.rel, "muted"));
    var ends = el("div", null, "actions");
    [edge.from, edge.to].forEach(function (n) {
      var b = dataEl("button", details[n].label, "link-button");
      b.type = "button";
      b.addEventListener("click", function () { focusNode(n); });
      ends.appendChild(b);
    });
    body.appendChild(ends);
    if (d.start || d.end) body.appendChild(definitionList([["start", d.start], ["end", d.end]]));
    if (d.events && d.events.length) {
      body.appendChild(el("h3", "Through events (" + d.events.length + ")"));
      var list = el("ul", null, "events");
      d.events.forEach(function (curie) {
        var li = el("li");
        var k = indexById[curie], j = eventById[curie];
        if (k === undefined && j !== undefined) {
          var eb = dataEl("button", events[j].label, "link-button");
          eb.type = "button";
          eb.dataset.event = curie;
          eb.addEventListener("click", function () { focusEvent(j); });
          li.appendChild(eb);
        } else if (k === undefined) {
          li.appendChild(dataEl("span", curie));
        } else {
          var b = dataEl("button", details[k].label, "link-button");
          b.type = "button";
          b.addEventListener("click", function () { focusNode(k); });
          li.appendChild(b);
        }
        list.appendChild(li);
      });
      body.appendChild(list);
    }
    var statements = byResponsibility(d.statements || []);
    body.appendChild(el("h3", "Claims (" + statements.length + ")"));
    statements.forEach(function (st) { body.appendChild(claimBlock(st)); });
    var listed = statements.map(function (st) { return st.source; });
    var others = (d.sources || []).filter(function (s) { return listed.indexOf(s) < 0; });
    if (others.length) {
      body.appendChild(el("h3", "Other sources"));
      others.forEach(function (s) { body.appendChild(sourceBlock(s)); });
    }
    panel.hidden = false;
    stateChanged();
  }

  // Arrowheads on large graphs only when zoomed in enough to see them: switched after the
  // frame that crossed the threshold, since options cannot change while drawing.
  if (meta.arrowScale) {
    var arrowsOn = false, arrowTimer = null;
    network.on("beforeDrawing", function () {
      if (arrowTimer !== null || (network.getScale() >= meta.arrowScale) === arrowsOn) return;
      arrowTimer = setTimeout(function () {
        arrowTimer = null;
        var want = network.getScale() >= meta.arrowScale;
        if (want !== arrowsOn) {
          arrowsOn = want;
          network.setOptions({ edges: { arrows: { to: { enabled: want } } } });
        }
      }, 0);
    });
  }

  function clickExtra(id) { return hooks.click.some(function (f) { return f(id); }); }
  network.on("click", function (params) {
    if (params.nodes.length && typeof params.nodes[0] === "string") { clickExtra(params.nodes[0]); return; }
    if (!params.nodes.length && params.edges.length && typeof params.edges[0] === "string") { clickExtra(params.edges[0]); return; }
    if (params.nodes.length) { showNode(params.nodes[0]); return; }
    if (params.edges.length) { showEdge(params.edges[0]); return; }
    // A drawn label stands for its node (a tie drawn through it is the finer target).
    var n = labelAt(params.pointer.DOM.x, params.pointer.DOM.y);
    if (typeof n === "string") { network.selectNodes([n]); clickExtra(n); } else if (n >= 0) { network.selectNodes([n]); showNode(n); }
  });

  // ------------------------------------------------------------------ trace and path
  var pathStart = null;
  var pathStatus = document.getElementById("path-status");
  function setPathStatus(text) { pathStatus.textContent = visibleControls(text); }

  function bfs(from, maxDepth) {
    var dist = new Int32Array(N).fill(-1);
    var via = new Int32Array(N).fill(-1);
    var viaEdge = new Int32Array(N).fill(-1);
    var queue = [from];
    dist[from] = 0;
    for (var head = 0; head < queue.length; head++) {
      var u = queue[head];
      if (maxDepth !== undefined && dist[u] >= maxDepth) continue;
      var list = adj[u];
      for (var k = 0; k < list.length; k += 2) {
        var v = list[k], e = list[k + 1];
        if (!edgeShown[e] || dist[v] >= 0) continue;
        dist[v] = dist[u] + 1;
        via[v] = u;
        viaEdge[v] = e;
        queue.push(v);
      }
    }
    return { order: queue, dist: dist, via: via, viaEdge: viaEdge };
  }

  function traceFrom(n, k) {
    var r = bfs(n, k);
    var edgeIds = [];
    r.order.forEach(function (u) {
      for (var j = 1; j < adj[u].length; j += 2) {
        var e = adj[u][j], edge = graph.edges[e];
        if (edgeShown[e] && r.dist[edge.from] >= 0 && r.dist[edge.to] >= 0) edgeIds.push(e);
      }
    });
    network.setSelection({ nodes: r.order, edges: edgeIds }, { highlightEdges: false });
    setPathStatus("Traced " + (r.order.length - 1) + " nodes within " + k + " hop" + (k > 1 ? "s" : "") +
      " of " + details[n].label + ".");
    pathStatus.dataset.traced = String(r.order.length);
  }

  function showPath(a, b) {
    var r = bfs(a);
    if (r.dist[b] < 0) {
      network.unselectAll();
      setPathStatus("No path between " + details[a].label + " and " + details[b].label + " among the shown relations.");
      pathStatus.dataset.path = "";
      return;
    }
    var nodeIds = [b], edgeIds = [];
    for (var u = b; u !== a; u = r.via[u]) { edgeIds.push(r.viaEdge[u]); nodeIds.push(r.via[u]); }
    nodeIds.reverse();
    edgeIds.reverse();
    network.setSelection({ nodes: nodeIds, edges: edgeIds }, { highlightEdges: false });
    setPathStatus("Shortest path (" + edgeIds.length + " steps): " +
      nodeIds.map(function (n) { return details[n].label; }).join(" → "));
    pathStatus.dataset.path = nodeIds.map(function (n) { return details[n].id; }).join(" ");
  }

  document.getElementById("clear-highlight").addEventListener("click", function () {
    network.unselectAll();
    pathStart = null;
    setPathStatus("Select a node, then use its panel to trace its neighbourhood or find a path.");
  });

  // ------------------------------------------------------------------ focus
  // "Show its neighbourhood": the entities within k hops of one or more centres (over the
  // relations shown) stay as they are, everything else is dimmed and unlabelled, until "Show
  // everything". Filters changed meanwhile re-draw the neighbourhood with the relations left.
  var DIM_NODE = 0.12, DIM_EDGE = 0.07;
  var focusStatus = document.getElementById("focus-status");
  var unfocusButton = document.getElementById("unfocus");
  var edgeDimmed = new Uint8Array(E);

  function setFocus(centres, hops, fit) {
    centres = centres.filter(function (n) { return n >= 0 && n < N && nodeShown[n]; });
    if (!centres.length) { clearFocus(); return; }
    var inside = new Uint8Array(N);
    centres.forEach(function (c) {
      var r = bfs(c, hops);
      r.order.forEach(function (u) { inside[u] = 1; });
    });
    focusState = { nodes: centres, node: centres[0], hops: hops };
    var wasDimmed = dimmed || new Uint8Array(N);
    dimmed = new Uint8Array(N);
    var nodeChanges = [], edgeChanges = [], count = 0, ids = [];
    for (var n = 0; n < N; n++) {
      dimmed[n] = inside[n] ? 0 : 1;
      if (inside[n]) { count++; ids.push(n); }
      if (dimmed[n] !== wasDimmed[n]) nodeChanges.push({ id: n, opacity: dimmed[n] ? DIM_NODE : 1 });
    }
    for (var e = 0; e < E; e++) {
      var edge = graph.edges[e], dim = inside[edge.from] && inside[edge.to] ? 0 : 1;
      if (dim !== edgeDimmed[e]) { edgeDimmed[e] = dim; edgeChanges.push(edgeColor(e)); }
    }
    if (nodeChanges.length) nodes.update(nodeChanges.filter(function (c) { return nodes.get(c.id) !== null; }));
    if (edgeChanges.length) edges.update(edgeChanges.filter(function (c) { return edges.get(c.id) !== null; }));
    var names = centres.map(function (c) { return details[c].label; }).join(", ");
    focusStatus.textContent = visibleControls("Neighbourhood of " + names + " within " + hops + " hop" +
      (hops === 1 ? "" : "s") + ": " + count + " entities; the rest is dimmed.");
    focusStatus.dataset.focus = centres.map(function (c) { return details[c].id; }).join(" ");
    focusStatus.dataset.hops = String(hops);
    focusStatus.dataset.count = String(count);
    focusStatus.hidden = false;
    unfocusButton.hidden = false;
    if (fit) network.fit({ nodes: ids, maxZoomLevel: 1.5, animation: false });
    network.redraw();
    stateChanged();
  }

  function edgeColor(e) {
    var rel = relByIndex[meta.edgeRel[e]];
    var opacity = edgeDimmed[e] ? DIM_EDGE : 1;
    return { id: e, color: { color: rel.color, highlight: rel.color, opacity: opacity } };
  }

  function clearFocus() {
    if (!focusState) return;
    var nodeChanges = [], edgeChanges = [];
    for (var n = 0; n < N; n++) if (dimmed[n]) nodeChanges.push({ id: n, opacity: 1 });
    for (var e = 0; e < E; e++) if (edgeDimmed[e]) { edgeDimmed[e] = 0; edgeChanges.push(edgeColor(e)); }
    focusState = null;
    dimmed = null;
    nodes.update(nodeChanges.filter(function (c) { return nodes.get(c.id) !== null; }));
    edges.update(edgeChanges.filter(function (c) { return edges.get(c.id) !== null; }));
    // The button hides itself: the keyboard stays beside it rather than falling to the page.
    if (document.activeElement === unfocusButton) document.getElementById("clear-highlight").focus();
    focusStatus.hidden = true;
    delete focusStatus.dataset.focus;
    delete focusStatus.dataset.hops;
    delete focusStatus.dataset.count;
    unfocusButton.hidden = true;
    network.redraw();
    stateChanged();
  }

  unfocusButton.addEventListener("click", clearFocus);
  panel.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || (ev.target && ev.target.tagName === "SELECT")) return;
    panel.hidden = true;
    stateChanged();
    searchInput.focus();
    ev.stopPropagation();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || !focusState) return;
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
    clearFocus();
  });

  // ------------------------------------------------------------------ the view in the URL
  // The page's state (focus, filters, period, search, what the panel shows) lives in the URL's
  // fragment, so the same file opened with the same fragment shows the same view. Values from
  // the fragment are only looked up (CURIEs, type and relation ids, numbers), never inserted.
  var restoring = false, opened = false;
  var openingHash = location.hash;  // read before anything can rewrite it

  function currentState() {
    var p = new URLSearchParams();
    if (focusState) {
      p.set("focus", focusState.nodes.map(function (c) { return details[c].id; }).join(" "));
      p.set("hops", String(focusState.hops));
    }
    var typesDefault = meta.types.every(function (t) { return Boolean(typeOn[t.index]) === !t.hidden; });
    if (!typesDefault) {
      p.set("types", meta.types.filter(function (t) { return typeOn[t.index]; }).map(function (t) { return t.id; }).join(" "));
    }
    var relsOff = meta.relations.filter(function (r) { return !relOn[r.index]; }).map(function (r) { return r.id; });
    if (relsOff.length) p.set("hiderel", relsOff.join(" "));
    if (period.from !== -Infinity) p.set("from", monthText(period.from));
    if (period.to !== Infinity) p.set("to", monthText(period.to));
    if (searchInput.value) p.set("q", searchInput.value);
    if (!panel.hidden) {
      if (body.dataset.node) p.set("node", body.dataset.node);
      else if (body.dataset.event) p.set("event", body.dataset.event);
      else if (body.dataset.edge) p.set("edge", body.dataset.edge);
    }
    hooks.state.forEach(function (h) { h.save(p); });
    return p.toString();
  }

  // Other parts of the page (viz/map.js) follow the filters, the period and the selection.
  var changeListeners = [];

  function stateChanged() {
    changeListeners.forEach(function (fn) { fn(); });
    if (restoring || !opened) return;
    var hash = currentState();
    if (hash === location.hash.replace(/^#/, "")) return;
    try {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    } catch (err) {
      location.replace("#" + hash);  // where replaceState is refused (some file: URLs)
    }
  }

  // A CURIE from the fragment: only the page's own keys ("__proto__" is not one).
  function lookUp(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  function setChecked(listId, state, items, on) {
    items.forEach(function (item) {
      var want = on(item);
      state[item.index] = want;
      var box = document.querySelector("#" + listId + " input[data-id=\"" + CSS.escape(item.id) + "\"]");
      if (box) box.checked = want;
    });
  }

  function restoreState(hash) {
    var p = new URLSearchParams(hash.replace(/^#/, ""));
    restoring = true;
    try {
      if (p.has("types")) {
        var wantTypes = p.get("types").split(" ");
        setChecked("type-filters", typeOn, meta.types, function (t) { return wantTypes.indexOf(t.id) >= 0; });
      }
      if (p.has("hiderel")) {
        var off = p.get("hiderel").split(" ");
        setChecked("relation-filters", relOn, meta.relations, function (r) { return off.indexOf(r.id) < 0; });
      }
      // The period as months ("2015-03"); a year alone ("2015", as older pages wrote it) is
      // its January as a start and its December as an end.
      var dateKey = /^-?\d{4}(-\d{2})?$/;
      period.from = dateKey.test(p.get("from") || "") ? monthOf(p.get("from"), false) : -Infinity;
      period.to = dateKey.test(p.get("to") || "") ? monthOf(p.get("to"), true) : Infinity;
      if (period.from > period.to) { period.from = -Infinity; period.to = Infinity; }
      hooks.state.forEach(function (h) { h.restore(p); });
      applyFilters();
      emit("period", { from: period.from, to: period.to });
      if (p.get("q")) { searchInput.value = p.get("q"); searchInput.dispatchEvent(new Event("input")); }
      if (p.get("focus")) {
        var centres = p.get("focus").split(" ").map(function (c) { return lookUp(indexById, c); })
          .filter(function (k) { return k !== undefined; });
        var hops = Math.max(0, Math.min(9, parseInt(p.get("hops"), 10) || 1));
        if (centres.length) setFocus(centres, hops, true);
      }
      var k;
      if (p.get("node") && (k = lookUp(indexById, p.get("node"))) !== undefined) {
        if (focusState) { network.selectNodes([k]); showNode(k); } else focusNode(k);
      } else if (p.get("event") && (k = lookUp(eventById, p.get("event"))) !== undefined) {
        focusEvent(k);
      } else if (/^\d+$/.test(p.get("edge") || "") && Number(p.get("edge")) < E) {
        network.selectEdges([Number(p.get("edge"))]);
        showEdge(Number(p.get("edge")));
      }
    } finally {
      restoring = false;
    }
  }

  // The page opens in the state its fragment says, else in the focus it was written with
  // (actorgraph viz --focus NAME --hops K).
  function openingState() {
    if (openingHash.length > 1) restoreState(openingHash);
    else if (meta.focus && meta.focus.nodes.length) setFocus(meta.focus.nodes, meta.focus.hops, true);
    opened = true;
    stateChanged();
    emit("ready");
  }

  // ------------------------------------------------------------------ labels
  // The page draws node labels itself, after vis-network's frame (whose own labels are off, see
  // _page_data), so that no two labels ever overlap: candidates are taken in order of
  // importance (the focused entity, the selection, search hits, then degree) and each is placed
  // beside its node where it collides with no label already placed, else left out. Labels keep
  // one size on screen, so zooming in spreads the nodes apart and lets more of them fit, as
  // sigma.js's label grid does.
  var LABEL_PX = 12, LABEL_PAD = 2, LABEL_CELL = 96, LABEL_BUDGET = 2000, LABEL_MAX_CHARS = 40;
  var LABEL_FONT = LABEL_PX + 'px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';
  var labelText = graph.nodes.map(function (n) {
    var chars = Array.from(String(n.label || ""));
    return chars.length > LABEL_MAX_CHARS ? chars.slice(0, LABEL_MAX_CHARS - 1).join("") + "…" : chars.join("");
  });
  var labelWidth = new Float32Array(N).fill(-1);
  var byDegree = [];
  for (var d0 = 0; d0 < N; d0++) byDegree.push(d0);
  byDegree.sort(function (a, b) { return adj[b].length - adj[a].length || a - b; });
  var searchHits = [];      // node indices matching the search box, best first
  var dimmed = null;        // Uint8Array while a neighbourhood is focused: 1 = dimmed
  var focusState = null;    // {node, hops}
  var drawnLabels = [];     // [node, left, top, width, height] in the canvas's CSS pixels

  function placeLabels(ctx) {
    var view = network.body.view, scale = view.scale, tx = view.translation.x, ty = view.translation.y;
    var width = container.clientWidth, height = container.clientHeight;
    var bodyNodes = network.body.nodes;
    var grid = new Map(), placed = [], seen = new Uint8Array(N), tried = 0;
    var h = LABEL_PX + 2 * LABEL_PAD;
    ctx.font = LABEL_FONT;

    function collides(x, y, w) {
      var c0 = Math.floor(x / LABEL_CELL), c1 = Math.floor((x + w) / LABEL_CELL);
      var r0 = Math.floor(y / LABEL_CELL), r1 = Math.floor((y + h) / LABEL_CELL);
      for (var cx = c0; cx <= c1; cx++) {
        for (var cy = r0; cy <= r1; cy++) {
          var cell = grid.get(cx * 65536 + cy);
          if (!cell) continue;
          for (var k = 0; k < cell.length; k++) {
            var b = placed[cell[k]];
            if (x < b[1] + b[3] && b[1] < x + w && y < b[2] + b[4] && b[2] < y + h) return true;
          }
        }
      }
      return false;
    }

    function put(n, x, y, w, text) {
      var k = placed.length;
      placed.push([n, x, y, w, h, text]);
      var c0 = Math.floor(x / LABEL_CELL), c1 = Math.floor((x + w) / LABEL_CELL);
      var r0 = Math.floor(y / LABEL_CELL), r1 = Math.floor((y + h) / LABEL_CELL);
      for (var cx = c0; cx <= c1; cx++) {
        for (var cy = r0; cy <= r1; cy++) {
          var key = cx * 65536 + cy, cell = grid.get(key);
          if (cell) cell.push(k); else grid.set(key, [k]);
        }
      }
    }

    function consider(n) {
      if (seen[n] || !nodeShown[n] || (dimmed && dimmed[n]) || !labelText[n]) return;
      seen[n] = 1;
      if (labelWidth[n] < 0) labelWidth[n] = ctx.measureText(labelText[n]).width + 2 * LABEL_PAD;
      place(n, labelText[n], labelWidth[n]);
    }

    // A label for a node of an extension (a collapsed family), by its vis id.
    function considerExtra(id, text) {
      place(id, text, ctx.measureText(text).width + 2 * LABEL_PAD);
    }

    function place(n, text, w) {
      var bn = bodyNodes[n];
      if (!bn) return;  // not added yet (events of a large graph, a moment after the first frame)
      var x = bn.x * scale + tx, y = bn.y * scale + ty;
      if (x < -200 || y < -50 || x > width + 200 || y > height + 50) return;
      tried++;
      var r = ((bn.options && bn.options.size) || 10) * scale + 1;
      // Below the node, above it, to its right, to its left.
      var spots = [[x - w / 2, y + r], [x - w / 2, y - r - h], [x + r + 2, y - h / 2], [x - r - 2 - w, y - h / 2]];
      for (var s = 0; s < spots.length; s++) {
        var sx = spots[s][0], sy = spots[s][1];
        if (sx < 0 || sy < 0 || sx + w > width || sy + h > height) continue;  // whole, or not at all
        if (!collides(sx, sy, w)) { put(n, sx, sy, w, text); return; }
      }
    }

    if (focusState) focusState.nodes.forEach(consider);
    hooks.labels.forEach(function (f) { f().forEach(function (x) { considerExtra(x[0], x[1]); }); });
    network.getSelectedNodes().forEach(function (n) { if (typeof n !== "string") consider(Number(n)); });
    searchHits.forEach(consider);
    for (var k = 0; k < N && tried < LABEL_BUDGET; k++) consider(byDegree[k]);
    return placed;
  }

  function drawLabels(ctx) {
    drawnLabels = placeLabels(ctx);
    var ratio = network.canvas.pixelRatio || window.devicePixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = LABEL_FONT;
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.fillStyle = "#222";
    drawnLabels.forEach(function (b) {
      ctx.strokeText(b[5], b[1] + LABEL_PAD, b[2] + LABEL_PAD);
      ctx.fillText(b[5], b[1] + LABEL_PAD, b[2] + LABEL_PAD);
    });
    ctx.restore();
  }
  network.on("afterDrawing", drawLabels);

  function labelAt(x, y) {
    for (var k = drawnLabels.length - 1; k >= 0; k--) {
      var b = drawnLabels[k];
      if (x >= b[1] && x <= b[1] + b[3] && y >= b[2] && y <= b[2] + b[4]) return b[0];
    }
    return -1;
  }

  function labelBoxes() {
    var r = container.getBoundingClientRect();
    return drawnLabels.map(function (b) {
      return { id: typeof b[0] === "string" ? b[0] : details[b[0]].id, text: b[5], x: r.left + b[1], y: r.top + b[2], width: b[3], height: b[4] };
    });
  }

  // ------------------------------------------------------------------ physics and title
  var physicsBox = document.getElementById("physics");
  if (meta.physics.toggle) {
    document.getElementById("physics-label").hidden = false;
    physicsBox.checked = meta.physics.start;
    physicsBox.addEventListener("change", function () {
      network.setOptions({ physics: { enabled: physicsBox.checked } });
    });
  }
  document.getElementById("page-title").textContent = visibleControls(meta.title);
  updateStatus();

  function finished() {
    complete = true;
    window.actorgraphComplete = performance.now();
    performance.mark("ag:complete");
    applyFilters();  // catches up with any control changed while events were being added
    // The page's other scripts (families.js) hook into the state: the fragment is read once
    // they have all run, which the browser may interleave with this first frame.
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openingState);
    else openingState();
    if (meta.physics.start) network.setOptions({ physics: { enabled: true } });
  }

  network.once("afterDrawing", function () {
    window.actorgraphFirstDraw = performance.now();
    performance.mark("ag:drawn");
    if (complete) { finished(); return; }
    // Let the first frame reach the screen before the second batch: the animation frame
    // callback runs before the next paint, the timeout after it.
    requestAnimationFrame(function () { setTimeout(addRest, 0); });
  });

  function addRest() {
    // Adding to the live data sets (one batch each) measured faster than a fresh setData.
    network.once("afterDrawing", finished);
    nodes.add(restNodes);
    edges.add(restEdges);
  }

  // For tests and for analysts at the console.
  window.actorgraph = {
    network: network,
    nodes: nodes,
    edges: edges,
    normalizeName: normalizeName,
    search: function (q) { return search(q).map(function (n) { return details[n].id; }); },
    searchEvents: function (q) { return searchEvents(q).map(function (k) { return events[k].id; }); },
    counts: counts,
    isComplete: function () { return complete; },
    curie: function (i) { return details[i].id; },
    // The entities of the focused neighbourhood (CURIEs), or null when nothing is focused.
    focused: function () {
      if (!dimmed) return null;
      var out = [];
      for (var n = 0; n < N; n++) if (!dimmed[n]) out.push(details[n].id);
      return out;
    },
    // The label boxes drawn in the last frame, in CSS pixels of the viewport.
    labels: labelBoxes,
    // For the page's other scripts (viz/map.js): the page's data, what the filters and the
    // period show, the selection, and the same actions as a click in the side panel.
    meta: meta,
    onChange: function (fn) { changeListeners.push(fn); },
    nodeShown: function (n) { return Boolean(nodeShown[n]); },
    edgeShown: function (e) { return Boolean(edgeShown[e]); },
    inPeriod: inPeriod,
    openNode: focusNode,
    openEvent: focusEvent,
    panelItem: function () {
      if (panel.hidden) return null;
      if (body.dataset.node) return { node: indexById[body.dataset.node] };
      if (body.dataset.event) return { event: eventById[body.dataset.event] };
      if (body.dataset.edge) return { edge: Number(body.dataset.edge) };
      return null;
    },
    zoomTo: function (scale) {
      network.moveTo({ scale: Number(scale), animation: false });
      network.redraw();
    },
    // For timeline.js, downloads.js and the others: the period (months, see "the period"),
    // "ready" and "period" (on).
    graph: graph,
    on: on,
    stateChanged: stateChanged,
    period: function () { return { from: period.from, to: period.to }; },
    setPeriod: setPeriod,
    monthOf: monthOf,
    monthText: monthText,
    // Shown and not dimmed by a focus: what the analyst is looking at.
    edgeVisible: function (e) { return Boolean(edgeShown[e]) && !edgeDimmed[e]; },
    nameOf: nameOf,
    relationLabel: function (e) { return relByIndex[meta.edgeRel[e]].label; },
    // What extensions (families.js) build on; see `hooks` above.
    ext: {
      hooks: hooks, meta: meta, graph: graph, details: details, nodeShown: nodeShown, edgeShown: edgeShown,
      nodePasses: nodePasses, edgePasses: edgePasses, applyFilters: applyFilters, stateChanged: stateChanged,
      isOpened: function () { return opened; }, showNode: showNode, showEdge: showEdge, panel: panel, body: body, el: el,
      dataEl: dataEl, clear: clear, sourceBlock: sourceBlock, indexById: indexById, lookUp: lookUp,
      visibleControls: visibleControls
    }
  };
})();
