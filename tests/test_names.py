"""Name keys: the quick path for plain names gives what the full normalisation gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from actorgraph.vocab._names import name_keys, normalize_name

# Letters, digits and spaces only (the names name_keys takes its quick path for), with the words
# it folds among them so that folding is exercised.
_WORDS = st.sampled_from(
    ["Tehreek", "e", "Khurasan", "khurasani", "Taliban", "ISKP", "TTP", "2023"]
)
_PLAIN = st.lists(
    st.one_of(_WORDS, st.text(alphabet="abcXYZ019", min_size=1, max_size=6)), max_size=6
).map(" ".join)


@given(_PLAIN, st.sampled_from(["", " ", "  "]))
def test_plain_names_get_the_key_normalize_name_gives(name: str, padding: str) -> None:
    text = padding + name.replace(" ", " " + padding) + padding
    expected = {normalize_name(text)} - {""}
    assert name_keys(text) == expected


def test_folded_words_in_a_plain_name() -> None:
    assert name_keys("Tehreek e Taliban Pakistan") == {"tehrik i taliban pakistan"}
    assert name_keys("Islamic State Khurasan") == {"islamic state khorasan"}
    assert name_keys("   ") == set()
