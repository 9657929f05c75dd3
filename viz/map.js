/* actorgraph map: the events and places that have coordinates, on an offline map of Pakistan,
 * Afghanistan and their neighbours (Natural Earth's country and province lines, prepared by
 * tools/make_basemap.py and embedded in the page as #map-data), in a column beside the drawing.
 *
 * A mark stands for one site: every shown item at the same coordinates. Selecting a mark selects
 * the item in the network and opens its panel (a site of several items lists them first); a
 * selection in the network or the panel lights its marks up. The type filters and the period
 * decide what the map shows, as they do for the network (window.actorgraph.nodeShown, inPeriod).
 * Text from data reaches the DOM through textContent only.
 */
(function () {
  "use strict";

  var base = JSON.parse(document.getElementById("map-data").textContent);
  var ag = window.actorgraph;
  if (!base || !ag || !ag.meta.geo) return;
  var meta = ag.meta;
  var SVG = "http://www.w3.org/2000/svg";
  var P = base.projection;
  var MARK_PX = 3;            // radius of a one-item mark, in CSS pixels at any zoom
  var MAX_SCALE = 40, MIN_SCALE = 1;

  function project(lat, lon) {
    return [(lon - P.lon0) * P.k * P.unit, (P.lat0 - lat) * P.unit];
  }

  function svgEl(tag, attrs, className) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (className) node.setAttribute("class", className);
    return node;
  }

  // ------------------------------------------------------------------ items and sites
  // item: {kind: "node" | "event", index, id, label, date, place}
  var items = [];
  meta.geo.nodes.forEach(function (row) {
    var d = meta.details[row[0]];
    items.push({ kind: "node", index: row[0], id: d.id, label: d.label, date: d.earliest || "",
      place: !row[3], lat: row[1], long: row[2], xy: project(row[1], row[2]) });
  });
  meta.geo.events.forEach(function (row) {
    var ev = meta.events[row[0]];
    items.push({ kind: "event", index: row[0], id: ev.id, label: ev.label, date: ev.date || "",
      place: false, lat: row[1], long: row[2], xy: project(row[1], row[2]) });
  });
  var itemByNode = {}, itemByEvent = {};
  items.forEach(function (it, k) {
    if (it.kind === "node") itemByNode[it.index] = k; else itemByEvent[it.index] = k;
  });

  // Items at the same spot (to a tenth of a projected unit, about 100 m) share a site.
  var sites = [], siteOf = [], siteByKey = {};
  items.forEach(function (it, k) {
    var key = Math.round(it.xy[0] * 10) + "," + Math.round(it.xy[1] * 10);
    var s = siteByKey[key];
    if (s === undefined) {
      s = siteByKey[key] = sites.length;
      sites.push({ x: it.xy[0], y: it.xy[1], items: [] });
    }
    sites[s].items.push(k);
    siteOf[k] = s;
  });
  sites.forEach(function (site) {
    site.items.sort(function (a, b) {
      return items[a].date < items[b].date ? -1 : items[a].date > items[b].date ? 1 : a - b;
    });
  });

  // What the filters and the period show: a node as the network shows it; a folded event when
  // its own date is in the period and one of the ties it was folded into passes the type,
  // relation and period filters (a tie hidden only because a family is collapsed into one node
  // still counts: the family's node stands for it).
  var x = ag.ext;
  var graphEdges = x ? x.graph.edges : null;
  function tiePasses(e) {
    if (!x) return ag.edgeShown(e);
    var edge = graphEdges[e];
    return x.edgePasses(e) && x.nodePasses(edge.from) && x.nodePasses(edge.to);
  }
  function itemShown(it) {
    if (it.kind === "node") return ag.nodeShown(it.index);
    var ev = meta.events[it.index];
    return ag.inPeriod(ev.time) && ev.edges.some(tiePasses);
  }

  // ------------------------------------------------------------------ the drawing
  var section = document.getElementById("map-section");
  var pane = document.getElementById("map-pane");
  var view = document.getElementById("map-view");
  var toggle = document.getElementById("map-toggle");
  var countEl = document.getElementById("map-count");
  var statusEl = document.getElementById("map-status");
  var listBox = document.getElementById("map-list");
  var listTitle = document.getElementById("map-list-title");
  var listEl = listBox.querySelector("ol");
  var summary = document.getElementById("map-summary");

  var vb = base.viewBox;
  var svg = svgEl("svg", {
    viewBox: vb.join(" "), preserveAspectRatio: "xMidYMid meet", tabindex: "0", role: "application",
    "aria-roledescription": "map",
    "aria-label": "Map of the events and places with coordinates: arrow keys move between marks, " +
      "Enter opens one, + and - zoom, Shift and the arrow keys pan, 0 shows the whole map"
  });
  // The region's box is the sea; outside it, nothing was prepared (a neutral margin).
  svg.appendChild(svgEl("rect", { x: vb[0], y: vb[1], width: vb[2], height: vb[3] }, "sea"));
  var land = svgEl("g");
  base.countries.forEach(function (c) {
    var path = svgEl("path", { d: c[2] }, "land" + (c[0] === "pak" || c[0] === "afg" ? " home" : ""));
    path.appendChild(svgEl("title")).textContent = c[1];
    land.appendChild(path);
  });
  svg.appendChild(land);
  svg.appendChild(svgEl("path", { d: base.provinceLines }, "provinces"));
  svg.appendChild(svgEl("path", { d: base.countryLines }, "countries"));
  var names = svgEl("g", { "aria-hidden": "true" });
  base.provinces.forEach(function (p) {
    var t = svgEl("text", { x: p[2], y: p[3] }, "province-name");
    t.textContent = p[1];
    t.dataset.country = p[0];
    names.appendChild(t);
  });
  svg.appendChild(names);
  var marksLayer = svgEl("g");
  svg.appendChild(marksLayer);
  var cursorMark = svgEl("circle", { r: 0 }, "cursor");
  cursorMark.style.display = "none";
  svg.appendChild(cursorMark);
  view.appendChild(svg);

  // Larger sites are drawn first, so a small one is never hidden under a large one.
  var drawOrder = sites.map(function (site, s) { return s; });
  drawOrder.sort(function (a, b) { return sites[b].items.length - sites[a].items.length || a - b; });
  var markEls = [];
  drawOrder.forEach(function (s) {
    var site = sites[s];
    var onlyPlaces = site.items.every(function (k) { return items[k].place; });
    var c = svgEl("circle", { cx: site.x.toFixed(1), cy: site.y.toFixed(1), r: 1 }, "mark" + (onlyPlaces ? " place" : ""));
    c.dataset.site = String(s);
    c.style.display = "none";
    marksLayer.appendChild(c);
    markEls[s] = c;
  });

  // ------------------------------------------------------------------ zoom and pan
  var cam = { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2, scale: 1 };

  function pxPerUnit() {
    var w = svg.clientWidth || 1, h = svg.clientHeight || 1;
    return Math.min(w / (vb[2] / cam.scale), h / (vb[3] / cam.scale));
  }

  function applyCamera() {
    var w = vb[2] / cam.scale, h = vb[3] / cam.scale;
    // Keep the region in view: the centre never leaves the base map's box.
    cam.x = Math.max(vb[0], Math.min(vb[0] + vb[2], cam.x));
    cam.y = Math.max(vb[1], Math.min(vb[1] + vb[3], cam.y));
    svg.setAttribute("viewBox", [cam.x - w / 2, cam.y - h / 2, w, h].map(function (v) { return v.toFixed(2); }).join(" "));
    var unit = 1 / pxPerUnit();
    names.setAttribute("font-size", (10 * unit).toFixed(2));
    // Pakistan's provinces are always named, Afghanistan's 34 once there is room for them.
    names.classList.toggle("few", cam.scale < 1.8);
    sizeMarks();
  }

  function zoom(factor, atX, atY) {
    var next = Math.max(MIN_SCALE, Math.min(MAX_SCALE, cam.scale * factor));
    if (atX !== undefined) {
      // The point under the pointer stays under it.
      var k = cam.scale / next;
      cam.x = atX + (cam.x - atX) * k;
      cam.y = atY + (cam.y - atY) * k;
    }
    cam.scale = next;
    applyCamera();
  }

  function toUnits(clientX, clientY) {
    var r = svg.getBoundingClientRect(), ppu = pxPerUnit();
    return [cam.x + (clientX - r.left - r.width / 2) / ppu, cam.y + (clientY - r.top - r.height / 2) / ppu];
  }

  function toClient(x, y) {
    var r = svg.getBoundingClientRect(), ppu = pxPerUnit();
    return [r.left + r.width / 2 + (x - cam.x) * ppu, r.top + r.height / 2 + (y - cam.y) * ppu];
  }

  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var at = toUnits(ev.clientX, ev.clientY);
    zoom(ev.deltaY < 0 ? 1.25 : 0.8, at[0], at[1]);
  }, { passive: false });

  var drag = null;
  svg.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, cx: cam.x, cy: cam.y, moved: false };
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    var ppu = pxPerUnit();
    cam.x = drag.cx - dx / ppu;
    cam.y = drag.cy - dy / ppu;
    applyCamera();
  });
  window.addEventListener("pointerup", function () {
    if (drag && drag.moved) suppressClick = true;
    drag = null;
  });
  var suppressClick = false;

  document.getElementById("map-zoom-in").addEventListener("click", function () { zoom(1.5); });
  document.getElementById("map-zoom-out").addEventListener("click", function () { zoom(1 / 1.5); });
  document.getElementById("map-reset").addEventListener("click", function () {
    cam = { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2, scale: 1 };
    applyCamera();
  });

  // ------------------------------------------------------------------ what is shown
  var shownCount = new Int32Array(sites.length);   // shown items per site
  var selected = new Uint8Array(sites.length);
  var itemSelected = new Uint8Array(items.length);
  var dirty = true;

  function sizeMarks() {
    var unit = 1 / pxPerUnit();
    for (var s = 0; s < sites.length; s++) {
      var n = shownCount[s];
      if (!n) continue;
      markEls[s].setAttribute("r", (markPx(n) * unit).toFixed(3));
    }
    if (cursor >= 0) cursorMark.setAttribute("r", ((markPx(Math.max(shownCount[cursor], 1)) + 4) * unit).toFixed(3));
  }

  // A site's radius grows with the log of its items: one item 3 px, 8 items 7.5 px, 300 items 15 px.
  function markPx(n) {
    return MARK_PX + 1.5 * Math.log2(n);
  }

  // Which items the network's selection and the open panel point at.
  function selectedItems() {
    var out = new Uint8Array(items.length);
    ag.network.getSelectedNodes().forEach(function (n) {
      var k = itemByNode[n];
      if (k !== undefined) out[k] = 1;
    });
    var panelItem = ag.panelItem();
    var edgesOfInterest = ag.network.getSelectedEdges().slice();
    if (panelItem && panelItem.event !== undefined && itemByEvent[panelItem.event] !== undefined) {
      out[itemByEvent[panelItem.event]] = 1;
    } else if (panelItem && panelItem.edge !== undefined) {
      edgesOfInterest = [panelItem.edge];
    }
    // A tie lights up the events folded into it, unless an event of it is what the panel shows.
    if (!(panelItem && panelItem.event !== undefined)) {
      edgesOfInterest.forEach(function (e) {
        ((meta.edgeDetails[e] || {}).events || []).forEach(function (curie) {
          var j = eventIndex[curie];
          if (j !== undefined && itemByEvent[j] !== undefined) out[itemByEvent[j]] = 1;
        });
      });
    }
    return out;
  }
  var eventIndex = {};
  meta.events.forEach(function (ev, j) { eventIndex[ev.id] = j; });

  // While a neighbourhood is focused, the marks outside it are dimmed as its nodes are: a node
  // item by the network's dimming, a folded event unless one of its shown ties lies inside.
  function focusedItems() {
    var inside = ag.focused();
    if (!inside) return null;
    var set = {};
    inside.forEach(function (curie) { set[curie] = true; });
    var out = new Uint8Array(items.length);
    items.forEach(function (it, k) {
      if (it.kind === "node") { out[k] = set[it.id] ? 1 : 0; return; }
      out[k] = meta.events[it.index].edges.some(function (e) {
        var edge = graphEdges ? graphEdges[e] : ag.edges.get(e);
        return edge && ag.edgeShown(e) && set[ag.curie(edge.from)] && set[ag.curie(edge.to)];
      }) ? 1 : 0;
    });
    return out;
  }
  var inFocus = null;

  function update() {
    dirty = false;
    inFocus = focusedItems();
    shownCount.fill(0);
    var shownItems = 0, shownPlaces = 0;
    for (var k = 0; k < items.length; k++) {
      if (itemShown(items[k])) {
        shownCount[siteOf[k]]++;
        if (items[k].place) shownPlaces++; else shownItems++;
      }
    }
    itemSelected = selectedItems();
    selected.fill(0);
    var firstSelected = -1;
    for (var j = 0; j < items.length; j++) {
      if (itemSelected[j] && shownCount[siteOf[j]]) {
        selected[siteOf[j]] = 1;
        if (firstSelected < 0) firstSelected = siteOf[j];
      }
    }
    var siteLit = new Uint8Array(sites.length);
    for (var f = 0; f < items.length; f++) if (!inFocus || inFocus[f]) siteLit[siteOf[f]] = 1;
    var sitesShown = 0;
    for (var s = 0; s < sites.length; s++) {
      var el = markEls[s];
      el.style.display = shownCount[s] ? "" : "none";
      el.classList.toggle("dim", !siteLit[s]);
      if (shownCount[s]) sitesShown++;
      var isSel = el.classList.contains("selected");
      if (Boolean(selected[s]) !== isSel) {
        el.classList.toggle("selected", Boolean(selected[s]));
        // Selected marks are drawn last, over the others.
        if (selected[s]) marksLayer.appendChild(el);
      }
    }
    if (cursor >= 0 && !shownCount[cursor]) setCursor(-1);
    sizeMarks();
    countEl.textContent = shownItems + " events" + (shownPlaces ? ", " + shownPlaces + " places" : "") +
      " at " + sitesShown + " sites";
    countEl.dataset.items = String(shownItems + shownPlaces);
    // A selection made elsewhere is brought into view if none of its marks is in it.
    if (firstSelected >= 0 && !pane.hidden && !anySelectedInView()) {
      cam.x = sites[firstSelected].x;
      cam.y = sites[firstSelected].y;
      applyCamera();
    }
  }

  function inView(s) {
    var w = vb[2] / cam.scale, h = vb[3] / cam.scale;
    return Math.abs(sites[s].x - cam.x) <= w / 2 && Math.abs(sites[s].y - cam.y) <= h / 2;
  }

  function anySelectedInView() {
    for (var s = 0; s < sites.length; s++) if (selected[s] && inView(s)) return true;
    return false;
  }

  function schedule() {
    if (dirty) return;
    dirty = true;
    requestAnimationFrame(function () { if (dirty) update(); });
  }
  ag.onChange(schedule);
  ["selectNode", "deselectNode", "selectEdge", "deselectEdge", "click"].forEach(function (name) {
    ag.network.on(name, schedule);
  });

  // ------------------------------------------------------------------ choosing a mark
  function shownItemsAt(s) {
    return sites[s].items.filter(function (k) { return itemShown(items[k]); });
  }

  function open(k) {
    var it = items[k];
    hideList();
    if (it.kind === "node") ag.openNode(it.index); else ag.openEvent(it.index);
    update();
  }

  function describe(k) {
    var it = items[k];
    return it.label + (it.date && it.label.indexOf(it.date) < 0 ? " (" + it.date + ")" : "");
  }

  function activate(s, fromKeyboard) {
    var here = shownItemsAt(s);
    if (!here.length) return;
    setCursor(s);
    if (here.length === 1) { open(here[0]); return; }
    // Several items at one site: the user picks one.
    while (listEl.firstChild) listEl.removeChild(listEl.firstChild);
    listTitle.textContent = here.length + " at this site";
    here.forEach(function (k) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = describe(k);
      b.dataset.id = items[k].id;
      b.addEventListener("click", function () { open(k); });
      li.appendChild(b);
      listEl.appendChild(li);
    });
    listBox.hidden = false;
    if (fromKeyboard) listEl.querySelector("button").focus();
  }

  function hideList() {
    listBox.hidden = true;
  }

  listBox.addEventListener("keydown", function (ev) {
    var buttons = Array.prototype.slice.call(listEl.querySelectorAll("button"));
    var k = buttons.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" && k + 1 < buttons.length) { buttons[k + 1].focus(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp" && k > 0) { buttons[k - 1].focus(); ev.preventDefault(); }
    else if (ev.key === "Escape") { hideList(); svg.focus(); ev.preventDefault(); ev.stopPropagation(); }
  });

  svg.addEventListener("click", function (ev) {
    if (suppressClick) { suppressClick = false; return; }
    var s = ev.target && ev.target.dataset ? ev.target.dataset.site : undefined;
    if (s === undefined) { hideList(); return; }
    activate(Number(s), ev.detail === 0);
  });

  // ------------------------------------------------------------------ keyboard
  var cursor = -1;

  function setCursor(s) {
    cursor = s;
    if (s < 0) { cursorMark.style.display = "none"; statusEl.textContent = ""; return; }
    cursorMark.setAttribute("cx", sites[s].x.toFixed(1));
    cursorMark.setAttribute("cy", sites[s].y.toFixed(1));
    cursorMark.style.display = "";
    sizeMarks();
    var here = shownItemsAt(s);
    statusEl.textContent = here.length ? describe(here[0]) + (here.length > 1 ? " and " + (here.length - 1) + " more" : "") : "";
    if (!inView(s)) { cam.x = sites[s].x; cam.y = sites[s].y; applyCamera(); }
  }

  // The nearest shown site in the arrow's direction (within 60 degrees of it).
  function nextSite(dx, dy) {
    var from = cursor >= 0 ? sites[cursor] : { x: cam.x, y: cam.y };
    var best = -1, bestScore = Infinity;
    for (var s = 0; s < sites.length; s++) {
      if (!shownCount[s] || s === cursor) continue;
      var vx = sites[s].x - from.x, vy = sites[s].y - from.y;
      var along = vx * dx + vy * dy, across = Math.abs(vx * dy - vy * dx);
      if (along <= 0 || across > along * 1.8) continue;
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = s; }
    }
    return best;
  }

  function firstSite() {
    var best = -1;
    for (var s = 0; s < sites.length; s++) {
      if (!shownCount[s]) continue;
      if (selected[s]) return s;
      if (best < 0 || (inView(s) && !inView(best)) || (inView(s) === inView(best) && shownCount[s] > shownCount[best])) best = s;
    }
    return best;
  }

  svg.addEventListener("keydown", function (ev) {
    var dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (dirs[ev.key]) {
      var d = dirs[ev.key];
      if (ev.shiftKey) {
        var step = (vb[2] / cam.scale) / 8;
        cam.x += d[0] * step;
        cam.y += d[1] * step;
        applyCamera();
      } else {
        var s = cursor < 0 ? firstSite() : nextSite(d[0], d[1]);
        if (s >= 0) setCursor(s);
      }
      ev.preventDefault();
    } else if (ev.key === "Enter" || ev.key === " ") {
      if (cursor < 0) setCursor(firstSite());
      if (cursor >= 0) activate(cursor, true);
      ev.preventDefault();
    } else if (ev.key === "+" || ev.key === "=" || ev.key === "-" || ev.key === "_") {
      // Around the cursor's mark, when there is one.
      var f = ev.key === "+" || ev.key === "=" ? 1.5 : 1 / 1.5;
      if (cursor >= 0) zoom(f, sites[cursor].x, sites[cursor].y); else zoom(f);
      ev.preventDefault();
    } else if (ev.key === "0") {
      cam = { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2, scale: 1 };
      applyCamera(); ev.preventDefault();
    } else if (ev.key === "Escape" && !listBox.hidden) {
      hideList(); ev.preventDefault(); ev.stopPropagation();
    }
  });
  // The keyboard's arrival puts the cursor on a mark; a pointer's does not (moving the view
  // under a pressed button would turn the click into a drag).
  svg.addEventListener("focus", function () {
    if (cursor < 0 && !drag) setCursor(firstSite());
  });

  // ------------------------------------------------------------------ showing the pane
  function showPane(show) {
    pane.hidden = !show;
    document.body.classList.toggle("with-map", show);
    toggle.textContent = show ? "Hide the map" : "Show the map";
    toggle.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) { applyCamera(); update(); }
  }
  function changed() { if (x) x.stateChanged(); }
  toggle.addEventListener("click", function () { showPane(pane.hidden); changed(); });
  document.getElementById("map-close").addEventListener("click", function () {
    showPane(false);
    changed();
    toggle.focus();
  });
  // A hidden map is part of the view a link shares (#map=off).
  if (x) {
    x.hooks.state.push({
      save: function (p) { if (items.length && pane.hidden) p.set("map", "off"); },
      restore: function (p) {
        if (p.get("map") !== "off" || pane.hidden) return;
        showPane(false);
        ag.network.redraw();
        ag.network.fit({ animation: false });
      }
    });
  }
  window.addEventListener("resize", function () { if (!pane.hidden) applyCamera(); });

  var places = items.filter(function (it) { return it.place; }).length;
  summary.textContent = (items.length - places) + " events and " + places + " places have coordinates.";
  section.hidden = false;
  showPane(items.length > 0);
  // The drawing lost the map's column before its first frame: fit the graph to what is left.
  if (items.length) ag.network.fit({ animation: false });

  // For tests and for analysts at the console: the items the map shows, with where their mark
  // is on the screen (CSS pixels of the viewport) and whether it is lit up.
  ag.mapMarks = function () {
    if (dirty) update();
    var out = [];
    for (var k = 0; k < items.length; k++) {
      var it = items[k], s = siteOf[k];
      if (!itemShown(it)) continue;
      var xy = toClient(sites[s].x, sites[s].y);
      out.push({ id: it.id, kind: it.kind, place: it.place, lat: it.lat, long: it.long, site: s,
        alone: shownCount[s] === 1, x: xy[0], y: xy[1], selected: Boolean(itemSelected[k]),
        dimmed: Boolean(inFocus && !inFocus[k]) });
    }
    return out;
  };
  ag.showMap = showPane;
})();
