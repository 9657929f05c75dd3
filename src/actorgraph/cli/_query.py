"""The ``query`` verb: SPARQL from the command line."""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import textwrap
from typing import Any

from actorgraph._derived import kept
from actorgraph._errors import ActorGraphError, QueryError, UsageError
from actorgraph.sparql._saved import SavedQuery, check_param, read_saved_query, saved_queries

__all__ = ["add_parser", "format_saved_list", "format_table"]

_FORMATS = ["table", "csv", "tsv", "json", "xml", "csv-excel", "turtle", "nt", "jsonld"]


def add_parser(sub: Any) -> None:
    """Declare the ``query`` verb."""
    from actorgraph.cli._options import add_store_flags  # noqa: PLC0415 - cli imports this module

    parser = sub.add_parser(
        "query",
        help="run a SPARQL query: inline, from a file, or from standard input",
        description=textwrap.dedent(
            """
            Run a SPARQL 1.1 query over the knowledge graph (all named graphs together).
            The prefixes ag:, agd:, ags:, agst:, agg:, rdf:, rdfs:, owl:, xsd:, skos:, dcterms:,
            prov:, foaf:, org:, time:, sem:, schema: and geo: are predeclared.

            SELECT and ASK print a table, or --format csv|tsv|json|xml (the W3C results
            formats; the CSV/TSV formats define no ASK form, so ASK prints true or false).
            CONSTRUCT and DESCRIBE print --format turtle|nt|jsonld (default turtle).
            --format csv-excel writes CSV for a spreadsheet instead: cells that a spreadsheet
            would run as a formula (=, +, -, @) get a leading ' and the file a UTF-8 BOM.

            Saved competency queries ship with actorgraph: --list shows them, --saved NAME runs
            one (each declares its own prefixes, so its text also runs on any SPARQL server).
            --endpoint URL sends the query to a SPARQL 1.1 query endpoint instead of the
            local graph (e.g. one filled with `actorgraph push`); --param values are written
            into the query there as VALUES blocks, checked and escaped. --timeout bounds the whole
            exchange; a reply over 100 MB (ACTORGRAPH_MAX_REPLY bytes), or one that is not SPARQL
            results, is refused (exit 6); a result cut by the endpoint's row cap is reported as
            such; an empty answer from an endpoint whose default graph is empty but whose named
            graphs are not gets a warning that says what to do.
            """
        ).strip(),
        epilog="examples:\n"
        + textwrap.indent(
            textwrap.dedent(
                """
                actorgraph query "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }"
                actorgraph query -f my-question.rq --format csv > answer.csv
                echo "ASK { agd:ttp a ag:ArmedGroup }" | actorgraph query
                actorgraph query "SELECT ?g ?p ?o WHERE { ?g ?p ?o }" --param g=agd:ttp
                actorgraph query --list
                actorgraph query --saved leader-at-date --param group=agd:ttp --param date=2015-06-01
                actorgraph query --saved contested-tolls --endpoint http://localhost:7878/query
                actorgraph query --saved leader-at-date --param group=agd:ttp --endpoint http://localhost:7878/query
                """
            ).strip(),
            "  ",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "text", nargs="?", metavar="QUERY", help="the query text (or use -f, or stdin)"
    )
    parser.add_argument(
        "-f", "--file", metavar="FILE.rq", help="read the query from a file ('-' for stdin)"
    )
    parser.add_argument("--saved", metavar="NAME", help="run a saved competency query (see --list)")
    parser.add_argument(
        "--list", action="store_true", help="list the saved queries with what each answers"
    )
    parser.add_argument(
        "--format", choices=_FORMATS, help="output format (default: table, or turtle for graphs)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="stop the query after S seconds (default 60); with --endpoint, the whole exchange",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="print at most N rows")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="bind a variable: a CURIE or <IRI>, YYYY-MM-DD, a number, or text (repeatable)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow SERVICE and FROM of graphs outside the store (refused by default)",
    )
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="query this SPARQL 1.1 query endpoint instead of the local graph",
    )
    add_store_flags(parser)
    parser.set_defaults(func=run)


def _query_text(args: argparse.Namespace) -> str:
    sources = [bool(args.text), bool(args.file), bool(args.saved)]
    if sum(sources) > 1:
        raise UsageError("give the query one way: inline, with -f FILE.rq, or with --saved NAME")
    if args.saved:
        return read_saved_query(args.saved).text
    if args.file == "-":
        return sys.stdin.read()
    if args.file:
        try:
            with open(args.file, encoding="utf-8") as handle:
                return handle.read()
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{args.file} is not UTF-8 text; save it as UTF-8") from None
    if args.text:
        text = str(args.text)
        name = text.strip()
        if re.fullmatch(r"[\w-]+", name) and name in {q.name for q in saved_queries()}:
            raise UsageError(
                f"{name!r} is the name of a saved query, not SPARQL: did you mean "
                f"`actorgraph query --saved {name}`?"
            )
        return text
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("no query: give it inline, with -f FILE.rq, or on standard input")
    return sys.stdin.read()


def _params(args: argparse.Namespace) -> dict[str, str]:
    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param {item!r}: expected VAR=VALUE, e.g. --param group=agd:ttp")
        params[name.strip().lstrip("?$")] = value
    return params


def run(args: argparse.Namespace) -> int:
    """Run the ``query`` verb."""
    from actorgraph.cli._options import open_graph, read_back_kept, write_stdout  # noqa: PLC0415

    if args.list:
        if args.text or args.file or args.saved:
            raise UsageError("--list takes no query")
        print(format_saved_list(saved_queries()))
        return 0
    text = _query_text(args)
    if args.saved:
        saved = read_saved_query(args.saved)
        for name, value in _params(args).items():
            check_param(saved, name, value)
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    if args.endpoint:
        if args.store or args.data:
            raise UsageError("--endpoint queries a remote server: leave out --store and --data")
        if not args.endpoint.startswith(("http://", "https://")):
            raise UsageError(f"--endpoint {args.endpoint!r}: expected an http:// or https:// URL")
        args.store = args.endpoint
    params = _params(args)
    key = [text, params, args.format, args.limit]
    # A local on-disk store's answer is kept until the store changes (actorgraph._derived), and
    # read back without opening the store, unless the query may answer differently on the same
    # data (remote data, NOW(), RAND()).
    keep = not (args.allow_remote or _varies(text))
    answer = read_back_kept(args, "query", key, _Answer.from_dict) if keep else None
    remote = False
    if answer is None:
        kg = open_graph(args)
        remote = kg.is_remote
        try:
            answer = kept(
                kg if keep and not remote else None,
                "query",
                key,
                derive=lambda: _answer(kg, text, params, args),
                encode=dataclasses.asdict,
                decode=_Answer.from_dict,
            )
        except QueryError as exc:
            raise _located(exc, text, args) from None
        finally:
            kg.close()
    for note in answer.before:
        print(note, file=sys.stderr)
    write_stdout(answer.out.encode("utf-8"))
    for note in answer.after:
        print(note, file=sys.stderr)
    if remote and answer.empty and not _names_graphs(text):
        _hint_default_graph(args.endpoint, args.timeout)
    return 0


@dataclasses.dataclass
class _Answer:
    """What ``query`` prints: notes on standard error before and after the answer."""

    out: str
    before: list[str]
    after: list[str]
    empty: bool

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _Answer:
        """The answer ``dataclasses.asdict`` kept."""
        return cls(**data)


def _answer(kg: Any, text: str, params: dict[str, str], args: argparse.Namespace) -> _Answer:
    result = kg.query(
        text,
        params=params,
        timeout=args.timeout,
        allow_remote=args.allow_remote,
        limit=args.limit,
    )
    before = [] if kg.is_remote else _entity_param_notes(kg, params)
    fmt = args.format or ("turtle" if result.type == "CONSTRUCT" else "table")
    if fmt == "csv-excel":
        # CSV for a spreadsheet: cells a spreadsheet would run as formulas are neutralised.
        from actorgraph._spreadsheet import spreadsheet_csv  # noqa: PLC0415

        if result.type != "SELECT":
            raise UsageError("--format csv-excel is for SELECT results")
        out = spreadsheet_csv(result.serialize("csv")).decode("utf-8")
    elif fmt == "table":
        if result.type == "CONSTRUCT":
            raise UsageError(
                "a CONSTRUCT/DESCRIBE result is a graph: use --format turtle, nt or jsonld"
            )
        out = format_table(result)
    else:
        out = result.serialize(fmt).decode("utf-8")
    after = []
    if result.endpoint_cap is not None:
        from actorgraph.store._client import excerpt  # noqa: PLC0415 - httpx, only for endpoints

        after.append(
            f"actorgraph: warning: the endpoint cut the result at its row cap "
            f"({excerpt(result.endpoint_cap.encode('utf-8'), 80)}): more rows match than shown; "
            "narrow the query, or page through it with LIMIT and OFFSET"
        )
    elif result.truncated:
        after.append(f"actorgraph: stopped at --limit {args.limit} rows; more rows match")
    return _Answer(out=out, before=before, after=after, empty=_is_empty(result))


def _varies(text: str) -> bool:
    """Whether a query may answer differently on the same data: it asks for the time, random
    numbers or new identifiers."""
    return re.search(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", text, re.IGNORECASE) is not None


def _is_empty(result: Any) -> bool:
    if result.type == "ASK":
        return not result.askAnswer
    return len(result) == 0


def _names_graphs(text: str) -> bool:
    """Whether the query chooses its graphs (GRAPH, FROM), so the default graph is not its data."""
    return re.search(r"\b(GRAPH|FROM)\b", text, re.IGNORECASE) is not None


def _hint_default_graph(endpoint: str, timeout: float | None) -> None:
    """An empty answer from an endpoint whose default graph is empty but whose named graphs are not
    (Oxigraph without --union-default-graph): say so, and what to do."""
    from actorgraph.store._remote import default_graph_hint  # noqa: PLC0415

    try:
        hint = default_graph_hint(endpoint, timeout=min(timeout or 10.0, 10.0))
    except ActorGraphError:
        return  # only a hint: the answer itself stands
    if hint is not None:
        print(f"actorgraph: warning: {hint}", file=sys.stderr)


def _entity_param_notes(kg: Any, params: dict[str, str]) -> list[str]:
    """Notes for each parameter bound as text that is the name of an entity (``group=TTP``)."""
    import pyoxigraph as ox  # noqa: PLC0415

    from actorgraph.sparql._parameters import parse_param  # noqa: PLC0415

    notes = []
    for name, value in params.items():
        term = parse_param(value)
        if not isinstance(term, ox.Literal) or term.datatype.value.rsplit("#", 1)[-1] != "string":
            continue
        found = kg.names.lookup(value)
        if len(found) == 1:
            node = next(iter(found))
            notes.append(
                f"actorgraph: note: --param {name}={value} is bound as text; "
                f"for {kg.names.label(node)} use --param {name}={node}"
            )
    return notes


def format_table(result: Any, *, width: int = 60) -> str:
    """A plain-text table of a SELECT result (IRIs as CURIEs), or the answer of an ASK."""
    if result.type == "ASK":
        return "true" if result.askAnswer else "false"
    names = [str(v) for v in result.vars]
    rows = [["" if term is None else _cell(term, width) for term in row] for row in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([line.rstrip(), rule, *body, count])


def _cell(term: Any, width: int) -> str:
    from rdflib import URIRef  # noqa: PLC0415

    from actorgraph.vocab._namespaces import curie  # noqa: PLC0415 - rdflib: 0.2 s to import

    text = curie(str(term)) if isinstance(term, URIRef) else str(term)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _located(exc: QueryError, text: str, args: argparse.Namespace) -> QueryError:
    """The error with the file it came from and the offending line of the user's text, marked."""
    if exc.line is None:
        return exc
    line, column = exc.line, exc.column or 1
    message = _shorter(str(exc), text, line, column)
    earlier = _earlier_position(text, line, column)
    if earlier is not None:
        line, column, found = earlier
        message += f" (the text stops making sense at line {line}, column {column}, at {found!r})"
    lines = text.splitlines() or [""]
    where = args.file if args.file and args.file != "-" else None
    if args.saved:
        where = str(read_saved_query(args.saved).path)
    if where:
        message = f"{where}:{line}:{column}: {message}"
    if 1 <= line <= len(lines):
        source = lines[line - 1].expandtabs(1)
        caret = max(1, min(column, len(source) + 1))
        gutter = f"{line} | "
        message += f"\n  {gutter}{source}\n  {' ' * len(gutter)}{' ' * (caret - 1)}^"
    else:
        message += "\n  (at the end of the query: is something missing, such as a closing brace?)"
    return QueryError(message, line=line, column=column)


def _shorter(message: str, text: str, line: int, column: int) -> str:
    """Oxigraph's message without its page of character ranges; an unknown prefix named."""
    lines = text.splitlines()
    if "Prefix not found" in message and 1 <= line <= len(lines):
        names = re.findall(r"([A-Za-z][\w.-]*)?:[\w.%-]*", lines[line - 1][: column - 1])
        if names:
            prefix = names[-1]
            return (
                f"SPARQL syntax error at line {line}, column {column}: unknown prefix {prefix}: "
                f"(declare it with PREFIX {prefix}: <…>; ag:, agd:, ags:, rdfs:, skos:, prov: and "
                "the other standard prefixes are predeclared)"
            )
    flat = " ".join(message.split())
    return flat if len(flat) <= 200 else flat[:200] + " …"


def _earlier_position(text: str, line: int, column: int) -> tuple[int, int, str] | None:
    """Where rdflib's parser fails, when Oxigraph only reports the end of the text.

    Oxigraph's parser places some errors (a stray ``]``, for one) at the end of the query; rdflib's
    parser, a second opinion, often finds the token itself.
    """
    lines = text.splitlines()
    rest = "\n".join([lines[line - 1][column - 1 :] if line <= len(lines) else "", *lines[line:]])
    if any(piece.strip() and not piece.strip().startswith("#") for piece in rest.splitlines()):
        return None
    from pyparsing import ParseException  # noqa: PLC0415 - rdflib's parser; error path only
    from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415

    try:
        parseQuery(text)
    except ParseException as exc:
        if (exc.lineno, exc.col) < (line, column):
            found = text[exc.loc :].split(maxsplit=1)[0] if text[exc.loc :].strip() else ""
            return exc.lineno, exc.col, found
    except Exception:
        return None
    return None


def format_saved_list(queries: list[SavedQuery]) -> str:
    """The saved queries as text: name and title, what each answers, and its parameters."""
    blocks = []
    for query in queries:
        lines = [f"{query.name}  {query.title}"]
        lines += textwrap.wrap(
            query.answers, width=96, initial_indent="    ", subsequent_indent="    "
        )
        lines += [f"    --param {name}=…  {meaning}" for name, meaning in query.params.items()]
        blocks.append("\n".join(lines))
    footer = "run one with: actorgraph query --saved NAME [--param VAR=VALUE ...]"
    return "\n\n".join([*blocks, footer])
