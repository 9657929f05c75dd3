/* actorgraph's query page: a small SPARQL editor (a textarea under a highlighted copy of its text),
   the saved queries as examples, and a results table. No network beyond the server it came from. */
(function () {
  "use strict";

  var KEYWORDS = ("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED ORDER BY ASC DESC LIMIT " +
    "OFFSET DISTINCT REDUCED OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER BIND VALUES AS GROUP " +
    "HAVING NOT EXISTS IN UNDEF a true false COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR " +
    "LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE " +
    "ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS " +
    "TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM " +
    "ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE INSERT DELETE DATA WITH USING LOAD " +
    "CLEAR DROP CREATE ADD MOVE COPY TO INTO DEFAULT ALL LATERAL").split(" ");
  var KEYWORD_SET = {};
  KEYWORDS.forEach(function (k) { KEYWORD_SET[k.toUpperCase()] = true; });

  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                                    // 1 comment
    "('''[\\s\\S]*?'''|\"\"\"[\\s\\S]*?\"\"\"|'(?:[^'\\\\\\n]|\\\\.)*'|\"(?:[^\"\\\\\\n]|\\\\.)*\")", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                                      // 3 IRI
    "([?$][A-Za-z0-9_\\u00C0-\\uFFFF]+)",                            // 4 variable
    "([A-Za-z_][\\w\\-.]*)?:([\\w\\-.%]*)",                          // 5,6 prefixed name
    "([A-Za-z_][A-Za-z0-9_]*)",                                      // 7 word
    "([+-]?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)"                      // 8 number
  ].join("|"), "g");

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function span(cls, text) { return '<span class="' + cls + '">' + escapeHtml(text) + "</span>"; }

  function highlight(text) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += escapeHtml(text.slice(last, m.index));
      if (m[1]) out += span("tok-cmt", m[0]);
      else if (m[2]) out += span("tok-str", m[0]);
      else if (m[3]) out += span("tok-iri", m[0]);
      else if (m[4]) out += span("tok-var", m[0]);
      else if (m[6] !== undefined) out += span("tok-pname", m[0]);
      else if (m[7]) out += KEYWORD_SET[m[7].toUpperCase()] ? span("tok-kw", m[0]) : escapeHtml(m[0]);
      else if (m[8]) out += span("tok-num", m[0]);
      else out += escapeHtml(m[0]);
      last = TOKEN.lastIndex;
    }
    // A trailing newline needs a character after it to keep the two layers the same height.
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  var area = document.getElementById("query");
  var pre = document.getElementById("highlight");
  var runButton = document.getElementById("run");
  var format = document.getElementById("format");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var paramsBox = document.getElementById("params");
  var examples = document.getElementById("examples");
  var endpoint = "sparql";

  function refresh() {
    pre.innerHTML = highlight(area.value);
    pre.scrollTop = area.scrollTop;
    pre.scrollLeft = area.scrollLeft;
  }
  area.addEventListener("input", refresh);
  area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
  area.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var start = area.selectionStart, end = area.selectionEnd;
      area.value = area.value.slice(0, start) + "  " + area.value.slice(end);
      area.selectionStart = area.selectionEnd = start + 2;
      refresh();
    }
  });
  runButton.addEventListener("click", run);

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function showParams(params) {
    paramsBox.textContent = "";
    Object.keys(params || {}).forEach(function (name) {
      var label = document.createElement("label");
      label.title = params[name];
      label.appendChild(document.createTextNode("?" + name + " "));
      var input = document.createElement("input");
      input.name = name;
      input.placeholder = (params[name].match(/e\.g\. ([^)]+)\)/) || [])[1] || "";
      input.setAttribute("data-param", name);
      label.appendChild(input);
      paramsBox.appendChild(label);
    });
  }

  function loadExamples() {
    fetch("queries.json").then(function (r) { return r.json(); }).then(function (list) {
      examples.textContent = "";
      list.forEach(function (q) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.setAttribute("data-name", q.name);
        var title = document.createElement("strong");
        title.textContent = q.title;
        var answers = document.createElement("span");
        answers.className = "answers";
        answers.textContent = q.answers;
        button.appendChild(title);
        button.appendChild(answers);
        button.addEventListener("click", function () {
          area.value = q.text;
          refresh();
          showParams(q.params);
          setStatus("loaded " + q.name + ".rq", false);
          area.focus();
        });
        li.appendChild(button);
        examples.appendChild(li);
      });
    }).catch(function (error) {
      examples.textContent = "";
      var li = document.createElement("li");
      li.className = "muted";
      li.textContent = "could not load the saved queries: " + error;
      examples.appendChild(li);
    });
  }

  function cellText(term) {
    if (!term) return "";
    if (term.type === "literal" || term.type === "typed-literal") {
      return term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : "");
    }
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  function renderTable(doc) {
    results.textContent = "";
    if (doc.boolean !== undefined) {
      var answer = document.createElement("pre");
      answer.textContent = String(doc.boolean);
      results.appendChild(answer);
      return 1;
    }
    var vars = doc.head.vars, rows = doc.results.bindings;
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) {
        var td = tr.insertCell();
        td.textContent = cellText(row[v]);
        if (row[v] && row[v].type === "uri") td.className = "uri";
      });
    });
    results.appendChild(table);
    return rows.length;
  }

  function run() {
    var body = new URLSearchParams();
    body.append("query", area.value);
    Array.prototype.forEach.call(paramsBox.querySelectorAll("input[data-param]"), function (input) {
      if (input.value.trim()) body.append("param", input.name + "=" + input.value.trim());
    });
    var accept = format.value;
    if (accept === "application/sparql-results+json") accept += ", text/turtle;q=0.9";
    runButton.disabled = true;
    setStatus("running…", false);
    var started = performance.now();
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: body.toString()
    }).then(function (response) {
      return response.text().then(function (text) {
        var seconds = ((performance.now() - started) / 1000).toFixed(2);
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok) {
          results.textContent = "";
          var error = document.createElement("pre");
          error.className = "error";
          error.textContent = text;
          results.appendChild(error);
          setStatus("HTTP " + response.status + " after " + seconds + " s", true);
          return;
        }
        var cut = response.headers.get("X-ActorGraph-Truncated");
        var note = cut ? " (cut at " + cut + ")" : "";
        if (type.indexOf("sparql-results+json") >= 0) {
          var count = renderTable(JSON.parse(text));
          setStatus(count + " row" + (count === 1 ? "" : "s") + " in " + seconds + " s" + note, false);
        } else {
          results.textContent = "";
          var out = document.createElement("pre");
          out.textContent = text;
          results.appendChild(out);
          setStatus(type.split(";")[0] + " in " + seconds + " s" + note, false);
        }
      });
    }).catch(function (error) {
      setStatus("the server did not answer: " + error, true);
    }).then(function () { runButton.disabled = false; });
  }

  document.getElementById("endpoint").textContent = new URL(endpoint, window.location.href).href;
  refresh();
  loadExamples();
})();
