"""Name normalisation shared by :func:`actorgraph.resolve`, the importers and the page's search.

The same rules are ported to JavaScript in ``viz/viewer.js`` (``normalizeName``); a browser test checks
that both give the same keys.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["key_pattern", "name_keys", "normalize_name"]

# Every dash and hyphen a source may use, folded to a space.
_DASHES = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# A dash, an underscore or a slash, or any other character that is no letter, digit or space: each
# becomes a space (one pass for both).
_GAP_RE = re.compile(f"[{_DASHES}_/]|[^\\w\\s]")
_PAREN_RE = re.compile(r"\(([^()]*)\)")

# Transliteration variants folded to one spelling (whole words only).
_WORD_FOLDS = {
    "tehreek": "tehrik",
    "tahrik": "tehrik",
    "tahreek": "tehrik",
    "e": "i",  # Tehrik-e-Taliban / Tehrik-i-Taliban, Lashkar-e / Lashkar-i
    "khurasan": "khorasan",
    "khurasani": "khorasani",
}


def normalize_name(name: str) -> str:
    """Return the comparison key of a name.

    Folds case, diacritics, dashes and hyphens, punctuation, and the transliteration variants
    Tehreek/Tehrik and -e-/-i-.

    Examples
    --------
    >>> normalize_name("Tehreek-e-Taliban Pakistan")
    'tehrik i taliban pakistan'
    >>> normalize_name("ISIS–K") == normalize_name("isis-k")
    True
    """
    # Most names are ASCII: nothing to decompose, no combining marks to drop.
    text = name if name.isascii() else unicodedata.normalize("NFKD", name).translate(_WITHOUT_MARKS)
    text = text.casefold()
    text = text.replace("\u2019", "").replace("'", "")
    # str.split() splits where re's \s matches (str.isspace) and drops the empty words.
    words = [_WORD_FOLDS.get(word, word) for word in _GAP_RE.sub(" ", text).split()]
    return " ".join(words)


class _MarksDropped(dict[int, int | None]):
    """A ``str.translate`` table that drops combining marks and keeps every other character,
    filled as characters are first met (a few dozen in practice): half the time of testing each
    character of a name in Python. It remembers at most :data:`_MARKS_KEPT` characters, so that
    names made of every character there is cannot make it grow without end."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        if len(self) < _MARKS_KEPT:
            self[code] = kept
        return kept


_MARKS_KEPT = 1 << 16


_WITHOUT_MARKS = _MarksDropped()


def name_keys(name: str) -> set[str]:
    """Return every key under which a name is found.

    A parenthesised acronym is a key of its own and the name without it is another:
    "Islamic State Khorasan Province (ISKP)" is found as "ISKP" and as "Islamic State Khorasan Province".
    A parenthesised qualifier that is no acronym is not: "Jundallah (Pakistan)" is found as
    "Jundallah", never as "Pakistan".

    Examples
    --------
    >>> sorted(name_keys("Islamic State Khorasan Province (ISKP)"))
    ['iskp', 'islamic state khorasan province', 'islamic state khorasan province iskp']
    >>> sorted(name_keys("Jundallah (Pakistan)"))
    ['jundallah', 'jundallah pakistan']
    """
    if name.isascii() and name.replace(" ", "").isalnum():
        # Letters, digits and spaces only (most names): no dash, mark or parenthesis to handle.
        words = name.lower().split()
        if not _WORD_FOLDS.keys().isdisjoint(words):
            words = [_WORD_FOLDS.get(word, word) for word in words]
        return {" ".join(words)} if words else set()
    keys = {normalize_name(name)}
    inner = _PAREN_RE.findall(name)
    if inner:
        keys.add(normalize_name(_PAREN_RE.sub(" ", name)))
        # Only an acronym in parentheses at the end names the entity by itself: "(ISKP)", "(JuA)";
        # not the qualifier of "Jundallah (Pakistan)", nor an acronym inside the label of an event
        # about the group ("Pakistan's proscription of … (BRAS) (2019)").
        last = name.rstrip()
        if last.endswith(")") and _is_acronym(inner[-1]) and last.endswith(f"({inner[-1]})"):
            keys.add(normalize_name(inner[-1]))
    keys.discard("")
    return keys


def _is_acronym(text: str) -> bool:
    """One word of at most ten characters with at least two capital letters (ISKP, JuA, TTP-SM)."""
    word = text.strip()
    return 0 < len(word) <= 10 and " " not in word and sum(ch.isupper() for ch in word) >= 2


# Between two words of a label: a character that is no ASCII letter or digit (a dash of any
# kind among them), or a parenthesised part (which one of a label's keys leaves out).
_SEP = "([^A-Za-z0-9]|[(][^()]*[)])"
# What a label's words cannot be told from without normalising it whole: a character beyond
# printable ASCII other than a dash (it may decompose, fold or be a letter), an apostrophe (dropped
# from within a word, joining the words beside it).
_UNSPOKEN = "[^ -~" + _DASHES.replace("-", "") + "]|'"


def key_pattern(name: str) -> str | None:
    """A regular expression (to match case-insensitively) that every label sharing a key with
    ``name`` matches: a cheap test before :func:`name_keys`, which a store can run on every label
    without handing them over. ``None``: the name has no key.

    A key's words are the runs of a label's ASCII letters and digits (lower-cased, with the
    variants that fold to them), so the label is those runs and separators, with parenthesised
    parts anywhere; or it ends in a parenthesised acronym that is those words. A label with marks,
    other characters beyond ASCII or apostrophes always matches: it must be checked whole.

    Examples
    --------
    >>> import re
    >>> pattern = key_pattern("Tehreek-e-Taliban")
    >>> bool(re.search(pattern, "Tehrik-i-Taliban (Pakistan)", re.IGNORECASE))
    True
    >>> bool(re.search(pattern, "Tehrik-i-Taliban Pakistan", re.IGNORECASE))
    False
    >>> bool(re.search(pattern, "UCDP GED event 1: TTP – Civilians", re.IGNORECASE))
    False
    """
    alternatives = []
    for key in sorted(name_keys(name)):
        words = []
        for word in key.split():
            spellings = {word} | {v for v, folded in _WORD_FOLDS.items() if folded == word}
            words.append("(" + "|".join(sorted(spellings)) + ")")
        alternatives.append(f"^{_SEP}*" + f"{_SEP}+".join(words) + f"{_SEP}*$")
        inner = "[^A-Za-z0-9()]"
        alternatives.append(f"[(]{inner}*" + f"{inner}+".join(words) + f"{inner}*[)][^A-Za-z0-9]*$")
    return "|".join([_UNSPOKEN, *alternatives]) if alternatives else None
