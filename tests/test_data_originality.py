"""The curated data restates its sources in its own words: no data file repeats ten consecutive words of
a source text the project holds (the seed article in ../shared/seeds/ and the checked source notes in
../shared/sources/). A source's own title, kept in ``title:`` as citation metadata, is exempt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
_WORDS = re.compile(r"[\w'\u2019-]+")
_N = 10


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _grams(text: str) -> set[str]:
    words = _words(text)
    return {" ".join(words[i : i + _N]) for i in range(len(words) - _N + 1)}


def _source_texts() -> dict[str, str]:
    texts = {}
    for folder in (SHARED / "seeds", SHARED / "sources"):
        for path in sorted(folder.glob("*")):
            if path.is_file() and path.name != "README.md":
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                # the first line (the title) and the metadata lines are citation data, not prose
                body = [ln for ln in lines[1:] if not ln.startswith(("- url:", "- publisher:"))]
                texts[path.name] = "\n".join(body)
    return texts


def _data_text(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if not ln.lstrip().startswith(("title:", "url:")))


def test_no_data_file_repeats_ten_words_of_a_source() -> None:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"the source texts are not at {SHARED} (../shared is absent)")
    grams = {gram: name for name, text in _source_texts().items() for gram in _grams(text)}
    copied = []
    for path in sorted((ROOT / "data").rglob("*.yaml")) + sorted((ROOT / "docs").rglob("*.md")):
        for gram in _grams(_data_text(path)):
            if gram in grams:
                copied.append(f"{path.relative_to(ROOT)}: '{gram}' (from {grams[gram]})")
    assert copied == []
