"""``actorgraph profile``: an actor's profile, each line with its sources."""

from __future__ import annotations

import argparse
from typing import Any

from actorgraph.cli._options import add_store_flags, open_graph, read_back_kept, verb_parser
from actorgraph.page._profile_result import KIND, from_dict, kept_key

# --------------------------------------------------------------------------------------------
# profile


def add_parser(sub: Any) -> None:
    parser = verb_parser(
        sub,
        "profile",
        "everything known of one actor: names, leaders, splits, allies, designations, attacks",
        """
        Print the profile of an actor (or any entity): names and aliases, type, founding,
        founders and leaders over time, splinters and parents, allies and rivals, designations,
        areas, ideology, and recorded attacks by year (imported event data included when the
        store holds it). Every line lists the sources behind it.
        """,
        """
        actorgraph profile TTP
        actorgraph profile "Islamic State Khorasan Province" --format markdown > iskp.md
        actorgraph profile ISKP --format json --store ./kg
        actorgraph profile TTP --as-of 2012
        """,
    )
    parser.add_argument("name", help="any name or alias of the entity, or its id (agd:ttp)")
    parser.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="only relations whose statements hold on this date (YYYY, YYYY-MM, YYYY-MM-DD; "
        "a year or month means its last day); undated lines stay, marked (undated)",
    )
    add_store_flags(parser)
    parser.set_defaults(func=_cmd_profile)


def _cmd_profile(args: argparse.Namespace) -> int:
    # A profile kept for the store as it stands (actorgraph._derived) is read back without
    # opening the store: 0.28 s rather than 0.54 s at 100,000 imported rows (BENCHMARKS.md,
    # session 15). With --as-of it is kept under the day as parsed: the store is opened.
    result = (
        None if args.as_of else read_back_kept(args, KIND, kept_key(args.name, None), from_dict)
    )
    if result is None:
        with open_graph(args) as kg:
            if args.as_of:
                from actorgraph.page._profile import profile  # noqa: PLC0415

                result = profile(kg, args.name, as_of=args.as_of)
            else:
                result = kg.profile(args.name)
    if args.format == "json":
        print(result.to_json())
    elif args.format == "markdown":
        print(result.to_markdown(), end="")
    else:
        print(result.to_text())
    return 0
