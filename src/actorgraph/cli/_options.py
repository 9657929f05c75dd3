"""What every verb shares: the help formatter, ``--store`` and the filter flags, opening the graph,
writing output."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from actorgraph._files import OutputError, describe_os_error, write_all, write_file

ISSUES_URL = "https://github.com/actorgraph/actorgraph/issues"

Command = Callable[[argparse.Namespace], int]
T = TypeVar("T")


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in epilogs as written."""


def verb_parser(
    sub: Any, name: str, help_text: str, description: str, examples: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=textwrap.dedent(description).strip(),
        epilog="examples:\n" + textwrap.indent(textwrap.dedent(examples).strip(), "  "),
        formatter_class=Formatter,
    )
    return parser


def add_store_flags(parser: argparse.ArgumentParser) -> None:
    """``--store`` and ``--data``, for every verb that reads the graph."""
    parser.add_argument(
        "--store",
        metavar="DIR|URL",
        help="an on-disk store directory (created if missing) or a SPARQL endpoint URL; "
        "default: the bundled data in memory",
    )
    parser.add_argument(
        "--data",
        metavar="FILE",
        action="append",
        default=[],
        help="your own curated YAML file, layered over the bundled data (repeatable)",
    )


def open_graph(args: argparse.Namespace) -> Any:
    """Load the knowledge graph the flags of :func:`add_store_flags` name, for reading.

    An existing, up-to-date on-disk store is opened read-only, so that any number of readers (and
    an ``actorgraph serve`` without ``--allow-update``) share it; a new or outdated one is opened
    for writing once, to create or update it.
    """
    from actorgraph.store._open import load_for_reading  # noqa: PLC0415 - keeps --help fast

    return load_for_reading(store=args.store, data=args.data)


def read_back_kept(
    args: argparse.Namespace, kind: str, key: Any, decode: Callable[[Any], T]
) -> T | None:
    """The result kept for ``kind`` and ``key`` on the on-disk store ``--store`` names, read back
    without opening the store (``actorgraph._derived.read_back``); ``None`` when none is kept or
    the flags name no on-disk store alone (none, an endpoint, ``--data`` layered over it)."""
    if args.store is None or args.data or str(args.store).startswith(("http://", "https://")):
        return None
    from actorgraph._derived import read_back  # noqa: PLC0415 - keeps --help fast

    return read_back(Path(args.store), kind, key, decode)


def add_filter_flags(parser: argparse.ArgumentParser, *, default_view: str = "actors") -> None:
    """The filter flags shared by ``viz``, ``export`` and ``network``."""
    group = parser.add_argument_group("what to include")
    group.add_argument(
        "--view",
        choices=["actors", "full"],
        default=default_view,
        help=f"actors only, events folded into actor-actor ties; or every entity (default: {default_view})",
    )
    group.add_argument(
        "--as-of", metavar="DATE", help="only what held on this date (YYYY, YYYY-MM, YYYY-MM-DD)"
    )
    group.add_argument(
        "--between", nargs=2, metavar=("START", "END"), help="only what falls in this period"
    )
    group.add_argument(
        "--types", nargs="+", metavar="CLASS", help="only nodes of these classes (ag:ArmedGroup …)"
    )
    group.add_argument(
        "--relations",
        nargs="+",
        metavar="PROP",
        help="only edges of these properties (ag:claimedBy …)",
    )
    group.add_argument(
        "--focus", metavar="NAME", help="only the neighbourhood of this entity (any of its names)"
    )
    group.add_argument(
        "--hops", type=int, default=1, metavar="N", help="how far --focus reaches (default: 1)"
    )


def filters_from(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`actorgraph.to_networkx` the filter flags ask for."""
    filters: dict[str, Any] = {}
    if args.as_of:
        filters["as_of"] = args.as_of
    if args.between:
        filters["between"] = tuple(args.between)
    if args.types:
        filters["types"] = args.types
    if args.relations:
        filters["relations"] = args.relations
    if args.focus:
        filters["focus"] = args.focus
        filters["hops"] = args.hops
    return filters


def write_output(path: str | os.PathLike[str], data: bytes | memoryview) -> Path:
    """Write an output file by :func:`actorgraph._files.write_file`'s rules."""
    return write_file(path, data)


def write_stdout(data: bytes) -> None:
    """Write bytes to standard output, all of them or an error.

    ``sys.stdout.buffer.write`` may write only part of a large block and say so only in its return
    value (a file-size limit, a full disk); writing to the descriptor until every byte is out turns
    that into the error it is.
    """
    sys.stdout.flush()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):  # a stand-in stream with no descriptor (a test's capture)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        write_all(fd, data)
    except BrokenPipeError:
        raise  # the reader went away early (`| head`): main() ends quietly
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {describe_os_error(exc)}") from None
