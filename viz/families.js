/* actorgraph page: families of armed groups. A legend colours the groups by family; a family can
 * be collapsed into one node (its ties re-attached to it, counted) and expanded again; which
 * families are collapsed lives in the URL's fragment. The families come from the page's data
 * (derived in the projection from sourced ties and claims), never from this file. Runs after
 * viewer.js and builds on what it exposes in window.actorgraph.ext. */
(function () {
  "use strict";
  var ag = window.actorgraph;
  if (!ag || !ag.ext) return;
  var x = ag.ext, meta = x.meta, details = x.details, N = details.length;
  var nodes = ag.nodes, edges = ag.edges, network = ag.network;
  var families = meta.families || [];
  var PREFIX = "family:";
  var SVG = "http://www.w3.org/2000/svg";

  var famIndex = {};
  families.forEach(function (f, k) { famIndex[f.id] = k; });
  var familyOf = new Int32Array(N).fill(-1);
  families.forEach(function (f, k) { f.members.forEach(function (n) { familyOf[n] = k; }); });
  var collapsed = families.map(function () { return false; });
  var colourOn = true;
  var typeColour = {};
  meta.types.forEach(function (t) { typeColour[t.index] = t.color; });
  var relLabel = {};
  meta.relations.forEach(function (r) { relLabel[r.index] = r.label; });
  var drawnNodes = [], drawnEdges = [];  // the collapsed families' nodes and their ties
  var drawn = {};  // family node id -> {k, members shown, ties, internal}

  function familyNodeId(k) { return PREFIX + families[k].id; }

  function swatch(color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    var c = document.createElementNS(SVG, "circle");
    c.setAttribute("cx", "7");
    c.setAttribute("cy", "7");
    c.setAttribute("r", "6");
    c.setAttribute("fill", color);
    svg.appendChild(c);
    return svg;
  }

  // ------------------------------------------------------------------ colour
  function paint() {
    var changes = [];
    for (var n = 0; n < N; n++) {
      if (familyOf[n] < 0 || nodes.get(n) === null) continue;
      var c = colourOn ? families[familyOf[n]].color : typeColour[meta.nodeType[n]];
      changes.push({ id: n, color: { background: c, border: c, highlight: { background: c, border: "#222" } } });
    }
    if (changes.length) nodes.update(changes);
  }

  // ------------------------------------------------------------------ collapse and expand
  // A member of a collapsed family is hidden; the family's node stands for the members that the
  // type and time filters let through, and each tie of theirs to a node outside is drawn to the
  // family's node instead, one line per other end and direction, counted.
  x.hooks.filters.push(function (n) { return familyOf[n] < 0 || !collapsed[familyOf[n]]; });

  function rebuild() {
    if (drawnEdges.length) edges.remove(drawnEdges);
    if (drawnNodes.length) nodes.remove(drawnNodes);
    drawnNodes = [];
    drawnEdges = [];
    drawn = {};
    if (!collapsed.some(Boolean)) return;
    var newNodes = [];
    families.forEach(function (f, k) {
      if (!collapsed[k]) return;
      var shown = f.members.filter(x.nodePasses);
      if (!shown.length) return;
      var pos = network.getPositions(shown), sx = 0, sy = 0;
      shown.forEach(function (n) { sx += pos[n].x; sy += pos[n].y; });
      var id = familyNodeId(k);
      drawn[id] = { k: k, members: shown, ties: 0, internal: 0 };
      newNodes.push({
        id: id, x: sx / shown.length, y: sy / shown.length, shape: "dot",
        size: 12 + 3 * Math.sqrt(shown.length), borderWidth: 3,
        color: { background: f.color, border: "#222", highlight: { background: f.color, border: "#000" } },
        title: x.visibleControls(f.label) + "\n" + shown.length + " groups, collapsed"
      });
    });
    function rep(n) {
      var k = familyOf[n];
      if (k >= 0 && collapsed[k]) return x.nodePasses(n) && drawn[familyNodeId(k)] ? familyNodeId(k) : null;
      return x.nodeShown[n] ? n : null;
    }
    var ties = {}, order = [];
    x.graph.edges.forEach(function (e) {
      var a = familyOf[e.from], b = familyOf[e.to];
      if (!((a >= 0 && collapsed[a]) || (b >= 0 && collapsed[b])) || !x.edgePasses(e.id)) return;
      var from = rep(e.from), to = rep(e.to);
      if (from === null || to === null) return;
      if (from === to) { drawn[from].internal++; return; }
      var key = String(from) + "\u0000" + String(to);
      if (!ties[key]) { ties[key] = { from: from, to: to, edges: [] }; order.push(key); }
      ties[key].edges.push(e.id);
    });
    var newEdges = order.map(function (key, j) {
      var t = ties[key], names = {};
      t.edges.forEach(function (e) { names[relLabel[meta.edgeRel[e]]] = true; });
      [t.from, t.to].forEach(function (end) { if (drawn[end]) drawn[end].ties += t.edges.length; });
      var count = t.edges.length;
      return {
        id: "family-tie:" + j, from: t.from, to: t.to, width: 1 + Math.log2(count),
        color: { color: "#777", highlight: "#333" }, label: count > 1 ? "×" + count : undefined,
        font: { size: 11, color: "#444", strokeWidth: 3, strokeColor: "#fff" },
        title: count + " tie" + (count > 1 ? "s" : "") + ": " + Object.keys(names).join(", "),
        ties: t.edges
      };
    });
    nodes.add(newNodes);
    edges.add(newEdges);
    drawnNodes = newNodes.map(function (n) { return n.id; });
    drawnEdges = newEdges.map(function (e) { return e.id; });
    updateLegend();
  }
  x.hooks.filtered.push(rebuild);
  x.hooks.counts.push(function () { return { nodes: drawnNodes.length, edges: drawnEdges.length }; });
  x.hooks.labels.push(function () {
    return drawnNodes.map(function (id) {
      var d = drawn[id];
      return [id, families[d.k].label + " (" + d.members.length + ")"];
    });
  });

  function setCollapsed(id, on) {
    var k = x.lookUp(famIndex, String(id));
    if (k === undefined) return false;
    collapsed[k] = Boolean(on);
    x.applyFilters();
    updateLegend();
    var b = x.body.dataset;
    if (!on && !x.panel.hidden && b.family === families[k].id && !b.node && !b.edge && !b.event) x.panel.hidden = true;
    x.stateChanged();
    return true;
  }

  // ------------------------------------------------------------------ the legend
  var section = document.getElementById("family-section");
  var list = document.getElementById("family-legend");
  var colourBox = document.getElementById("family-colour");
  var buttons = [], countEls = [];

  function shownMembers(k) {
    return families[k].members.filter(function (n) { return x.nodeShown[n]; }).length;
  }

  function updateLegend() {
    families.forEach(function (f, k) {
      if (!buttons[k]) return;
      buttons[k].textContent = collapsed[k] ? "Expand" : "Collapse";
      buttons[k].setAttribute("aria-pressed", collapsed[k] ? "true" : "false");
      buttons[k].setAttribute("aria-label", (collapsed[k] ? "Expand " : "Collapse ") + f.label);
      countEls[k].textContent = String(f.members.length);
    });
  }

  if (section && list && families.length) {
    section.hidden = false;
    families.forEach(function (f, k) {
      var li = x.el("li");
      li.dataset.id = f.id;
      var row = x.el("div", null, "family-row");
      row.appendChild(swatch(f.color));
      var name = x.dataEl("span", f.label, "family-name");
      if (f.comment) name.title = f.comment;
      row.appendChild(name);
      countEls[k] = x.el("span", String(f.members.length), "count");
      row.appendChild(countEls[k]);
      var b = x.el("button", "Collapse", "family-toggle");
      b.type = "button";
      b.dataset.id = f.id;
      b.addEventListener("click", function () { setCollapsed(f.id, !collapsed[k]); });
      buttons[k] = b;
      row.appendChild(b);
      li.appendChild(row);
      list.appendChild(li);
    });
    updateLegend();
  }
  if (colourBox) {
    colourBox.addEventListener("change", function () {
      colourOn = colourBox.checked;
      paint();
      x.stateChanged();
    });
  }

  // ------------------------------------------------------------------ the panel
  function tieList(ties) {
    var ul = x.el("ul", null, "family-ties");
    ties.forEach(function (t) {
      var li = x.el("li");
      li.appendChild(x.dataEl("span", (t.subject_label || t.subject) + " — " + t.label + " → " +
        (t.object_label || t.object)));
      (t.sources || []).forEach(function (s) {
        var src = x.lookUp(meta.sources || {}, s);
        li.appendChild(x.dataEl("div", (src && src.title) || s, "muted"));
      });
      ul.appendChild(li);
    });
    return ul;
  }

  function why(rule, ties, f) {
    var last = ties.length ? ties[ties.length - 1] : null;
    var first = ties.length ? ties[0] : null;
    var end = last ? (last.object_label || last.object) : "";
    var start = first ? (first.object_label || first.object) : "";
    switch (rule) {
      case "root": return ties.length ? "Its splinter and merger ties lead to " + end + ", a root group of this family."
        : "It is a root group of this family.";
      case "place": return "It is active in " + start + (ties.length > 1 ? ", which lies in " + end : "") + ".";
      case "ideology": return "It adheres to " + start + ".";
      case "opposes": return "It opposes " + start + ".";
      case "inherited": return "It meets none of the families' rules; it split from or merged into " + end +
        ", which is in this family.";
      case "lineage": return ties.length ? "It is tied by splinters and mergers to " + end +
        ", and no family's rule applies to the groups of this lineage."
        : "It is the root of this lineage: groups tied to it by splinters and mergers that no family's rule takes.";
      default: return "Family: " + f.label + ".";
    }
  }

  x.hooks.panel.push(function (n, body) {
    var d = details[n].family;
    if (!d) return;
    var k = x.lookUp(famIndex, d.id);
    if (k === undefined) return;
    var f = families[k];
    var section = x.el("section", null, "family");
    section.id = "family-explanation";
    section.appendChild(x.el("h3", "Family"));
    var p = x.el("p", null, "family-name");
    p.appendChild(swatch(f.color));
    p.appendChild(x.dataEl("span", " " + f.label));
    section.appendChild(p);
    section.appendChild(x.dataEl("p", why(d.rule, d.ties || [], f), "family-why"));
    if (d.ties && d.ties.length) section.appendChild(tieList(d.ties));
    // Found by a search while its family is collapsed, the group is hidden: offer the way back.
    var b = x.el("button", collapsed[k] ? "Expand the family" : "Collapse the family");
    b.type = "button";
    b.id = collapsed[k] ? "family-expand-member" : "family-collapse";
    b.addEventListener("click", function () { setCollapsed(f.id, !collapsed[k]); });
    var actions = x.el("div", null, "actions");
    actions.appendChild(b);
    section.appendChild(actions);
    // Near the top, with the entity's names, before its relations and claims.
    var first = body.querySelector(".actions");
    if (first) body.insertBefore(section, first); else body.appendChild(section);
  });

  function showFamily(id) {
    var d = drawn[id];
    if (!d) return false;
    var f = families[d.k], body = x.body;
    x.clear(body);
    delete body.dataset.node;
    delete body.dataset.edge;
    delete body.dataset.event;
    body.dataset.family = f.id;
    body.appendChild(x.dataEl("h2", f.label, "title"));
    body.appendChild(x.dataEl("p", "Family of armed groups, collapsed · " + f.id, "muted"));
    if (f.comment) body.appendChild(x.dataEl("p", f.comment));
    body.appendChild(x.dataEl("p", d.members.length + " groups; " + d.ties + " ties to the rest of the graph, " +
      d.internal + " among themselves.", "family-counts"));
    var actions = x.el("div", null, "actions");
    var b = x.el("button", "Expand");
    b.type = "button";
    b.id = "family-expand";
    b.addEventListener("click", function () { setCollapsed(f.id, false); });
    actions.appendChild(b);
    body.appendChild(actions);
    body.appendChild(x.el("h3", "Members"));
    var ul = x.el("ul");
    d.members.forEach(function (n) { ul.appendChild(x.dataEl("li", details[n].label)); });
    body.appendChild(ul);
    x.panel.hidden = false;
    return true;
  }
  x.hooks.click.push(showFamily);

  // A re-attached line: the ties it stands for, each opening its own panel.
  function showFamilyTie(id) {
    var e = edges.get(id);
    if (!e || !e.ties) return false;
    var body = x.body;
    x.clear(body);
    delete body.dataset.node;
    delete body.dataset.edge;
    delete body.dataset.event;
    delete body.dataset.family;
    body.appendChild(x.dataEl("h2", e.ties.length + " tie" + (e.ties.length > 1 ? "s" : "") + " of a collapsed family", "title"));
    var ul = x.el("ul", null, "family-ties");
    e.ties.forEach(function (j) {
      var ge = x.graph.edges[j];
      var b = x.el("button", null, "link-button");
      b.type = "button";
      b.appendChild(x.dataEl("span", details[ge.from].label + " — " + relLabel[meta.edgeRel[j]] + " → " + details[ge.to].label));
      b.addEventListener("click", function () { x.showEdge(j); });
      var li = x.el("li");
      li.appendChild(b);
      ul.appendChild(li);
    });
    body.appendChild(ul);
    x.panel.hidden = false;
    return true;
  }
  x.hooks.click.push(showFamilyTie);

  // ------------------------------------------------------------------ the URL
  x.hooks.state.push({
    save: function (p) {
      var ids = families.filter(function (f, k) { return collapsed[k]; }).map(function (f) { return f.id; });
      if (ids.length) p.set("collapse", ids.join(" "));
      if (!colourOn) p.set("familycolour", "off");
    },
    restore: function (p) {
      var want = (p.get("collapse") || "").split(" ");
      families.forEach(function (f, k) { collapsed[k] = want.indexOf(f.id) >= 0; });
      colourOn = p.get("familycolour") !== "off";
      if (colourBox) colourBox.checked = colourOn;
      paint();
      updateLegend();
    }
  });

  paint();

  // For tests and for analysts at the console.
  ag.families = function () {
    return families.map(function (f, k) {
      return { id: f.id, label: f.label, color: f.color, size: f.members.length, shown: shownMembers(k),
        collapsed: collapsed[k], members: f.members.map(function (n) { return details[n].id; }) };
    });
  };
  ag.familyOf = function (curie) {
    var n = x.lookUp(x.indexById, String(curie));
    return n === undefined || familyOf[n] < 0 ? null : families[familyOf[n]].id;
  };
  ag.collapseFamily = function (id) { return setCollapsed(id, true); };
  ag.expandFamily = function (id) { return setCollapsed(id, false); };
  ag.familyNodes = function () { return drawnNodes.slice(); };
  ag.familyTies = function () {
    return drawnEdges.map(function (id) { var e = edges.get(id); return { id: id, from: e.from, to: e.to, count: e.ties.length }; });
  };
})();
