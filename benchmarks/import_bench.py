"""Benchmark the GTD importer against mapping the same rows into a plain rdflib Graph.

Writes N synthetic GTD-format rows (seeded; no real GTD data), then in the same run:

1. ``actorgraph.importers.import_file`` into a fresh on-disk store (streamed N-Triples, bulk load,
   atomic swap, names resolved against the curated data);
2. the same rows parsed by the same row mapper and added triple by triple to an ``rdflib.Graph``
   (what a script with rdflib alone would do), with the same triples per event.

and prints both times and their ratio. ``--memory`` instead runs the import alone for 10,000 and
100,000 rows, each in its own process, and prints each process's peak resident memory
(``resource.getrusage``), to show whether memory grows with the file.

Run: ``python benchmarks/import_bench.py`` (about a minute) or
``python benchmarks/import_bench.py --memory``.
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


def run_actorgraph(path: Path, store_dir: Path | None) -> tuple[float, int]:
    """Import with actorgraph into a fresh on-disk store (or in memory); return (seconds, events)."""
    import actorgraph
    from actorgraph.importers import import_file

    kg = actorgraph.load(store=store_dir)
    try:
        start = time.perf_counter()
        report = import_file(kg, "gtd", path)
        elapsed = time.perf_counter() - start
    finally:
        kg.close()
    return elapsed, report.events_created


def run_rdflib(path: Path) -> tuple[float, int]:
    """Map the same rows with the same row mapper into a plain rdflib Graph; return (s, triples)."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import PROV, RDF, RDFS, XSD

    from actorgraph._names import normalize_name
    from actorgraph._namespaces import AG, AGD, AGS, GEO
    from actorgraph.importers._common import RowError, slugify
    from actorgraph.importers._gtd import map_gtd_row

    start = time.perf_counter()
    g = Graph()
    source = AGS["gtd"]
    with path.open(newline="", encoding="latin-1") as handle:
        for row in csv.DictReader(handle):
            try:
                record = map_gtd_row(row)
            except RowError:
                continue
            node = AGD[record.slug]
            g.add((node, RDF.type, AG[record.kind]))
            g.add((node, RDFS.label, Literal(record.label, lang="en")))
            g.add((node, PROV.wasDerivedFrom, source))
            g.add((node, AG.sourceRecord, Literal(record.record_id)))
            if record.date is not None:
                g.add((node, AG.date, record.date.literal()))
            g.add((node, AG.earliestDate, Literal(record.earliest.isoformat(), datatype=XSD.date)))
            g.add((node, AG.latestDate, Literal(record.latest.isoformat(), datatype=XSD.date)))
            for prop, value in record.counts.items():
                g.add((node, AG[prop], Literal(value)))
            if record.lat and record.long:
                g.add((node, GEO.lat, Literal(record.lat, datatype=XSD.decimal)))
                g.add((node, GEO.long, Literal(record.long, datatype=XSD.decimal)))
            if record.places:
                place = AGD["place-" + slugify(" ".join(record.places))]
                g.add((node, AG.place, place))
                g.add((place, RDFS.label, Literal(record.places[-1], lang="en")))
            for mention in record.actors:
                if mention.role == "target":
                    continue
                actor = URIRef(f"{AGD}gtd-actor-{slugify(normalize_name(mention.name))}")
                g.add((node, AG.participant, actor))
                g.add((node, AG.attributedTo, actor))
                if mention.claimed:
                    g.add((node, AG.claimedBy, actor))
    return time.perf_counter() - start, len(g)


def _child(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gtd.csv"
        write_rows(path, rows)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        import actorgraph

        actorgraph.load()  # the curated data, loaded before the import in both runs
        loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, events = run_actorgraph(path, Path(tmp) / "store")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "events": events, "seconds": seconds,
                      "maxrss_kib_start": before, "maxrss_kib_loaded": loaded,
                      "maxrss_kib_peak": peak}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--memory", action="store_true", help="peak memory at 10k vs 100k rows")
    parser.add_argument(
        "--in-memory", action="store_true", help="import into an in-memory store, not on disk"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    if args.memory:
        for rows in (10_000, 100_000):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(rows)],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            data = json.loads(out.strip().splitlines()[-1])
            print(
                f"{rows:>7,} rows: import {data['seconds']:.1f} s, peak RSS "
                f"{data['maxrss_kib_peak'] / 1024:.0f} MiB "
                f"(after loading the curated data: {data['maxrss_kib_loaded'] / 1024:.0f} MiB)"
            )
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gtd.csv"
        write_rows(path, args.rows)
        where = None if args.in_memory else Path(tmp) / "store"
        ours, events = run_actorgraph(path, where)
        kind = "in-memory" if args.in_memory else "on-disk"
        print(f"actorgraph import_file ({kind} store): {ours:.1f} s for {events:,} events")
        theirs, triples = run_rdflib(path)
        print(f"plain rdflib Graph, same rows and mapper: {theirs:.1f} s for {triples:,} triples")
        print(f"ratio: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
