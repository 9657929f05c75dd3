"""Name keys: the quick path for plain names gives what the full normalisation gives."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import actorgraph
from actorgraph.vocab._name_index import NameIndex
from actorgraph.vocab._names import key_pattern, name_keys, normalize_name

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


# Labels: words, the spellings that fold, separators (dashes of any kind), parenthesised parts,
# a mark and apostrophes, glued in any order.
_PIECES = st.sampled_from(
    ["Tehreek", "tahrik", "e", "I", "Taliban", "TTP", "TTP-SM", "313", "khurasan", "x",
     " ", "  ", "-", "\u2013", "\u2212", "_", "/", ".", ",", "(", ")", "(TTP)", "(Pakistan)",
     "(TTP-SM)", " (JuA)", "\u00e9", "'", "\u2019"]
)  # fmt: skip
_LABELS = st.lists(_PIECES, max_size=9).map("".join)


@given(_LABELS, st.data())
def test_a_label_that_shares_a_key_with_a_name_matches_its_key_pattern(
    label: str, data: st.DataObject
) -> None:
    keys = name_keys(label)
    assume(keys)
    key = data.draw(st.sampled_from(sorted(keys)))
    # The name as a user may type the key: other case, other separators, a folded spelling.
    name = data.draw(
        st.sampled_from([key, key.upper(), key.replace(" ", "-"), key.replace("i", "e"), label])
    )
    assume(name_keys(name) & keys)
    pattern = key_pattern(name)
    assert pattern is not None
    assert re.search(pattern, label, re.IGNORECASE), (name, label)


@given(_LABELS, _LABELS)
def test_a_label_matching_no_key_pattern_shares_no_key(label: str, name: str) -> None:
    pattern = key_pattern(name)
    if pattern is None or not re.search(pattern, label, re.IGNORECASE):
        assert not name_keys(name) & name_keys(label), (name, label)


def _rules_one_by_one(name: str) -> str:
    """normalize_name's rules, each a step of its own as its docstring states them."""
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    text = text.casefold().replace("\u2019", "").replace("'", "")
    text = re.sub(
        "[\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d_/]", " ", text
    )
    text = re.sub(r"[^\w\s]", " ", text)
    folds = {"tehreek": "tehrik", "tahrik": "tehrik", "tahreek": "tehrik", "e": "i"}
    folds |= {"khurasan": "khorasan", "khurasani": "khorasani"}
    return " ".join(folds.get(w, w) for w in re.split(r"\s+", text.strip()) if w)


# Marks, dashes, spaces of every kind, punctuation, letters of other scripts, and the folded words.
_ANY_NAME = st.lists(
    st.one_of(
        _WORDS,
        st.text(min_size=1, max_size=4),
        st.sampled_from(["\u0301", "\u064b", "\u2013", "\u00a0", "\u3000", "\x1c", "\u2019", "_/"]),
    ),
    max_size=8,
).map("".join)


@given(_ANY_NAME)
def test_normalize_name_applies_its_rules_to_any_text(name: str) -> None:
    assert normalize_name(name) == _rules_one_by_one(name)


def test_a_name_of_every_character_is_normalised_by_the_same_rules() -> None:
    # More distinct characters than the table of marks remembers (65,536): the rest are still
    # looked up, and the key is the same.
    name = "".join(chr(c) for c in range(0x20, 0x30000) if not 0xD800 <= c < 0xE000)
    assert normalize_name(name) == _rules_one_by_one(name)


def test_folded_words_in_a_plain_name() -> None:
    assert name_keys("Tehreek e Taliban Pakistan") == {"tehrik i taliban pakistan"}
    assert name_keys("Islamic State Khurasan") == {"islamic state khorasan"}
    assert name_keys("   ") == set()


def test_suggestions_list_groups_whose_name_contains_the_word_before_events() -> None:
    kg = actorgraph.load()
    with pytest.raises(actorgraph.UnknownNameError) as caught:
        kg.resolve("Lashkar")
    suggested = caught.value.candidates
    assert "Lashkar-e-Jhangvi (agd:lashkar-e-jhangvi)" in suggested
    groups = [i for i, s in enumerate(suggested) if "ban" not in s and "designation" not in s]
    events = [i for i, s in enumerate(suggested) if "ban" in s or "designation" in s]
    assert groups and (not events or max(groups) < min(events))


def test_a_name_containing_the_typed_word_beats_a_similar_spelling() -> None:
    index = NameIndex(
        [
            ("agd:lej", "Lashkar-e-Jhangvi", True),
            ("agd:lahore", "Lahore", True),
            ("agd:ban", "Pakistan's ban on Lashkar-e-Jhangvi", True),
        ],
        ranks={"agd:lej": 0, "agd:lahore": 2, "agd:ban": 3},
    )
    assert index.close_matches("Jhangvi") == [
        "Lashkar-e-Jhangvi (agd:lej)",
        "Pakistan's ban on Lashkar-e-Jhangvi (agd:ban)",
    ]


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        pytest.param(
            "Islamic State Khorasan Province (ISKP)",
            {"iskp", "islamic state khorasan province", "islamic state khorasan province iskp"},
            id="acronym",
        ),
        pytest.param(
            "Jamaat-ul-Ahrar (JuA)",
            {"jua", "jamaat ul ahrar", "jamaat ul ahrar jua"},
            id="mixed-case-acronym",
        ),
        pytest.param("Jundallah (Pakistan)", {"jundallah", "jundallah pakistan"}, id="country"),
        pytest.param(
            "Attack on a shrine (Gilgit-Baltistan)",
            {"attack on a shrine", "attack on a shrine gilgit baltistan"},
            id="region",
        ),
        pytest.param(
            "Bajaur rally bombing (2023)",
            {"bajaur rally bombing", "bajaur rally bombing 2023"},
            id="year",
        ),
    ],
)
def test_only_a_parenthesised_acronym_is_a_key_of_its_own(name: str, keys: set[str]) -> None:
    assert name_keys(name) == keys


def test_a_group_qualified_by_a_country_leaves_the_countrys_name_to_the_country() -> None:
    index = NameIndex(
        [
            ("agd:pakistan", "Pakistan", True),
            ("agd:jundallah-pakistan", "Jundallah (Pakistan)", True),
        ]
    )
    assert index.resolve("Pakistan") == "agd:pakistan"
    assert index.resolve("Jundallah") == "agd:jundallah-pakistan"
