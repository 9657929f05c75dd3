"""Benchmark the GTD importer against mapping the same rows into a plain rdflib Graph.

Writes N synthetic GTD-format rows (seeded; no real GTD data), then times, each run in a fresh
Python process of its own:

1. ``actorgraph.importers.import_file`` into a fresh on-disk store (``--in-memory``: an in-memory
   store): rows read and mapped, names resolved against the curated data, N-Triples bulk-loaded by
   Oxigraph, the graph committed atomically; then, timed apart, the compaction an on-disk import
   ends with by default (``compact=False``, then ``KnowledgeGraph.compact()``: the work that makes
   the reads after an import cheaper, which rdflib's side has no counterpart of);
2. plain rdflib: the same rows, parsed by the same row mapper and resolved by the same resolver, and
   the same triples added one by one to an ``rdflib.Graph`` (what a script with rdflib alone would
   do). ``tests/test_import_bench.py`` checks that both sides hold exactly the same triples.

and prints both times (the best of ``--repeat`` runs, wall clock and CPU) and their ratio, for the
import alone and with its compaction.
``--memory`` instead runs the import alone for each of ``--sizes`` rows (default 10,000 and 100,000)
into an on-disk store, each in its own process, and prints each process's peak resident memory
(``resource.getrusage``), to show whether memory grows with the file.

Run: ``python benchmarks/import_bench.py --rows 100000 --repeat 3`` (a few minutes) or
``python benchmarks/import_bench.py --memory``. Results: ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

COLUMNS = [
    "eventid", "iyear", "imonth", "iday", "country_txt", "region_txt", "provstate", "city",
    "latitude", "longitude", "attacktype1_txt", "targtype1_txt", "gname", "gname2", "guncertain1",
    "claimed", "nkill", "nkillter", "nwound", "suicide",
]  # fmt: skip
GROUPS = [
    "Tehrik-i-Taliban Pakistan (TTP)", "Khorasan Chapter of the Islamic State", "Unknown",
    "Lashkar-e-Jhangvi", "Baloch Liberation Army (BLA)", "Synthetic Group {n}",
]  # fmt: skip
PLACES = [
    ("Khyber Pakhtunkhwa", ["Peshawar", "Bannu", "Kohat", "Dera Ismail Khan", "Mardan"]),
    ("Balochistan", ["Quetta", "Turbat", "Gwadar"]),
    ("Sindh", ["Karachi", "Hyderabad"]),
    ("Punjab", ["Lahore", "Rawalpindi", "Multan"]),
    ("Federally Administered Tribal Areas", ["Miram Shah", "Wana", "Khar", "Landi Kotal"]),
]
ATTACKS = ["Bombing/Explosion", "Armed Assault", "Assassination", "Hostage Taking (Kidnapping)"]
TARGETS = ["Police", "Military", "Private Citizens & Property", "Government (General)"]


def write_rows(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` synthetic GTD-format rows (latin-1), reproducibly."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="latin-1") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(n):
            year = rng.randint(2007, 2021)
            month = rng.choice([0] + [rng.randint(1, 12)] * 20)
            day = 0 if month == 0 else rng.choice([0] + [rng.randint(1, 28)] * 20)
            province, cities = rng.choice(PLACES)
            group = rng.choice(GROUPS).format(n=rng.randint(1, 300))
            writer.writerow([
                f"{year}{month:02d}{day:02d}{i:06d}", year, month, day, "Pakistan", "South Asia",
                province, rng.choice(cities), f"{rng.uniform(24, 37):.6f}",
                f"{rng.uniform(61, 77):.6f}", rng.choice(ATTACKS), rng.choice(TARGETS), group,
                rng.choice(["", "", "", "Tehrik-i-Taliban Pakistan (TTP)"]), rng.choice("0001"),
                rng.choice(["0", "1", "-9"]), rng.choice(["", "-99", *map(str, range(12))]),
                rng.choice(["", "0", "1"]), rng.choice(["", "-9", *map(str, range(30))]),
                rng.choice("01"),
            ])  # fmt: skip


def run_actorgraph(path: Path, store_dir: Path | None) -> tuple[float, float, int, float, float]:
    """Import with actorgraph into a fresh on-disk store (or in memory), then compact it.

    Returns (wall seconds, CPU seconds of the process, events) of the import, then the wall and
    CPU seconds of the compaction that ``import_file`` would have ended with (0 in memory).
    Opening the store (and writing the curated data into it) is not timed.
    """
    import actorgraph
    from actorgraph.importers import import_file

    kg = actorgraph.load(store=store_dir)
    try:
        start, cpu = time.perf_counter(), _cpu()
        report = import_file(kg, "gtd", path, compact=False)
        elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
        start, compact_cpu = time.perf_counter(), _cpu()
        kg.compact()
        compact_wall, compact_cpu = time.perf_counter() - start, _cpu() - compact_cpu
    finally:
        kg.close()
    return elapsed, cpu, report.events_created, compact_wall, compact_cpu


def map_into_rdflib(path: Path, store: Any) -> Any:
    """Map the rows of a GTD file into a plain ``rdflib.Graph``, triple by triple.

    The same row mapper (``map_gtd_row``), the same name resolver and the same matching of curated
    events as the importer, reading the curated entities from ``store`` (a ``pyoxigraph.Store``);
    the same triples as the importer writes, made as rdflib terms and added one at a time.
    """
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

    from actorgraph.importers._driver import preview
    from actorgraph.importers._gtd import GTD, map_gtd_row
    from actorgraph.importers._known import KnownEntities
    from actorgraph.importers._ntriples import statement_iri
    from actorgraph.importers._records import RowError
    from actorgraph.importers._resolver import Resolver
    from actorgraph.importers._writer import Matcher
    from actorgraph.vocab._namespaces import AG, AGD, GEO, SCHEMA

    dataset = GTD.dataset
    known = KnownEntities.from_store(store)
    resolver = Resolver(known, dataset, "provisional", GTD.hints)
    matcher = Matcher(known.events)
    source = URIRef(dataset.source)
    g = Graph()
    add = g.add
    if dataset.source not in known.types:
        add((source, RDF.type, AG.Source))
        add((source, RDFS.label, Literal(dataset.title, lang="en")))
        add((source, DCTERMS.title, Literal(dataset.title, lang="en")))
        add((source, DCTERMS.creator, Literal(dataset.creator)))
        add((source, DCTERMS.publisher, Literal(dataset.publisher)))
        add((source, DCTERMS.license, Literal(dataset.license)))
        if dataset.url:
            add((source, SCHEMA.url, URIRef(dataset.url)))
    with path.open(newline="", encoding="latin-1") as handle:
        for row in csv.DictReader(handle):
            try:
                record = map_gtd_row(row)
            except RowError:
                continue
            places, actors = preview(record, resolver)
            same = matcher.match(record, places, actors)
            node = AGD[record.slug]
            add((node, RDF.type, AG[record.kind]))
            add((node, RDFS.label, Literal(record.label, lang="en")))
            add((node, PROV.wasDerivedFrom, source))
            add((node, AG.sourceRecord, Literal(record.record_id)))
            if record.date is not None:
                add((node, AG.date, record.date.literal()))
            elif record.start is not None and record.end is not None:
                add((node, AG.startDate, record.start.literal()))
                add((node, AG.endDate, record.end.literal()))
            add((node, AG.earliestDate, Literal(record.earliest.isoformat(), datatype=XSD.date)))
            add((node, AG.latestDate, Literal(record.latest.isoformat(), datatype=XSD.date)))
            for prop, value in record.counts.items():
                add((node, AG[prop], Literal(value)))
            if record.lat is not None and record.long is not None:
                add((node, GEO.lat, Literal(record.lat, datatype=XSD.decimal)))
                add((node, GEO.long, Literal(record.long, datatype=XSD.decimal)))
            if record.places:
                chain = resolver.places(record.places)
                if chain:
                    add((node, AG.place, URIRef(chain[-1])))
            for mention in record.actors:
                if mention.role == "target":
                    category, iri = True, resolver.target(mention)
                else:
                    kind, iri = resolver.actor(mention)
                    category = kind == "category"
                if iri is None:
                    continue
                actor = URIRef(iri)
                if category:
                    add((node, AG.target, actor))
                    continue
                add((node, AG.participant, actor))
                if mention.role == "perpetrator":
                    add((node, AG.attributedTo, actor))
                    if mention.uncertain:
                        st = URIRef(statement_iri(node, AG.attributedTo, iri, dataset.source))
                        add((st, RDF.type, RDF.Statement))
                        add((st, RDF.subject, node))
                        add((st, RDF.predicate, AG.attributedTo))
                        add((st, RDF.object, actor))
                        add((st, PROV.wasDerivedFrom, source))
                        text = (
                            f"{dataset.title} attributes {record.record_id} to this actor but "
                            "marks the attribution as uncertain."
                        )
                        add((st, AG.claimText, Literal(text, lang="en")))
                        add((st, AG.rank, AG.NormalRank))
                        add((st, AG.uncertain, Literal(True)))
                if mention.claimed:
                    add((node, AG.claimedBy, actor))
            for other in same:
                add((node, AG.sameEventAs, URIRef(other)))
    for iri, (name, local_id) in resolver.new_actors.items():
        actor = URIRef(iri)
        add((actor, RDF.type, AG.Actor))
        add((actor, RDFS.label, Literal(name, lang="en")))
        add((actor, AG.provisional, Literal(True)))
        add((actor, PROV.wasDerivedFrom, source))
        if local_id:
            add((actor, AG.sourceRecord, Literal(local_id)))
    for iri, (name, parent) in resolver.new_places.items():
        place = URIRef(iri)
        add((place, RDF.type, AG.Place))
        add((place, RDFS.label, Literal(name, lang="en")))
        add((place, PROV.wasDerivedFrom, source))
        if parent is not None:
            add((place, SCHEMA.containedInPlace, URIRef(parent)))
    return g


def run_rdflib(path: Path) -> tuple[float, float, int]:
    """Map the rows into a plain rdflib Graph; return (wall seconds, CPU seconds, triples).

    As on the importer's side, loading the curated data is not timed; reading the curated
    entities from it (for the resolver) is.
    """
    import actorgraph

    store = actorgraph.load().store
    start, cpu = time.perf_counter(), _cpu()
    g = map_into_rdflib(path, store)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    return elapsed, cpu, len(g)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process
    return usage.ru_utime + usage.ru_stime


def _memory_child(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gtd.csv"
        write_rows(path, rows)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        import actorgraph

        actorgraph.load()  # the curated data, loaded before the import in both runs
        loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, _, events, compact_seconds, _ = run_actorgraph(path, Path(tmp) / "store")
        seconds += compact_seconds
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "events": events, "seconds": seconds,
                      "maxrss_kib_start": before, "maxrss_kib_loaded": loaded,
                      "maxrss_kib_peak": peak}))  # fmt: skip


def _timed_child(side: str, path: Path, in_memory: bool) -> None:
    compact_wall = compact_cpu = 0.0
    if side == "actorgraph":
        with tempfile.TemporaryDirectory() as tmp:
            store = None if in_memory else Path(tmp) / "store"
            wall, cpu, count, compact_wall, compact_cpu = run_actorgraph(path, store)
    else:
        wall, cpu, count = run_rdflib(path)
    print(json.dumps({"side": side, "seconds": wall, "cpu": cpu, "count": count,
                      "compact_seconds": compact_wall, "compact_cpu": compact_cpu}))  # fmt: skip


def _in_child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the best is kept")
    parser.add_argument("--memory", action="store_true", help="peak memory at each of --sizes rows")
    parser.add_argument("--sizes", default="10000,100000", help="row counts for --memory")
    parser.add_argument(
        "--in-memory", action="store_true", help="import into an in-memory store, not on disk"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--side", choices=["actorgraph", "rdflib"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _memory_child(args.child)
        return
    if args.side:
        _timed_child(args.side, args.csv, args.in_memory)
        return
    if args.memory:
        for rows in (int(n) for n in args.sizes.split(",")):
            data = _in_child("--child", str(rows))
            print(
                f"{rows:>7,} rows: import {data['seconds']:.1f} s, peak RSS "
                f"{data['maxrss_kib_peak'] / 1024:.0f} MiB "
                f"(after loading the curated data: {data['maxrss_kib_loaded'] / 1024:.0f} MiB)",
                flush=True,
            )
        return
    kind = "in-memory" if args.in_memory else "on-disk"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gtd.csv"
        write_rows(path, args.rows)
        best: dict[str, dict[str, Any]] = {}
        for _ in range(args.repeat):
            for side in ("actorgraph", "rdflib"):
                flags = ["--in-memory"] if args.in_memory else []
                data = _in_child("--side", side, "--csv", str(path), *flags)
                print(
                    f"  {side}: {data['seconds']:.2f} s (CPU {data['cpu']:.2f} s)"
                    + (
                        f", then compacting {data['compact_seconds']:.2f} s "
                        f"(CPU {data['compact_cpu']:.2f} s)"
                        if data["compact_seconds"]
                        else ""
                    ),
                    file=sys.stderr,
                    flush=True,
                )
                if side not in best or data["seconds"] < best[side]["seconds"]:
                    best[side] = data
    ours, theirs = best["actorgraph"], best["rdflib"]
    runs = f"best of {args.repeat}" if args.repeat > 1 else "one run"
    print(f"{args.rows:,} GTD-format rows, {runs} per side")
    print(
        f"actorgraph import_file ({kind} store): {ours['seconds']:.1f} s "
        f"(CPU {ours['cpu']:.1f} s) for {ours['count']:,} events"
    )
    if not args.in_memory:
        print(
            f"then compacting the store, as an import does by default: "
            f"{ours['compact_seconds']:.1f} s (CPU {ours['compact_cpu']:.1f} s)"
        )
    print(
        f"plain rdflib Graph, same rows, mapper and triples: {theirs['seconds']:.1f} s "
        f"(CPU {theirs['cpu']:.1f} s) for {theirs['count']:,} triples"
    )
    ratio = f"ratio: {theirs['seconds'] / ours['seconds']:.1f}x"
    if not args.in_memory:
        whole = ours["seconds"] + ours["compact_seconds"]
        ratio += f" (the import); {theirs['seconds'] / whole:.1f}x (the import and its compaction)"
    print(ratio)


if __name__ == "__main__":
    main()
