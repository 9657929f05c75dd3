"""The curated data against the texts it cites: seed pinpoints, fact numbers, bibliographic records.

These tests read the YAML of ``data/curated/`` directly (PyYAML), not through the loader, so they
check the data files themselves and would catch a loader that silently dropped a claim. They need
the seed texts and checked sources in ``../shared`` (beside the repository) and skip with a reason
when it is absent, e.g. in a clone without the team's shared folder.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CURATED = REPO / "data" / "curated"
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SOURCES = SHARED / "sources"

sys.path.insert(0, str(REPO / "tools"))
from pinpoint import SpanError, pinpoint  # noqa: E402

#: PyYAML's libyaml loader where it is built in (the wheels have it): it reads the curated files with
#: the same result as the pure-Python ``yaml.safe_load`` in a ninth of the time (0.5 s instead of
#: 4.5 s of CPU for the whole data), and this module reads them when it is collected.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(path: Path) -> dict[str, Any]:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
    assert isinstance(doc, dict), f"{path.name}: a curated file is a mapping"
    return doc


DOCS = {path.name: _load(path) for path in sorted(CURATED.glob("*.yaml"))}
SOURCES_BY_ID = {s["id"]: s for doc in DOCS.values() for s in doc.get("sources", [])}
CLAIMS = [
    pytest.param(
        claim,
        id=f"{name}#{i}:{claim['subject']} {claim['property']} {claim['object']} "
        f"[{claim['source'].removeprefix('ags:')}]",
    )
    for name, doc in DOCS.items()
    for i, claim in enumerate(doc.get("claims", []))
]
SEED_CLAIMS = [p for p in CLAIMS if SOURCES_BY_ID[p.values[0]["source"]].get("seed_file")]
FACT_CLAIMS = [p for p in CLAIMS if "fact" in p.values[0]]
#: The sources of ../shared/sources/: those cited by fact number, and those whose slug names a file.
#: Every other source (a web page found in research, a dataset) is cited by locator and described
#: by its record alone.
FACT_SOURCES = {p.values[0]["source"] for p in FACT_CLAIMS}
_SOURCE_FILES = {p.stem for p in SOURCES.glob("*.md") if p.name != "README.md"}
SHARED_SOURCES = [
    pytest.param(source, id=source["id"])
    for source in SOURCES_BY_ID.values()
    if source["id"] in FACT_SOURCES or source["id"].removeprefix("ags:") in _SOURCE_FILES
]

needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the seed texts are not here ({SEEDS}): ../shared is absent"
)
needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(),
    reason=f"the checked sources are not here ({SOURCES}): ../shared is absent",
)

# Properties whose object is a date, and those whose object is a count.
DATE_PROPERTIES = {
    "ag:date",
    "ag:startDate",
    "ag:endDate",
    "ag:deathDate",
    "ag:foundingDate",
    "ag:dissolutionDate",
}
_WORDS_RE = re.compile(r"[\w'\u2019-]+")
_FACT_RE = re.compile(r"^(\d+)\. ", re.MULTILINE)


def _seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def _number_forms(n: int) -> set[str]:
    """The ways a count may be written in a text: ``1612`` and ``1,612``."""
    return {str(n), f"{n:,}"}


def test_there_are_seed_claims_and_fact_claims() -> None:
    assert len(SEED_CLAIMS) >= 50
    assert len(FACT_CLAIMS) >= 50


@pytest.mark.parametrize("claim", SEED_CLAIMS)
def test_every_seed_claim_has_a_pinpoint(claim: dict[str, Any]) -> None:
    pin = claim.get("pinpoint")
    assert isinstance(pin, dict), "a claim from a seed source needs a pinpoint"
    assert set(pin) == {"start", "end", "sha256"}
    assert 0 <= pin["start"] < pin["end"]
    assert "fact" not in claim, "a seed claim points into the text, it has no fact number"


@needs_seeds
@pytest.mark.parametrize("claim", SEED_CLAIMS)
def test_seed_pinpoint_recomputes(claim: dict[str, Any]) -> None:
    text = _seed_text(SOURCES_BY_ID[claim["source"]]["seed_file"])
    pin = claim["pinpoint"]
    span = text[pin["start"] : pin["end"]]
    assert pin["end"] <= len(text)
    assert hashlib.sha256(span.encode("utf-8")).hexdigest() == pin["sha256"]
    # tools/pinpoint.py finds the same offsets when the span is unique in the text.
    try:
        assert pinpoint(text, span) == (pin["start"], pin["end"], pin["sha256"])
    except SpanError:
        assert text.count(span) > 1


@needs_seeds
@pytest.mark.parametrize("claim", SEED_CLAIMS)
def test_seed_span_holds_the_figure_it_supports(claim: dict[str, Any]) -> None:
    text = _seed_text(SOURCES_BY_ID[claim["source"]]["seed_file"])
    span = text[claim["pinpoint"]["start"] : claim["pinpoint"]["end"]]
    obj = claim["object"]
    if isinstance(obj, int) and not isinstance(obj, bool):
        assert any(form in span for form in _number_forms(obj)), (
            f"the span {span!r} does not contain the number {obj}"
        )
    elif claim["property"] in DATE_PROPERTIES:
        year = str(obj)[:4]
        assert year in span, f"the span {span!r} does not contain the year {year}"


@needs_sources
@pytest.mark.parametrize("claim", FACT_CLAIMS)
def test_fact_number_exists_in_the_source_file(claim: dict[str, Any]) -> None:
    slug = claim["source"].removeprefix("ags:")
    path = SOURCES / f"{slug}.md"
    assert path.is_file(), f"a claim cites fact {claim['fact']} of {slug}, which has no file"
    numbers = {int(n) for n in _FACT_RE.findall(path.read_text(encoding="utf-8"))}
    assert claim["fact"] in numbers, f"{slug} has facts {sorted(numbers)}"
    assert "pinpoint" not in claim


def _source_field(text: str, field: str) -> str | None:
    match = re.search(rf"^- {field}: (.*)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


@needs_sources
@pytest.mark.parametrize("source", SHARED_SOURCES)
def test_source_record_matches_its_file(source: dict[str, Any]) -> None:
    path = SOURCES / f"{source['id'].removeprefix('ags:')}.md"
    assert path.is_file(), "a source beside the seed takes its file's name as slug"
    text = path.read_text(encoding="utf-8")
    heading = text.splitlines()[0].removeprefix("# ")
    assert heading.startswith(source["title"]), "the title is the file's, minus bracketed notes"
    url = _source_field(text, "url")
    assert url is not None and url.split(" ")[0] == source["url"]
    date = _source_field(text, "date") or ""
    if "date" in source:
        # The file's date, at its precision; one file gives it only as "AS OF <MONTH YEAR>".
        assert date.startswith(str(source["date"])) or str(source["date"])[:4] in date
    else:
        assert not re.match(r"\d{4}", date), "the file gives a date the record leaves out"
    publisher = _source_field(text, "publisher") or ""
    assert publisher.startswith(source["publisher"].split(",")[0].split(";")[0])


@needs_sources
def test_every_cited_shared_source_is_declared_and_every_file_has_a_record() -> None:
    files = {p.stem for p in SOURCES.glob("*.md") if p.name != "README.md"}
    declared = {s["id"].removeprefix("ags:") for s in SOURCES_BY_ID.values() if "url" in s}
    assert files <= declared
    assert {source.removeprefix("ags:") for source in FACT_SOURCES} <= files


def _grams(text: str, n: int = 10) -> set[str]:
    words = _WORDS_RE.findall(text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent")
def test_no_claim_repeats_ten_words_of_a_source() -> None:
    """Claims are restated in our words: no 10 consecutive words of the seed or any source file."""
    cited = set()
    for path in [*SEEDS.glob("*"), *SOURCES.glob("*.md")]:
        cited |= _grams(path.read_text(encoding="utf-8"))
    copied = []
    for name, doc in DOCS.items():
        for i, claim in enumerate(doc.get("claims", [])):
            for field in ("claim", "note", "object"):
                value = claim.get(field)
                if isinstance(value, str) and _grams(value) & cited:
                    copied.append(f"{name} claim {i} {field}: {value}")
    assert not copied, "\n".join(copied)


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent")
def test_no_doc_repeats_ten_words_of_a_source() -> None:
    """The README and docs/ describe the data in our words too (a source's title aside)."""
    cited = set()
    for path in [*SEEDS.glob("*"), *SOURCES.glob("*.md")]:
        lines = path.read_text(encoding="utf-8").splitlines()
        cited |= _grams("\n".join(lines[1:]))  # the first line is the title: citation metadata
    root = CURATED.parents[1]
    copied = [
        str(path.relative_to(root))
        for path in [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
        if _grams(path.read_text(encoding="utf-8")) & cited
    ]
    assert not copied
