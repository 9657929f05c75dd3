"""Hostile curated YAML through the real command line: one clear line, exit code 3, nothing changed.

Each file of ``tests/hostile/curated/`` is a small hand-written case. ``actorgraph validate`` must name
its file, line and (where there is one) field, exit with 3 (a bad data file), print no traceback, and
leave every file as it was; a bad ``--data`` file must leave the store and the output files untouched.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _hostile import CURATED, SEEDS, assert_clean_failure, fingerprint, run_cli

from _stores import copy_store
from actorgraph.curation._model import MAX_FIELD_CHARS, MAX_FILE_BYTES

#: Every test runs `actorgraph validate` in a process of its own, which reads the bundled data's YAML
#: besides the hostile file (about 2 s of CPU each): the slow set.
pytestmark = pytest.mark.slow

# (file, line, field or None, a fragment of the message)
CASES = [
    pytest.param("bad_indentation.yaml", 4, None, "malformed YAML", id="yaml-bad-indentation"),
    pytest.param("unclosed_bracket.yaml", 7, None, "flow sequence at line 6", id="yaml-unclosed-bracket"),
    pytest.param("duplicate_key.yaml", 6, None, "duplicate key 'label'", id="yaml-duplicate-key"),
    pytest.param("python_tag.yaml", 3, None, "could not determine a constructor", id="yaml-python-tag"),
    pytest.param("billion_laughs.yaml", 3, None, "alias *a is not allowed", id="yaml-billion-laughs"),
    pytest.param("deep_nesting.yaml", None, None, "nested too deeply", id="yaml-deep-nesting"),
    pytest.param("nul_byte.yaml", 3, None, "#x0000", id="nul-byte"),
    pytest.param("latin1.yaml", 5, None, "byte 0xe9 is not UTF-8", id="latin1-as-utf8"),
    pytest.param("bom_bad_date.yaml", 7, "date", "has day 30", id="bom-keeps-line-numbers"),
    pytest.param("missing_required.yaml", 3, "label", "needs the field 'label'", id="missing-required"),
    pytest.param("unknown_field.yaml", 6, "lable", "unknown field", id="unknown-field"),
    pytest.param("date_feb30.yaml", 14, "object", "has day 30", id="date-2014-02-30"),
    pytest.param("date_month13.yaml", 14, "object", "has month 13", id="date-month-13"),
    pytest.param("date_day0.yaml", 14, "object", "has day 0", id="date-day-0"),
    pytest.param("toll_negative.yaml", 14, "object", "cannot be negative", id="toll-negative"),
    pytest.param("toll_text.yaml", 14, "object", "takes a whole number", id="toll-not-a-number"),
    pytest.param("toll_float.yaml", 14, "object", "takes a whole number", id="toll-fraction"),
    pytest.param("two_labels.yaml", 5, "label", "exactly one English label", id="two-labels"),
    pytest.param("splinter_cycle.yaml", 15, "object", "forms a cycle", id="splinterof-cycle"),
    pytest.param("control_key.yaml", 6, None, "keys must be printable", id="control-chars-in-key"),
    pytest.param("control_value.yaml", 5, "label", "control character U+001B", id="escape-in-label"),
    pytest.param("control_alias.yaml", 6, "aliases", "holds a control character", id="escape-in-alias"),
]  # fmt: skip


@pytest.fixture
def untouched() -> object:
    """The corpus, byte for byte, must be the same after every test."""
    before = fingerprint(CURATED)
    yield
    assert fingerprint(CURATED) == before


@pytest.mark.parametrize(("name", "line", "field", "fragment"), CASES)
def test_validate_names_file_line_and_field_and_exits_3(
    name: str, line: int | None, field: str | None, fragment: str, untouched: object
) -> None:
    run = run_cli("validate", name, cwd=CURATED)
    assert_clean_failure(run, 3)
    first = run.error_lines[0]
    where = f"actorgraph: error: {name}:{line}" if line else f"actorgraph: error: {name}: "
    assert first.startswith(where), first
    if field is not None:
        assert f": {field}: " in first, first
    assert fragment in first, first
    # Hostile text is echoed escaped: no terminal escapes, and the error stays on its lines.
    assert "\x1b" not in run.stderr


@pytest.mark.parametrize("name", ["bom_valid.yaml", "splinter_rejoin_valid.yaml"])
def test_valid_neighbours_of_the_hostile_cases_pass(name: str, untouched: object) -> None:
    # --no-shacl: the shapes are tested on the bundled data elsewhere; this checks the reader.
    run = run_cli("validate", "--no-shacl", name, cwd=CURATED)
    assert run.code == 0, run.stderr
    assert "ok:" in run.stdout


def test_a_splinterof_cycle_is_one_error_naming_both_records(untouched: object) -> None:
    run = run_cli("validate", "splinter_cycle.yaml", cwd=CURATED)
    assert_clean_failure(run, 3)
    assert len(run.error_lines) == 1
    assert "agd:hostile-a → agd:hostile-b → agd:hostile-a" in run.error_lines[0]
    assert "splinter_cycle.yaml:20" in run.error_lines[0]


def test_a_splinterof_cycle_through_three_groups_is_found(tmp_path: Path) -> None:
    text = (CURATED / "splinter_cycle.yaml").read_text("utf-8")
    text = text.replace(
        "  - id: agd:hostile-b\n",
        "  - id: agd:hostile-c\n    type: ag:ArmedGroup\n    label: Hostile C\n  - id: agd:hostile-b\n",
    )
    # b → a becomes b → c, and c → a closes the loop a → b → c → a.
    text = text.replace("    object: agd:hostile-a\n", "    object: agd:hostile-c\n") + (
        "  - subject: agd:hostile-c\n    property: ag:splinterOf\n    object: agd:hostile-a\n"
        "    source: ags:hostile-source\n    claim: The test source says C split from A.\n"
    )
    (tmp_path / "three.yaml").write_text(text, "utf-8")
    run = run_cli("validate", "three.yaml", cwd=tmp_path)
    assert_clean_failure(run, 3)
    assert "forms a cycle" in run.error_lines[0]
    assert run.error_lines[0].count("→") == 3


def test_a_deprecated_splinterof_claim_closes_no_cycle(tmp_path: Path) -> None:
    text = (CURATED / "splinter_cycle.yaml").read_text("utf-8")
    text += "    rank: deprecated\n"
    (tmp_path / "deprecated.yaml").write_text(text, "utf-8")
    run = run_cli("validate", "--no-shacl", "deprecated.yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr


def test_duplicate_ids_across_two_files_name_the_first_declaration(untouched: object) -> None:
    run = run_cli("validate", "duplicate_id_a.yaml", "duplicate_id_b.yaml", cwd=CURATED)
    assert_clean_failure(run, 3)
    (line,) = run.error_lines
    assert line.startswith("actorgraph: error: duplicate_id_b.yaml:6: id: "), line
    assert "agd:hostile-twin is declared twice (also duplicate_id_a.yaml:3)" in line


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed texts ({SEEDS}) are not on this machine")
@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        pytest.param("pinpoint_sha.yaml", "SHA-256 of the span is", id="sha-mismatch"),
        pytest.param("pinpoint_offsets.yaml", "ends past the text", id="offsets-past-end"),
    ],
)
def test_a_pinpoint_that_does_not_match_the_seed_text_is_refused(
    name: str, fragment: str, untouched: object
) -> None:
    # Structurally fine: only recomputing against the seed text finds the mismatch.
    assert run_cli("validate", "--no-shacl", name, cwd=CURATED).code == 0
    run = run_cli("validate", "--no-shacl", name, "--seeds", SEEDS, cwd=CURATED)
    assert_clean_failure(run, 3)
    (line,) = run.error_lines
    assert line.startswith(f"actorgraph: error: {name}:7: pinpoint: "), line
    assert fragment in line


# ------------------------------------------------------------------------------------------------
# Oversized input: a field over the cap, and a 100 MB file with one field


def _claim_file(text: str) -> str:
    return (
        "sources:\n  - id: ags:hostile-source\n    title: A hostile test source\n"
        "    creator: Nobody\n    publisher: Nobody\n"
        "entities:\n  - id: agd:hostile-group\n    type: ag:ArmedGroup\n    label: Hostile Group\n"
        "claims:\n  - subject: agd:hostile-group\n    property: ag:adheresTo\n"
        "    object: agd:hostile-group\n    source: ags:hostile-source\n"
        f"    claim: {text}\n"
    )


def test_a_field_over_the_cap_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "long.yaml").write_text(_claim_file("x" * (MAX_FIELD_CHARS + 1)), "utf-8")
    run = run_cli("validate", "--no-shacl", "long.yaml", cwd=tmp_path)
    assert_clean_failure(run, 3)
    assert any(
        line.startswith("actorgraph: error: long.yaml:15: claim: ") and "at most 10,000" in line
        for line in run.error_lines
    ), run.stderr


def _max_rss_kib(*args: str, cwd: Path) -> tuple[int, str]:
    """Run the command line in a fresh parent so that RUSAGE_CHILDREN is this one run's peak."""
    code = (
        "import resource, subprocess, sys\n"
        "proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + '\\n')\n"
        "sys.stdout.write(proc.stderr)\n"
    )
    entry = "import sys; from actorgraph.cli import main; sys.exit(main())"
    out = subprocess.run(
        [sys.executable, "-c", code, sys.executable, "-c", entry, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=True,
    ).stdout
    first, _, rest = out.partition("\n")
    return int(first), rest


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB only on Linux")
def test_a_100_mb_single_field_is_refused_without_reading_the_file(tmp_path: Path) -> None:
    head = _claim_file("")[:-1].encode()
    size = 100 * 1024 * 1024
    with (tmp_path / "huge.yaml").open("wb") as handle:
        handle.write(head)
        handle.write(b"x" * (size - len(head) - 1))
        handle.write(b"\n")
    assert (tmp_path / "huge.yaml").stat().st_size > MAX_FILE_BYTES
    (tmp_path / "small.yaml").write_text(_claim_file("A short claim."), "utf-8")
    before = hashlib.sha256((tmp_path / "huge.yaml").read_bytes()).hexdigest()
    small_rss, _ = _max_rss_kib("validate", "--no-shacl", "small.yaml", cwd=tmp_path)
    huge_rss, stderr = _max_rss_kib("validate", "--no-shacl", "huge.yaml", cwd=tmp_path)
    assert "Traceback" not in stderr
    assert stderr.startswith("actorgraph: error: huge.yaml: the file is 104,857,600 bytes"), stderr
    # Reading the file (100 MB of bytes, then 100 MB of text) would add at least 200 MB.
    assert huge_rss < small_rss + 50 * 1024, (small_rss, huge_rss)
    assert hashlib.sha256((tmp_path / "huge.yaml").read_bytes()).hexdigest() == before


# ------------------------------------------------------------------------------------------------
# A bad --data file leaves the store and the output files as they were


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, bundled_store_template: Path) -> Path:
    path = copy_store(bundled_store_template, tmp_path_factory.mktemp("store") / "kg")
    run = run_cli("info", "--store", path)
    assert run.code == 0, run.stderr
    return path


@pytest.mark.parametrize("name", ["date_feb30.yaml", "billion_laughs.yaml"])
@pytest.mark.parametrize(
    "verb",
    [
        pytest.param(["info"], id="info"),
        pytest.param(["export", "--format", "turtle", "-o", "{out}"], id="export"),
        pytest.param(["viz", "-o", "{out}"], id="viz"),
        pytest.param(["query", "ASK { ?s ?p ?o }"], id="query"),
    ],
)
def test_a_bad_data_file_leaves_store_and_outputs_unchanged(
    store: Path, tmp_path: Path, name: str, verb: list[str]
) -> None:
    out = tmp_path / "previous-output"
    out.write_bytes(b"an earlier result the user wants to keep\n")
    shutil.copy(CURATED / name, tmp_path / name)
    args = [a.replace("{out}", str(out)) for a in verb]
    before = fingerprint(store, out, tmp_path / name)
    run = run_cli(*args, "--store", store, "--data", tmp_path / name, cwd=tmp_path)
    assert_clean_failure(run, 3)
    assert f"{tmp_path / name}:" in run.error_lines[0]
    assert fingerprint(store, out, tmp_path / name) == before
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name not in {name, out.name})
    assert leftovers == []
