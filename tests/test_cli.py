"""The command line, run as a user runs it: the installed ``actorgraph`` script in a subprocess.

Each run costs a new interpreter and its imports (about a second of CPU, more for validate, export
and viz), so all but two of these tests are in the slow set; test_query_cli.py runs the same verbs
in process in the quick set.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ACTORGRAPH = shutil.which("actorgraph")

CLAIMS_QUERY = (
    "SELECT ?attack ?group ?source WHERE { ?attack ag:claimedBy ?group . "
    "?st rdf:subject ?attack ; rdf:predicate ag:claimedBy ; rdf:object ?group ; "
    "prov:wasDerivedFrom ?source }"
)


def run(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = [ACTORGRAPH] if ACTORGRAPH else [sys.executable, "-m", "actorgraph.cli"]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_the_console_script_is_installed() -> None:
    assert ACTORGRAPH is not None, "pip install -e '.[test]' installs the actorgraph command"


@pytest.mark.slow
def test_version_and_help_teach() -> None:
    assert run("--version").stdout.startswith("actorgraph ")
    out = run("--help").stdout
    for verb in ["info", "validate", "query", "viz", "export"]:
        assert verb in out
    assert "exit codes" in out
    assert "examples:" in run("query", "--help").stdout


@pytest.mark.slow
@pytest.mark.parametrize("module", ["actorgraph", "actorgraph.cli"])
def test_python_dash_m_runs_the_same_command_line(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "query", "--saved", "no-such-query"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    script = run("query", "--saved", "no-such-query")
    assert (result.returncode, result.stderr) == (script.returncode, script.stderr)
    assert script.returncode not in (0, 1) and "no-such-query" in script.stderr


@pytest.mark.slow
def test_query_answers_which_attacks_were_claimed_by_whom_and_according_to_whom() -> None:
    result = run("query", CLAIMS_QUERY)
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"agd:bajaur-rally-bombing-2023\s+agd:iskp\s+ags:ipd-terrorism-resurging-in-pakistan",
        result.stdout,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        pytest.param("csv", lambda out: out.startswith("attack,group,source\r\n"), id="csv"),
        pytest.param("tsv", lambda out: out.startswith("?attack\t?group\t?source\n"), id="tsv"),
        pytest.param(
            "json",
            lambda out: json.loads(out)["head"]["vars"] == ["attack", "group", "source"],
            id="json",
        ),
        pytest.param("xml", lambda out: "<sparql" in out, id="xml"),
    ],
)
def test_query_formats(fmt: str, check: object) -> None:
    command = [ACTORGRAPH] if ACTORGRAPH else [sys.executable, "-m", "actorgraph.cli"]
    # Bytes, so that line ends stay as written (SPARQL CSV ends its lines with CRLF).
    result = subprocess.run(
        [*command, "query", CLAIMS_QUERY, "--format", fmt],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert check(result.stdout.decode("utf-8"))  # type: ignore[operator]


@pytest.mark.slow
def test_query_from_a_file_and_from_stdin(tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { agd:ttp a ag:ArmedGroup }", encoding="utf-8")
    assert run("query", "-f", str(query_file)).stdout.strip() == "true"
    assert run("query", stdin="ASK { agd:ttp a ag:PoliticalParty }").stdout.strip() == "false"


@pytest.mark.slow
def test_a_bad_query_exits_4_with_line_and_column_and_no_traceback() -> None:
    result = run("query", "SELECT ?s WHERE {\n  ?s ag:claimedBy  }")
    assert result.returncode == 4
    first = result.stderr.splitlines()[0]
    assert first.startswith("actorgraph: error: SPARQL syntax error at line 2, column 20")
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_service_is_refused_with_exit_4() -> None:
    result = run("query", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    assert result.returncode == 4
    assert "--allow-remote" in result.stderr


@pytest.mark.slow
def test_a_runaway_query_times_out_with_exit_5() -> None:
    result = run(
        "query",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        "--timeout",
        "0.5",
    )
    assert result.returncode == 5
    assert "stopped" in result.stderr


@pytest.mark.slow
def test_validate_accepts_the_bundled_data() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


@pytest.mark.slow
def test_validate_catches_a_broken_record_with_its_line_number(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "entities:\n"
        "  - id: agd:test-attack\n"
        "    type: ag:Attack\n"
        "    label: A test attack\n"
        "claims:\n"
        "  - subject: agd:test-attack\n"
        "    property: ag:killed\n"
        "    object: -3\n"
        "    source: ags:ipd-terrorism-resurging-in-pakistan\n"
        "    claim: A negative toll.\n",
        encoding="utf-8",
    )
    before = broken.read_bytes()
    result = run("validate", str(broken))
    assert result.returncode == 3
    assert f"{broken}:8: object:" in result.stderr
    assert "cannot be negative" in result.stderr
    assert "Traceback" not in result.stderr
    assert broken.read_bytes() == before


@pytest.mark.slow
def test_validate_finds_what_pyshacl_finds_with_file_and_line(tmp_path: Path) -> None:
    """A problem only the SHACL shapes catch: the same message, by default and --pyshacl."""
    undated = tmp_path / "undated.yaml"
    undated.write_text(
        "entities:\n  - id: agd:test-undated-attack\n    type: ag:Attack\n    label: An attack\n",
        encoding="utf-8",
    )
    fast = run("validate", str(undated))
    reference = run("validate", "--pyshacl", str(undated))
    assert fast.returncode == reference.returncode == 3
    assert fast.stderr == reference.stderr
    assert f"{undated}:2:" in fast.stderr
    assert "agd:test-undated-attack: The attack has no date" in fast.stderr


@pytest.mark.slow
def test_viz_writes_one_page_that_needs_no_network(tmp_path: Path) -> None:
    result = run("viz", "-o", "page.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"], (
        "no lib/ folder or other files"
    )
    # No resource is loaded from anywhere: no src/href pointing at a host.
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)
    assert "Islamic State" in html


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig", "nq"])
def test_export_rdf_formats_parse_back(tmp_path: Path, fmt: str) -> None:
    from rdflib import Dataset, Graph

    out = tmp_path / f"kg.{fmt}"
    result = run("export", "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    rdflib_format = {
        "turtle": "turtle",
        "nt": "nt",
        "jsonld": "json-ld",
        "trig": "trig",
        "nq": "nquads",
    }[fmt]
    if fmt in {"trig", "nq"}:
        dataset = Dataset()
        dataset.parse(out, format=rdflib_format)
        graphs = {str(g.identifier) for g in dataset.graphs()}
        assert "https://w3id.org/actorgraph/graph/curated" in graphs
    else:
        graph = Graph()
        graph.parse(out, format=rdflib_format)
        assert len(graph) > 100


@pytest.mark.slow
def test_export_graphml(tmp_path: Path) -> None:
    import networkx as nx

    out = tmp_path / "kg.graphml"
    result = run("export", "--format", "graphml", "-o", str(out))
    assert result.returncode == 0, result.stderr
    graph = nx.read_graphml(out)
    assert "agd:iskp" in graph


@pytest.mark.slow
def test_info_summarises(tmp_path: Path) -> None:
    result = run("info")
    assert result.returncode == 0, result.stderr
    assert "agg:curated" in result.stdout
    assert "sourced claims" in result.stdout


def test_unknown_verb_is_a_usage_error() -> None:
    result = run("frobnicate")
    assert result.returncode == 2


@pytest.mark.slow
def test_a_misspelt_param_is_an_error_not_an_answer_for_everything() -> None:
    result = run("query", "SELECT ?l WHERE { ?group rdfs:label ?l }", "--param", "grop=agd:ttp")
    assert result.returncode == 4
    assert "no variable ?grop" in result.stderr


@pytest.mark.slow
def test_a_name_given_as_a_param_gets_a_hint_to_use_the_id() -> None:
    result = run("query", "SELECT ?l WHERE { ?group rdfs:label ?l }", "--param", "group=TTP")
    assert result.returncode == 0
    assert "use --param group=agd:ttp" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "starts a SPARQL Update", id="insert"
        ),
        pytest.param("  # only a comment\n", "the query is empty", id="empty"),
    ],
)
def test_updates_and_empty_queries_are_named_plainly(query: str, message: str) -> None:
    result = run("query", query)
    assert result.returncode == 4
    assert message in result.stderr


@pytest.mark.slow
def test_readers_share_an_on_disk_store(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    assert run("info", "--store", str(store)).returncode == 0  # creates it
    from actorgraph.store._open import load_for_reading

    # While one reader has it open, another reader (the CLI) still gets in.
    with load_for_reading(store=store) as reader:
        assert reader.resolve("TTP") == "agd:ttp"
        result = run("query", "--store", str(store), "ASK { agd:ttp a ag:ArmedGroup }")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "true"


@pytest.mark.slow
def test_csv_for_spreadsheets_neutralises_formulas_while_sparql_csv_stays_w3c() -> None:
    query = 'SELECT ?x WHERE { BIND("=HYPERLINK(\\"http://example.org\\")" AS ?x) }'
    command = [ACTORGRAPH] if ACTORGRAPH else [sys.executable, "-m", "actorgraph.cli"]
    w3c = subprocess.run(
        [*command, "query", query, "--format", "csv"], capture_output=True, check=True
    )
    excel = subprocess.run(
        [*command, "query", query, "--format", "csv-excel"], capture_output=True, check=True
    )
    assert w3c.stdout == b'x\r\n"=HYPERLINK(""http://example.org"")"\r\n'
    assert excel.stdout == b'\xef\xbb\xbfx\r\n"\'=HYPERLINK(""http://example.org"")"\r\n'
