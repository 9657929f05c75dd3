/* actorgraph timeline: the number of dated events per month, under the drawing, and the period
 * chosen on it.
 *
 * Drag over the strip to choose a period; drag the chosen band to move it, its edges to widen or
 * narrow it; a click clears it. From the keyboard: the band's arrow keys move it by a month
 * (Page Up/Down by a year), Shift with an arrow key widens or narrows it at its end; each edge is
 * a slider of its own; "All time" clears. The period itself lives in viewer.js (actorgraph.period,
 * setPeriod, inPeriod), which filters the drawing and keeps the period in the URL's fragment.
 *
 * Only numbers from the page's data reach this script's DOM (as attributes and textContent).
 */
(function () {
  "use strict";

  var ag = window.actorgraph;
  var meta = ag.meta;
  var data = meta.timeline || { months: [], kinds: [], kindNames: [], yearOnly: [] };
  var OPEN = meta.timeOpen || [-119988, 119999];
  var KIND_COLORS = ["#d62728", "#4a6fa5", "#e7a1c8"];
  var SVG = "http://www.w3.org/2000/svg";
  var BAR_TOP = 4, BAR_HEIGHT = 44, AXIS_Y = 60;

  var section = document.getElementById("timeline");
  var sideSection = document.getElementById("time-section");
  var strip = document.getElementById("timeline-strip");
  var readout = document.getElementById("timeline-readout");
  var clearButton = document.getElementById("period-clear");
  var periodLabel = document.getElementById("period-label");

  // ------------------------------------------------------------------ the months shown
  // From the first to the last dated event, in whole years; without events, over whatever is
  // dated (relations, observations). What is dated before or after stays reachable: a period
  // that reaches the strip's first or last month is open at that end.
  var lo = Infinity, hi = -Infinity;
  data.months.forEach(function (m) { if (m < lo) lo = m; if (m > hi) hi = m; });
  data.yearOnly.forEach(function (y) { lo = Math.min(lo, y * 12); hi = Math.max(hi, y * 12 + 11); });
  if (lo === Infinity) {
    var take = function (iv) {
      if (!iv) return;
      iv.forEach(function (m) { if (m > OPEN[0] && m < OPEN[1]) { if (m < lo) lo = m; if (m > hi) hi = m; } });
    };
    meta.nodeTime.forEach(take);
    meta.edgeTime.forEach(take);
  }
  if (lo === Infinity) {
    section.hidden = true;
    sideSection.hidden = true;
    return;
  }
  lo = Math.floor(lo / 12) * 12;
  hi = Math.floor(hi / 12) * 12 + 11;
  var span = hi - lo + 1;

  // counts[k * span + i]: events of kind k in month lo + i.
  var kinds = Math.max(1, data.kindNames.length);
  var counts = new Uint32Array(kinds * span);
  var monthTotal = new Uint32Array(span);
  var kindTotal = [];
  for (var k0 = 0; k0 < kinds; k0++) kindTotal.push(0);
  for (var j = 0; j < data.months.length; j++) {
    var i = data.months[j] - lo, kind = data.kinds[j] || 0;
    counts[kind * span + i]++;
    monthTotal[i]++;
    kindTotal[kind]++;
  }
  var peak = 0;
  for (var m0 = 0; m0 < span; m0++) if (monthTotal[m0] > peak) peak = monthTotal[m0];

  // ------------------------------------------------------------------ drawing
  var svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("aria-hidden", "true");
  var barLayer = document.createElementNS(SVG, "g");
  var shadeLeft = document.createElementNS(SVG, "rect");
  var shadeRight = document.createElementNS(SVG, "rect");
  var axisLayer = document.createElementNS(SVG, "g");
  axisLayer.setAttribute("class", "axis");
  [shadeLeft, shadeRight].forEach(function (r) {
    r.setAttribute("y", "0");
    r.setAttribute("height", String(BAR_TOP + BAR_HEIGHT));
    r.setAttribute("fill", "rgba(250,250,250,0.72)");
  });
  svg.appendChild(barLayer);
  svg.appendChild(shadeLeft);
  svg.appendChild(shadeRight);
  svg.appendChild(axisLayer);
  strip.appendChild(svg);

  var brush = document.createElement("div");
  brush.className = "tl-brush";
  brush.tabIndex = 0;
  var startHandle = document.createElement("div");
  var endHandle = document.createElement("div");
  [[startHandle, "start", "Start of the period"], [endHandle, "end", "End of the period"]].forEach(function (h) {
    h[0].className = "tl-handle " + h[1];
    h[0].tabIndex = 0;
    h[0].setAttribute("role", "slider");
    h[0].setAttribute("aria-label", h[2]);
    h[0].setAttribute("aria-valuemin", String(lo));
    h[0].setAttribute("aria-valuemax", String(hi));
    brush.appendChild(h[0]);
  });
  strip.appendChild(brush);
  strip.setAttribute("role", "group");
  strip.setAttribute("aria-label", "Timeline of events per month: drag to choose a period");

  var width = 0;
  // The band shown: [first month, last month], both inside [lo, hi].
  var band = [lo, hi];

  function xOf(month) { return (month - lo) / span * width; }
  function monthAt(x) { return Math.max(lo, Math.min(hi, lo + Math.floor(x / width * span))); }

  function drawBars() {
    width = strip.clientWidth;
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(strip.clientHeight));
    while (barLayer.firstChild) barLayer.removeChild(barLayer.firstChild);
    while (axisLayer.firstChild) axisLayer.removeChild(axisLayer.firstChild);
    var step = width / span, gap = step > 3 ? 1 : 0;
    var base = new Float64Array(span);
    // One path a kind, stacked: a few elements whatever the number of months.
    for (var k = 0; k < kinds; k++) {
      var d = "";
      for (var i = 0; i < span; i++) {
        var c = counts[k * span + i];
        if (!c) continue;
        var h = c / peak * BAR_HEIGHT, y = BAR_TOP + BAR_HEIGHT - base[i] - h;
        d += "M" + (i * step).toFixed(2) + " " + y.toFixed(2) + "h" + Math.max(0.6, step - gap).toFixed(2) +
          "v" + h.toFixed(2) + "h-" + Math.max(0.6, step - gap).toFixed(2) + "z";
        base[i] += h;
      }
      if (!d) continue;
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", KIND_COLORS[k % KIND_COLORS.length]);
      barLayer.appendChild(path);
    }
    var baseline = document.createElementNS(SVG, "line");
    baseline.setAttribute("x1", "0");
    baseline.setAttribute("x2", String(width));
    baseline.setAttribute("y1", String(BAR_TOP + BAR_HEIGHT + 0.5));
    baseline.setAttribute("y2", String(BAR_TOP + BAR_HEIGHT + 0.5));
    baseline.setAttribute("stroke", "#bbb");
    axisLayer.appendChild(baseline);
    // Year ticks, as many as fit 44 pixels apart.
    var years = span / 12, every = 1;
    [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].some(function (s) { every = s; return width / years * s >= 44; });
    for (var y0 = lo / 12; y0 <= hi / 12; y0++) {
      if (y0 % every) continue;
      var x = xOf(y0 * 12);
      var tick = document.createElementNS(SVG, "line");
      tick.setAttribute("x1", x.toFixed(1));
      tick.setAttribute("x2", x.toFixed(1));
      tick.setAttribute("y1", String(BAR_TOP + BAR_HEIGHT));
      tick.setAttribute("y2", String(BAR_TOP + BAR_HEIGHT + 4));
      tick.setAttribute("stroke", "#999");
      axisLayer.appendChild(tick);
      var label = document.createElementNS(SVG, "text");
      label.setAttribute("x", (x + 2).toFixed(1));
      label.setAttribute("y", String(AXIS_Y));
      label.textContent = String(y0);
      axisLayer.appendChild(label);
    }
    drawBand();
  }

  function drawBand() {
    var left = xOf(band[0]), right = xOf(band[1] + 1);
    brush.style.left = left.toFixed(1) + "px";
    brush.style.width = Math.max(2, right - left).toFixed(1) + "px";
    shadeLeft.setAttribute("x", "0");
    shadeLeft.setAttribute("width", Math.max(0, left).toFixed(1));
    shadeRight.setAttribute("x", right.toFixed(1));
    shadeRight.setAttribute("width", Math.max(0, width - right).toFixed(1));
    var all = band[0] === lo && band[1] === hi;
    var text = all ? "All time" : ag.monthText(band[0]) + " – " + ag.monthText(band[1]);
    var p = ag.period();
    if (!drag && !keyTimer && (p.from !== -Infinity || p.to !== Infinity)) {
      // The period itself, which may reach beyond the strip (a fragment written by hand).
      text = (p.from === -Infinity ? "…" : ag.monthText(p.from)) + " – " + (p.to === Infinity ? "…" : ag.monthText(p.to));
    }
    brush.classList.toggle("all", all);
    brush.setAttribute("aria-label", "Period " + text + ": arrow keys move it, Shift with an arrow key " +
      "widens or narrows it");
    [[startHandle, band[0]], [endHandle, band[1]]].forEach(function (h) {
      h[0].setAttribute("aria-valuenow", String(h[1]));
      h[0].setAttribute("aria-valuetext", ag.monthText(h[1]));
    });
    periodLabel.textContent = text;
    clearButton.disabled = all;
    readout.textContent = text + " · " + eventsIn(band[0], band[1]) + " events";
  }

  function eventsIn(a, b) {
    var n = 0;
    for (var i = a - lo; i <= b - lo; i++) n += monthTotal[i];
    return n;
  }

  // The band chosen becomes the page's period; a band reaching the first or last month leaves
  // the period open at that end (what is dated earlier or later stays too).
  function commit() {
    clearTimeout(keyTimer);
    keyTimer = null;
    ag.setPeriod(band[0] === lo ? -Infinity : band[0], band[1] === hi ? Infinity : band[1]);
  }

  // From the keyboard: at once on a small graph; on a large one (re-filtering 10,000 nodes takes
  // a second or more) once the keys rest for a moment, the band following each press meanwhile.
  var LARGE = 2000, REST_MS = 300, keyTimer = null;
  function commitFromKeys() {
    if (ag.graph.nodes.length <= LARGE) { commit(); return; }
    clearTimeout(keyTimer);
    keyTimer = setTimeout(commit, REST_MS);
  }

  function fromPeriod() {
    var p = ag.period();
    band = [p.from === -Infinity ? lo : Math.max(lo, Math.min(hi, p.from)),
      p.to === Infinity ? hi : Math.max(lo, Math.min(hi, p.to))];
    if (band[0] > band[1]) band = [lo, hi];
    drawBand();
  }

  // ------------------------------------------------------------------ mouse and touch
  var drag = null;  // {mode: "new"|"move"|"start"|"end", anchor, origin, band, moved}

  function localX(ev) { return ev.clientX - strip.getBoundingClientRect().left; }

  strip.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    var x = localX(ev), mode = "new";
    if (ev.target === startHandle) mode = "start";
    else if (ev.target === endHandle) mode = "end";
    else if (ev.target === brush && !brush.classList.contains("all")) mode = "move";
    drag = { mode: mode, anchor: monthAt(x), origin: x, band: band.slice(), moved: false };
    strip.setPointerCapture(ev.pointerId);
    ev.preventDefault();
  });

  strip.addEventListener("pointermove", function (ev) {
    var x = localX(ev);
    if (!drag) {
      if (x >= 0 && x < width) {
        var m = monthAt(x);
        readout.textContent = ag.monthText(m) + ": " + monthTotal[m - lo] + " event" + (monthTotal[m - lo] === 1 ? "" : "s");
      }
      return;
    }
    if (Math.abs(x - drag.origin) >= 3) drag.moved = true;
    if (!drag.moved) return;
    var at = monthAt(x);
    if (drag.mode === "new") {
      band = [Math.min(drag.anchor, at), Math.max(drag.anchor, at)];
    } else if (drag.mode === "move") {
      var shift = at - drag.anchor;
      shift = Math.max(lo - drag.band[0], Math.min(hi - drag.band[1], shift));
      band = [drag.band[0] + shift, drag.band[1] + shift];
    } else if (drag.mode === "start") {
      band = [Math.min(at, drag.band[1]), drag.band[1]];
    } else {
      band = [drag.band[0], Math.max(at, drag.band[0])];
    }
    drawBand();
  });

  function endDrag(ev) {
    if (!drag) return;
    var was = drag;
    drag = null;
    if (strip.hasPointerCapture(ev.pointerId)) strip.releasePointerCapture(ev.pointerId);
    if (!was.moved && was.mode === "new") band = [lo, hi];  // a click clears, as d3's brush does
    if (!was.moved && was.mode !== "new") return;
    drawBand();
    commit();
  }
  strip.addEventListener("pointerup", endDrag);
  strip.addEventListener("pointercancel", endDrag);
  strip.addEventListener("pointerleave", function () { if (!drag) drawBand(); });

  // ------------------------------------------------------------------ keyboard
  function keyStep(ev) {
    if (ev.key === "ArrowLeft" || ev.key === "ArrowDown") return -1;
    if (ev.key === "ArrowRight" || ev.key === "ArrowUp") return 1;
    if (ev.key === "PageDown") return -12;
    if (ev.key === "PageUp") return 12;
    return 0;
  }

  brush.addEventListener("keydown", function (ev) {
    if (ev.target !== brush) return;
    var step = keyStep(ev);
    if (ev.key === "Home") band = [lo, band[1]];
    else if (ev.key === "End") band = [band[0], hi];
    else if (!step) return;
    else if (ev.shiftKey) band = [band[0], Math.max(band[0], Math.min(hi, band[1] + step))];
    else {
      var shift = Math.max(lo - band[0], Math.min(hi - band[1], step));
      band = [band[0] + shift, band[1] + shift];
    }
    ev.preventDefault();
    drawBand();
    commitFromKeys();
  });

  [[startHandle, 0], [endHandle, 1]].forEach(function (h) {
    h[0].addEventListener("keydown", function (ev) {
      var step = keyStep(ev), end = h[1], value = band[end];
      if (ev.key === "Home") value = end ? band[0] : lo;
      else if (ev.key === "End") value = end ? hi : band[1];
      else if (step) value += step;
      else return;
      value = end ? Math.max(band[0], Math.min(hi, value)) : Math.max(lo, Math.min(band[1], value));
      band = end ? [band[0], value] : [value, band[1]];
      ev.preventDefault();
      ev.stopPropagation();
      drawBand();
      commitFromKeys();
    });
  });

  clearButton.addEventListener("click", function () {
    band = [lo, hi];
    drawBand();
    commit();
    brush.focus();
  });

  // ------------------------------------------------------------------ legend and hooks
  var legend = document.getElementById("timeline-legend");
  data.kindNames.forEach(function (name, k) {
    if (!kindTotal[k]) return;
    var key = document.createElement("span");
    key.className = "key";
    key.style.background = KIND_COLORS[k % KIND_COLORS.length];
    legend.appendChild(key);
    legend.appendChild(document.createTextNode(name + " " + kindTotal[k]));
  });
  if (data.yearOnly.length) {
    legend.appendChild(document.createTextNode(" · " + data.yearOnly.length + " dated to the year only, not drawn"));
  }

  // The strip is drawn once the network is (it must not delay the first frame), and again when
  // its width changes.
  ag.on("ready", function () {
    performance.mark("ag:timeline-start");
    drawBars();
    fromPeriod();
    performance.mark("ag:timeline-drawn");  // benchmarks/ read the strip's cost between the two
    if (window.ResizeObserver) {
      new ResizeObserver(function () { if (strip.clientWidth !== width) drawBars(); }).observe(strip);
    }
  });
  ag.on("period", function () { if (width && !keyTimer) fromPeriod(); });

  // For tests and analysts: the bars (months with events), their sum, the period, and where the
  // strip is on the screen.
  ag.timeline = function () {
    var bars = [];
    for (var i = 0; i < span; i++) {
      if (!monthTotal[i]) continue;
      var byKind = [];
      for (var k = 0; k < kinds; k++) byKind.push(counts[k * span + i]);
      bars.push({ month: ag.monthText(lo + i), count: monthTotal[i], kinds: byKind });
    }
    var p = ag.period(), r = strip.getBoundingClientRect();
    return {
      first: ag.monthText(lo),
      last: ag.monthText(hi),
      bars: bars,
      total: data.months.length,
      yearOnly: data.yearOnly.length,
      kinds: data.kindNames.slice(),
      from: p.from === -Infinity ? null : ag.monthText(p.from),
      to: p.to === Infinity ? null : ag.monthText(p.to),
      band: [ag.monthText(band[0]), ag.monthText(band[1])],
      box: { x: r.left, y: r.top, width: r.width, height: BAR_TOP + BAR_HEIGHT }
    };
  };
  // The x (viewport CSS pixels) of the middle of a month ("2015-03") on the strip.
  ag.timelineX = function (month) {
    var m = ag.monthOf(month);
    return strip.getBoundingClientRect().left + xOf(m + 0.5);
  };
})();
