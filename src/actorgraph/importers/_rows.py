"""Reading an import file: CSV or Excel rows, the file's digest, required columns."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from actorgraph._errors import DataError, UsageError

# ----------------------------------------------------------------------------------------------------
# Reading the file


class _Lines:
    """The file's lines decoded one at a time, so a decoding error names its line; counts bytes."""

    def __init__(self, raw: IO[bytes], path: Path, encoding: str) -> None:
        self.raw = raw
        self.path = path
        self.encoding = encoding
        self.count = 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for data in self.raw:
            self.number += 1
            self.count += len(data)
            try:
                yield data.decode(self.encoding)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"the file is not {self.encoding} text ({exc.reason} at byte {exc.start + 1} "
                    "of the line); pass the right --encoding",
                    path=str(self.path),
                    line=self.number,
                    column=exc.start + 1,
                ) from None


def file_digest(path: Path) -> str:
    """Return the SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class RowSource:
    """A CSV file opened for streaming: its normalised header and an iterator of (line, row)."""

    path: Path
    header: list[str]
    raw_header: list[str]
    rows: Iterator[tuple[int, dict[str, str], int]]
    counter: _Lines
    size: int
    close: Callable[[], None]


def open_rows(path: Path, encoding: str, *, lower: bool = True) -> RowSource:
    """Open a CSV file and return its header (lower-cased) and its rows as dicts, lazily.

    Raises
    ------
    DataError
        When the file is empty, not text in ``encoding``, or not CSV.
    """
    try:
        # A large buffer: few reads. Each read releases and retakes the GIL, and while reads come
        # every few microseconds the loader thread (_StoreSink) waited for the GIL for 60-270 ms
        # per chunk instead of about 5 ms, so loading and reading rows hardly overlapped.
        raw = path.open("rb", buffering=1 << 20)
    except OSError as exc:
        raise DataError(f"cannot open the file: {exc.strerror}", path=str(path)) from exc
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # a byte-order mark is not part of the first column's name
    try:
        "".encode(encoding)
    except LookupError:
        raw.close()
        raise UsageError(f"unknown encoding {encoding!r}; try utf-8, latin-1 or cp1252") from None
    counter = _Lines(raw, path, encoding)
    reader = csv.reader(iter(counter), strict=True)

    def close() -> None:
        raw.close()

    try:
        first = next(reader)
    except StopIteration:
        close()
        raise DataError(
            "the file is empty; expected a CSV header row", path=str(path), line=1
        ) from None
    except csv.Error as exc:
        close()
        raise DataError(f"not a CSV file: {exc}", path=str(path), line=1) from exc
    except DataError:
        close()
        raise
    raw_header = [h.strip().lstrip("\ufeff") for h in first]
    header = [h.lower() for h in raw_header] if lower else list(raw_header)
    seen: dict[str, int] = {}
    for column, name in enumerate(header, start=1):
        if name and name in seen:
            close()
            raise DataError(
                f"the column {raw_header[column - 1]!r} appears twice (columns {seen[name]} and "
                f"{column}); a row would keep only one of its values: rename or remove one",
                path=str(path),
                line=1,
                column=column,
            )
        seen[name] = column

    def rows() -> Iterator[tuple[int, dict[str, str], int]]:
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise DataError(
                    f"malformed CSV: {exc}; expected quoted fields to close on the same record",
                    path=str(path),
                    line=line,
                ) from exc
            start, line = line, reader.line_num + 1
            if not cells or (len(cells) == 1 and cells[0] == ""):
                continue
            row = dict(zip(header, cells, strict=False))
            yield start, row, len(cells)

    return RowSource(path, header, raw_header, rows(), counter, path.stat().st_size, close)


def require_columns(source: RowSource, required: Iterable[str], dataset: str) -> None:
    """Raise :class:`DataError` naming the file, line 1, and the first required column missing."""
    missing = [name for name in required if name not in source.header]
    if missing:
        source.close()
        raise DataError(
            f"{dataset} file lacks the required column(s) {', '.join(repr(m) for m in missing)}; "
            f"expected a header with {', '.join(required)} (columns are matched by name, any order)",
            path=str(source.path),
            line=1,
            column=len(source.header) + 1,
            field=missing[0],
        )
