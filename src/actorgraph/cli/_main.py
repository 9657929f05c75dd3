"""The ``actorgraph`` command line: the parser of every verb and ``main``.

Each verb lives in its own module: ``add_<verb>(subparsers)`` declares its flags and help, and
``_cmd_<verb>(args) -> int`` runs it. Errors a user can cause are :class:`ActorGraphError` subclasses:
``main`` prints them on one line and returns their exit code (see ``docs/design.md``)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from actorgraph._errors import ActorGraphError, DataErrors
from actorgraph._files import OutputError, describe_os_error
from actorgraph._version import __version__
from actorgraph.cli import (
    _export,
    _import,
    _info,
    _network,
    _profile,
    _query,
    _serve,
    _validate,
    _viz,
)
from actorgraph.cli._options import ISSUES_URL, Formatter

# --------------------------------------------------------------------------------------------
# main


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every verb."""
    parser = argparse.ArgumentParser(
        prog="actorgraph",
        description=textwrap.dedent(
            """
            A sourced knowledge graph of militant groups and the actors around them.
            Every tie carries the claims and sources behind it.
            """
        ).strip(),
        epilog=textwrap.dedent(
            """
            start here:
              actorgraph info                     what the graph holds
              actorgraph viz                      write the interactive page (actorgraph.html)
              actorgraph query "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }"
              actorgraph <verb> --help            examples for each verb

            exit codes: 0 ok, 2 usage, 3 bad data file, 4 bad query, 5 timeout,
            6 endpoint or network error, 7 import rejected rows (--strict), 1 a bug
            """
        ).strip(),
        formatter_class=Formatter,
    )
    parser.add_argument("--version", action="version", version=f"actorgraph {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(title="verbs", metavar="VERB")
    for add in _verbs():
        add(sub)
    return parser


def _verbs() -> list[Callable[[Any], None]]:
    verbs: list[Callable[[Any], None]] = [
        _info.add_parser,
        _validate.add_parser,
        _query.add_parser,
        _import.add_parser,
        _viz.add_parser,
        _export.add_parser,
        _network.add_parser,
        _profile.add_parser,
        _serve.add_push_parser,
        _serve.add_serve_parser,
    ]
    return verbs


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        if sys.stdout is None:  # started with descriptor 1 closed: print() would drop every answer
            raise OutputError(
                "standard output is closed; redirect it to a file (> out.txt) or write with -o"
            )
        code: int = args.func(args)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk or a closed reader shows here, not at exit
        return code
    except ActorGraphError as exc:
        if args.debug:
            raise
        _print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("actorgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; nothing is wrong.
        _discard_stdout()
        return 0
    except OSError as exc:
        if args.debug:
            raise
        # Writing the answer failed (a full disk, a file-size limit, a closed descriptor): say so,
        # and drop what is still buffered so that Python's own flush at exit stays quiet.
        _discard_stdout()
        where = exc.filename or "the output"
        print(f"actorgraph: error: cannot write {where}: {describe_os_error(exc)}", file=sys.stderr)
        return OutputError.exit_code
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"actorgraph: internal error ({type(exc).__name__}: {exc}). This is a bug in actorgraph: "
            f"rerun with --debug and report the traceback at {ISSUES_URL}",
            file=sys.stderr,
        )
        return 1


def _discard_stdout() -> None:
    if sys.stdout is None:
        return
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _print_error(exc: ActorGraphError) -> None:
    if isinstance(exc, DataErrors) and len(exc.errors) > 1:
        for error in exc.errors:
            print(f"actorgraph: error: {error}", file=sys.stderr)
        print(f"actorgraph: {len(exc.errors)} problems found", file=sys.stderr)
        return
    print(f"actorgraph: error: {exc}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
