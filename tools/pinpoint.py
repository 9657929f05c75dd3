"""Print the pinpoint of an exact span of a seed text: code-point offsets and SHA-256.

Curated claims that rest on a seed article (``../shared/seeds/``) carry a pinpoint
``{start, end, sha256}``: 0-based code-point offsets of the supporting span and the SHA-256 (hex)
of the span's UTF-8 bytes (see ``docs/authoring.md``). This tool computes it for a span that
occurs exactly once in the file.

Examples
--------
$ python tools/pinpoint.py ../shared/seeds/000_2a97f799f59f01d7.txt "444 terrorist attacks in 2024"
start: 311
end: 340
sha256: 2842c5c54f296cd52d2ef8286aca999dd215a1def8c949578182e86a496c873a
pinpoint: {start: 311, end: 340, sha256: 2842c5c5...873a}

The last line pastes into a claim of ``data/curated/*.yaml``. Exit code 2 when the span is absent
or occurs more than once (lengthen it until it is unique).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path


class SpanError(ValueError):
    """The span is absent from the text or occurs more than once."""


def pinpoint(text: str, span: str) -> tuple[int, int, str]:
    """Return ``(start, end, sha256)`` of the single occurrence of ``span`` in ``text``.

    Parameters
    ----------
    text : str
        The whole seed text, decoded from UTF-8.
    span : str
        The exact span to locate (no normalisation of spaces, quotes or dashes).

    Returns
    -------
    tuple of (int, int, str)
        0-based code-point offsets ``start`` and ``end`` (exclusive) and the SHA-256 hex digest of
        ``span.encode("utf-8")``.

    Raises
    ------
    SpanError
        If ``span`` is empty, absent, or occurs more than once.

    Examples
    --------
    >>> pinpoint("Bajaur, 2023", "2023")[:2]
    (8, 12)
    >>> pinpoint("dashes – count as one code point", "count")[:2]
    (9, 14)
    """
    if not span:
        raise SpanError("the span is empty")
    start = text.find(span)
    if start < 0:
        raise SpanError(f"span not found: {span!r} (copy it exactly: quotes, dashes, spaces)")
    again = text.find(span, start + 1)
    if again >= 0:
        raise SpanError(
            f"span occurs more than once (at {start} and {again}): {span!r}; lengthen it"
        )
    end = start + len(span)
    return start, end, hashlib.sha256(span.encode("utf-8")).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 usage or span error)."""
    parser = argparse.ArgumentParser(
        description="Print start/end (0-based code points) and SHA-256 of an exact span of a seed."
    )
    parser.add_argument("seedfile", type=Path, help="the seed text, e.g. ../shared/seeds/000_….txt")
    parser.add_argument("span", help="the exact span, occurring once in the file")
    args = parser.parse_args(argv)
    try:
        text = args.seedfile.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"pinpoint: cannot read {args.seedfile}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        start, end, digest = pinpoint(text, args.span)
    except SpanError as exc:
        print(f"pinpoint: {exc}", file=sys.stderr)
        return 2
    print(f"start: {start}")
    print(f"end: {end}")
    print(f"sha256: {digest}")
    print(f"pinpoint: {{start: {start}, end: {end}, sha256: {digest}}}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
