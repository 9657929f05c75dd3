"""What every verb shares: the help formatter, ``--store`` and the filter flags, opening the graph,
writing output."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from actorgraph._errors import UsageError

ISSUES_URL = "https://github.com/actorgraph/actorgraph/issues"

Command = Callable[[argparse.Namespace], int]


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


def write_output(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a file atomically: to a temporary file beside it, then renamed over it."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path()
    if not directory.is_dir():
        raise UsageError(f"cannot write {target}: the directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_stdout(data: bytes) -> None:
    """Write bytes to standard output."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    if data and not data.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()
