"""Checks of curated records: fields and their values, cycles, pinpoints into sources."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from rdflib import URIRef

from actorgraph._errors import DataError
from actorgraph.curation._model import (
    MAX_FIELD_CHARS,
    SLUG_RE,
    Claim,
    CuratedData,
    Source,
    compact_iri,
)
from actorgraph.curation._yaml import YamlMapping
from actorgraph.vocab._dates import PartialDate, parse_partial_date
from actorgraph.vocab._namespaces import AG, expand

# --------------------------------------------------------------------------------------------
# Checking records

# Unicode's control characters (category Cc) are exactly U+0000-U+001F and U+007F-U+009F; one
# regular expression finds them instead of a category look-up per character (a fifth of reading
# the bundled data went to those look-ups).
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
# The same without tab and newline, which longer texts may hold.
CONTROL_IN_TEXT_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What may not appear in a CURIE or IRI: white space (as str.isspace) and <>"{}|^`\.
NOT_IN_IRI_RE = re.compile(r'[\s<>"{}|^`\\]')


class Checker:
    """Collects the errors of one file's records."""

    def __init__(self, path: Path, errors: list[DataError]) -> None:
        self.path = str(path)
        self.errors = errors

    def error(self, record: YamlMapping | None, key: str | None, message: str) -> None:
        line = None
        if record is not None:
            line = record.key_lines.get(key, record.line) if key else record.line
        self.errors.append(DataError(message, path=self.path, line=line, field=key))

    def keys(
        self, record: YamlMapping, allowed: set[str], required: Sequence[str], kind: str
    ) -> bool:
        ok = True
        for key in record:
            if key not in allowed:
                self.error(
                    record,
                    key,
                    f"unknown field in a {kind}; expected one of {', '.join(sorted(allowed))}",
                )
                ok = False
        for key in required:
            if key not in record or record[key] in (None, ""):
                self.error(record, key, f"a {kind} needs the field {key!r}")
                ok = False
        return ok

    def text(self, record: YamlMapping, key: str, *, required: bool = True) -> str | None:
        value = record.get(key)
        if value is None:
            return None
        if isinstance(value, bool | dict | list):
            self.error(
                record, key, f"expected text, found {type(value).__name__}; put the text in quotes"
            )
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        text = unicodedata.normalize("NFC", text).strip()
        found = CONTROL_IN_TEXT_RE.search(text)
        if found is not None:
            control = found.group()
            # YAML's "\e", "\0", "\x1b" … escapes make them; they would reach terminals and pages.
            self.error(record, key, f"holds the control character U+{ord(control):04X}; remove it")
            return None
        if not text and required:
            self.error(record, key, "is empty")
            return None
        if len(text) > MAX_FIELD_CHARS:
            self.error(
                record,
                key,
                f"is {len(text):,} characters; a field holds at most {MAX_FIELD_CHARS:,}",
            )
            return None
        return text

    def iri(self, record: YamlMapping, key: str, prefix: str | None = None) -> URIRef | None:
        text = self.text(record, key)
        if text is None:
            return None
        if NOT_IN_IRI_RE.search(text):
            self.error(
                record,
                key,
                f'{text!r} is not a CURIE or IRI: it holds a space or one of <>"{{}}|^`\\',
            )
            return None
        try:
            iri = expand(text)
        except ValueError as exc:
            self.error(record, key, str(exc))
            return None
        if prefix is not None:
            if not text.startswith(f"{prefix}:"):
                self.error(
                    record, key, f"{text!r} should be a CURIE in {prefix}: (e.g. {prefix}:my-slug)"
                )
                return None
            local = text.split(":", 1)[1]
            if not SLUG_RE.match(local):
                self.error(
                    record, key, f"{text!r}: a slug is lower-case letters, digits and hyphens"
                )
                return None
        return iri

    def date(self, record: YamlMapping, key: str) -> PartialDate | None:
        if record.get(key) is None:
            return None
        try:
            return parse_partial_date(record[key])
        except ValueError as exc:
            self.error(record, key, str(exc))
            return None

    def boolean(self, record: YamlMapping, key: str) -> bool:
        value = record.get(key, False)
        if not isinstance(value, bool):
            self.error(record, key, f"expected true or false, found {value!r}")
            return False
        return value


def check_cycles(
    claims: Sequence[Claim], errors: list[DataError], known: Sequence[Claim] = ()
) -> None:
    """Refuse a cycle of ``ag:splinterOf`` (A split from B, B split from A).

    A group that split off and later rejoined is a ``splinterOf`` followed by a ``mergedInto``, so a
    cycle is always a mistake. Deprecated claims are left out (the sources corrected them). One error
    per cycle, at a record of ``claims`` in it (``known``, the bundled data, only closes cycles).
    """
    edges: dict[URIRef, list[Claim]] = defaultdict(list)
    for claim in [*known, *claims]:
        if (
            claim.predicate == AG.splinterOf
            and claim.rank != AG.DeprecatedRank
            and isinstance(claim.object, URIRef)
        ):
            edges[claim.subject].append(claim)
    own = {id(claim) for claim in claims}
    reported: set[frozenset[URIRef]] = set()
    done: set[URIRef] = set()
    for start in sorted(edges):
        if start in done:
            continue
        # Depth-first, iteratively: path[i] is the claim leading from depth i to depth i + 1.
        stack: list[tuple[URIRef, Iterator[Claim]]] = [(start, iter(edges[start]))]
        path: list[Claim] = []
        depth: dict[URIRef, int] = {start: 0}
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                done.add(node)
                del depth[node]
                if path:
                    path.pop()
                continue
            target = step.object
            assert isinstance(target, URIRef)
            if target in depth:
                cycle = [*path[depth[target] :], step]
                key = frozenset(c.statement for c in cycle)
                mine = [c for c in cycle if id(c) in own]
                if key in reported or not mine:
                    continue
                reported.add(key)
                names = " → ".join([*(compact_iri(c.subject) for c in cycle), compact_iri(target)])
                where = ", ".join(f"{c.path}:{c.line}" for c in cycle if c is not mine[0])
                errors.append(
                    DataError(
                        f"ag:splinterOf forms a cycle: {names}"
                        + (f" (with {where})" if where else "")
                        + "; a group that split off and rejoined is a splinterOf then a mergedInto",
                        path=mine[0].path,
                        line=mine[0].line,
                        field="object",
                    )
                )
            elif target not in done:
                path.append(step)
                depth[target] = len(path)
                stack.append((target, iter(edges.get(target, []))))


def check_pinpoints(
    data: CuratedData, seeds_dir: str | Path, sources: dict[URIRef, Source] | None = None
) -> list[DataError]:
    """Recompute every pinpoint against its seed text; return one error per mismatch."""
    sources = sources or data.sources
    errors: list[DataError] = []
    texts: dict[str, str] = {}
    for claim in data.claims:
        if claim.char_start is None or claim.char_end is None:
            continue
        seed_file = sources[claim.source].seed_file
        if seed_file is None:
            continue
        if seed_file not in texts:
            path = Path(seeds_dir) / seed_file
            if not path.is_file():
                errors.append(
                    DataError(
                        f"the seed text {path} is missing; pass --seeds DIR",
                        path=claim.path,
                        line=claim.line,
                    )
                )
                texts[seed_file] = ""
                continue
            texts[seed_file] = path.read_text(encoding="utf-8")
        text = texts[seed_file]
        if not text:
            continue
        span = text[claim.char_start : claim.char_end]
        digest = hashlib.sha256(span.encode("utf-8")).hexdigest()
        if claim.char_end > len(text) or digest != claim.span_sha256:
            why = (
                f"it ends past the text's {len(text):,} characters"
                if claim.char_end > len(text)
                else f"SHA-256 of the span is {digest[:12]}…, the claim says {str(claim.span_sha256)[:12]}…"
            )
            errors.append(
                DataError(
                    f"the pinpoint {claim.char_start}-{claim.char_end} does not match {seed_file} "
                    f"({why}); recompute it with tools/pinpoint.py",
                    path=claim.path,
                    line=claim.line,
                    field="pinpoint",
                )
            )
    return errors
