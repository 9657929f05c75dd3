"""The reader's character checks: one regular expression each, matching what its messages say."""

from __future__ import annotations

import sys
import unicodedata

from actorgraph.curation._checks import CONTROL_IN_TEXT_RE, CONTROL_RE, NOT_IN_IRI_RE


def test_the_control_and_iri_character_sets_are_unicodes() -> None:
    """Over every code point: control characters are Unicode's Cc, white space is str.isspace."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    control = {ch for ch in every if unicodedata.category(ch) == "Cc"}
    assert set(CONTROL_RE.findall(every)) == control
    assert set(CONTROL_IN_TEXT_RE.findall(every)) == control - {"\n", "\t"}
    not_in_iri = {ch for ch in every if ch.isspace() or ch in '<>"{}|^`\\'}
    assert set(NOT_IN_IRI_RE.findall(every)) == not_in_iri
