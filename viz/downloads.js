/* actorgraph downloads: the drawing as it is now as a PNG, and the ties in view with their
 * claims and sources as a CSV for a spreadsheet.
 *
 * Both are made in the page (canvas.toBlob, a Blob of text) and saved through a link to an
 * object URL: nothing is sent anywhere. The CSV follows RFC 4180 (every cell quoted, CRLF, UTF-8
 * with a byte order mark so that Excel reads the encoding), and a cell that a spreadsheet would run
 * as a formula (starting with = + - @, a tab or a carriage return) gets a leading ' as OWASP
 * advises, the rule of actorgraph._spreadsheet.
 */
(function () {
  "use strict";

  var ag = window.actorgraph;
  var meta = ag.meta, graph = ag.graph;
  var FORMULA_START = /^[=+\-@\t\r]/;
  var COLUMNS = ["source", "source id", "relation", "relation id", "target", "target id", "start", "end",
    "events", "claim", "rank", "cited source id", "source title", "publisher", "published", "url"];

  function cell(value) {
    var text = value === undefined || value === null ? "" : String(value);
    if (FORMULA_START.test(text)) text = "'" + text;
    return "\"" + text.replace(/"/g, "\"\"") + "\"";
  }

  // One row per claim of each tie in view (shown, not dimmed by a focus); a tie without claims,
  // and a source a tie cites without a claim, get a row of their own.
  function tieRows() {
    var rows = [];
    for (var e = 0; e < graph.edges.length; e++) {
      if (!ag.edgeVisible(e)) continue;
      var edge = graph.edges[e], d = meta.edgeDetails[e];
      var from = meta.details[edge.from], to = meta.details[edge.to];
      var events = (d.events || []).map(ag.nameOf).join("; ");
      var tie = [from.label, from.id, ag.relationLabel(e), d.rel, to.label, to.id];
      var statements = d.statements || [], cited = {};
      statements.forEach(function (st) {
        if (st.source) cited[st.source] = true;
        rows.push(tie.concat([st.start || d.start, st.end || d.end, events, st.claim,
          st.rank ? String(st.rank).replace(/^ag:/, "").replace(/Rank$/, "") : ""], sourceCells(st.source)));
      });
      var others = (d.sources || []).filter(function (s) { return !cited[s]; });
      others.forEach(function (s) { rows.push(tie.concat([d.start, d.end, events, "", ""], sourceCells(s))); });
      if (!statements.length && !others.length) rows.push(tie.concat([d.start, d.end, events, "", ""], sourceCells(null)));
    }
    return rows;
  }

  function sourceCells(curie) {
    if (!curie) return ["", "", "", "", ""];
    var src = Object.prototype.hasOwnProperty.call(meta.sources, curie) ? meta.sources[curie] : {};
    return [curie, src.title, src.publisher || src.creator, src.date, src.url];
  }

  function tiesCsv() {
    var lines = [COLUMNS.map(cell).join(",")];
    tieRows().forEach(function (row) { lines.push(row.map(cell).join(",")); });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  // A file name from the page's title: letters, digits, dot, dash and underscore only.
  function fileName(suffix) {
    var base = String(meta.title || "").normalize("NFKD").replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "").slice(0, 60);
    return (base || "actorgraph") + suffix;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // The drawing's canvas (labels included: the viewer draws them on it) on white, at the
  // canvas's own resolution.
  function pngBlob(done) {
    ag.network.redraw();
    var canvas = ag.network.canvas.frame.canvas;
    var out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    out.toBlob(done, "image/png");
  }

  var status = document.getElementById("download-status");
  document.getElementById("download-png").addEventListener("click", function () {
    pngBlob(function (blob) {
      if (!blob) { status.textContent = "The drawing could not be saved as an image."; return; }
      save(blob, fileName(".png"));
      status.textContent = "Saved the drawing as " + fileName(".png") + ".";
    });
  });
  document.getElementById("download-csv").addEventListener("click", function () {
    var text = tiesCsv();
    save(new Blob([text], { type: "text/csv;charset=utf-8" }), fileName("-ties.csv"));
    var n = 0;
    for (var e = 0; e < graph.edges.length; e++) if (ag.edgeVisible(e)) n++;
    status.textContent = "Saved " + n + " ties in view as " + fileName("-ties.csv") + ".";
  });

  // For tests and analysts at the console: the CSV as the button saves it.
  ag.tiesCsv = tiesCsv;
})();
