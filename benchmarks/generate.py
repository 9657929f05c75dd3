"""A seeded generator of GTD-like synthetic data in the shape of actorgraph's store.

The scale benchmarks (the NetworkX projection here, the store and the page elsewhere) all use it, so its
API stays small: :func:`generate` yields N-Quads lines, one triple each, until ``n_triples`` lines were
written.

The data is made up and says so in every label ("Synthetic group 12"). Its shape follows the vocabulary
contract: actors with labels, aliases (some in Urdu), alliances and rivalries; places in a hierarchy with
coordinates; sources with title, creator, publisher, date and URL; attacks with dates at day, month or
year precision (plus ``ag:earliestDate``/``ag:latestDate``), place, tolls, claims, attributions and
targets; and one ``rdf:Statement`` per sourced claim with claim text, rank, pinpoint or fact number and,
for relations, a start date. Curated-like entities go into ``agg:curated``, attacks into one import graph.

Run it as a script to write a file::

    python benchmarks/generate.py 1000000 --seed 1 > synthetic.nq
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import random
import sys
from collections.abc import Iterator

AG = "https://w3id.org/actorgraph/ontology#"
AGD = "https://w3id.org/actorgraph/data/"
AGS = "https://w3id.org/actorgraph/source/"
AGST = "https://w3id.org/actorgraph/statement/"
AGG = "https://w3id.org/actorgraph/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"

CURATED = f"<{AGG}curated>"
IMPORT = f"<{AGG}import/gtd/0123456789abcdef>"

_ACTOR_TYPES = ["ArmedGroup"] * 6 + ["PoliticalParty", "State", "GovernmentBody", "Person"]
_TARGETS = ["civilians", "military", "police", "infrastructure", "religious-figures"]
_ATTACK_TYPES = ["bombing", "armed-assault", "assassination", "kidnapping", "suicide-bombing"]


def _iri(base: str, local: str) -> str:
    return f"<{base}{local}>"


def _lit(text: str, lang: str = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def _date_literal(rng: random.Random) -> tuple[str, str, str]:
    """Return (literal, earliest, latest) for a date at day, month or year precision."""
    year = rng.randint(1995, 2025)
    month = rng.randint(1, 12)
    last = calendar.monthrange(year, month)[1]
    day = rng.randint(1, last)
    precision = rng.random()
    if precision < 0.6:
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        return _typed(iso, "date"), iso, iso
    if precision < 0.85:
        return (
            _typed(f"{year:04d}-{month:02d}", "gYearMonth"),
            f"{year:04d}-{month:02d}-01",
            f"{year:04d}-{month:02d}-{last:02d}",
        )
    return _typed(f"{year:04d}", "gYear"), f"{year:04d}-01-01", f"{year:04d}-12-31"


class _Writer:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    def full(self) -> bool:
        return self.count >= self.limit

    def lines(self, graph: str, subject: str, pairs: list[tuple[str, str]]) -> Iterator[str]:
        for predicate, obj in pairs:
            if self.count >= self.limit:
                return
            self.count += 1
            yield f"{subject} {predicate} {obj} {graph} .\n"


def _statement(  # noqa: PLR0917 - a private helper with one call shape
    subject: str, predicate: str, obj: str, source: str, claim: str, rng: random.Random
) -> tuple[str, list[tuple[str, str]]]:
    digest = hashlib.sha256("\n".join((subject, predicate, obj, source)).encode()).hexdigest()
    node = _iri(AGST, digest[:16])
    pairs = [
        (f"<{RDF}type>", f"<{RDF}Statement>"),
        (f"<{RDF}subject>", subject),
        (f"<{RDF}predicate>", predicate),
        (f"<{RDF}object>", obj),
        (f"<{PROV}wasDerivedFrom>", source),
        (f"<{AG}claimText>", _lit(claim)),
        (f"<{AG}rank>", f"<{AG}{rng.choice(['NormalRank', 'NormalRank', 'PreferredRank'])}>"),
        (f"<{AG}sourceFact>", f'"{source[len(AGS) + 1 : -1]}#{rng.randint(1, 40)}"'),
    ]
    return node, pairs


def generate(n_triples: int, seed: int = 0) -> Iterator[str]:
    """Yield ``n_triples`` N-Quads lines of a GTD-like synthetic graph, the same for the same seed.

    Parameters
    ----------
    n_triples
        How many lines (triples) to yield.
    seed
        Seed of the random choices.

    Examples
    --------
    >>> lines = list(generate(50, seed=1))
    >>> len(lines), lines[0].endswith(" .\\n")
    (50, True)
    >>> lines == list(generate(50, seed=1))
    True
    """
    rng = random.Random(seed)
    out = _Writer(n_triples)
    n_actors = max(10, n_triples // 400)
    n_places = max(5, n_triples // 800)
    n_sources = max(3, min(500, n_triples // 2000))
    a_type, a_label = f"<{RDF}type>", f"<{RDFS}label>"

    sources = [_iri(AGS, f"synthetic-source-{i}") for i in range(n_sources)]
    for i, source in enumerate(sources):
        date, _, _ = _date_literal(rng)
        yield from out.lines(
            CURATED,
            source,
            [
                (a_type, f"<{AG}Source>"),
                (f"<{DCT}title>", f'"Synthetic report {i}"'),
                (f"<{DCT}creator>", f'"Synthetic author {i % 17}"'),
                (f"<{DCT}publisher>", f'"Synthetic publisher {i % 5}"'),
                (f"<{DCT}date>", date),
                (f"<{SCHEMA}url>", f"<https://example.org/report/{i}>"),
            ],
        )

    places = [_iri(AGD, f"synthetic-place-{i}") for i in range(n_places)]
    for i, place in enumerate(places):
        pairs = [
            (a_type, f"<{AG}Place>"),
            (a_label, _lit(f"Synthetic place {i}")),
            (f"<{GEO}lat>", _typed(f"{rng.uniform(24, 37):.4f}", "decimal")),
            (f"<{GEO}long>", _typed(f"{rng.uniform(61, 75):.4f}", "decimal")),
        ]
        if i >= 5:
            pairs.append((f"<{SCHEMA}containedInPlace>", places[rng.randrange(5)]))
        yield from out.lines(CURATED, place, pairs)

    targets = [_iri(AGD, name) for name in _TARGETS]
    for target in targets:
        yield from out.lines(
            CURATED,
            target,
            [(a_type, f"<{AG}TargetCategory>"), (a_label, _lit(target[len(AGD) + 1 : -1]))],
        )
    attack_types = [_iri(AGD, name) for name in _ATTACK_TYPES]
    for attack_type in attack_types:
        yield from out.lines(
            CURATED,
            attack_type,
            [(a_type, f"<{AG}AttackType>"), (a_label, _lit(attack_type[len(AGD) + 1 : -1]))],
        )

    actors = [_iri(AGD, f"synthetic-group-{i}") for i in range(n_actors)]
    for i, actor in enumerate(actors):
        kind = rng.choice(_ACTOR_TYPES)
        pairs = [
            (a_type, f"<{AG}{kind}>"),
            (a_label, _lit(f"Synthetic group {i}")),
            (f"<{SKOS}altLabel>", _lit(f"SG{i}")),
            (f"<{AG}activeIn>", rng.choice(places)),
        ]
        if rng.random() < 0.3:
            pairs.append((f"<{SKOS}altLabel>", _lit(f"مصنوعی گروہ {i}", "ur")))
        yield from out.lines(CURATED, actor, pairs)
        for relation in ("alliedWith", "rivalOf"):
            if i == 0 or rng.random() < 0.5:
                continue
            other = actors[rng.randrange(i)]
            predicate = f"<{AG}{relation}>"
            yield from out.lines(CURATED, actor, [(predicate, other)])
            node, st = _statement(
                actor, predicate, other, rng.choice(sources), f"A synthetic {relation} claim.", rng
            )
            start, _, _ = _date_literal(rng)
            st.append((f"<{AG}startDate>", start))
            yield from out.lines(CURATED, node, st)

    i = 0
    while not out.full():
        attack = _iri(AGD, f"gtd-{i}")
        date, earliest, latest = _date_literal(rng)
        actor = rng.choice(actors)
        role = f"<{AG}{'claimedBy' if rng.random() < 0.4 else 'attributedTo'}>"
        target = rng.choice(actors) if rng.random() < 0.3 else rng.choice(targets)
        killed = rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 21, 63])
        yield from out.lines(
            IMPORT,
            attack,
            [
                (a_type, f"<{AG}Attack>"),
                (a_label, _lit(f"Synthetic attack {i}")),
                (f"<{AG}date>", date),
                (f"<{AG}earliestDate>", _typed(earliest, "date")),
                (f"<{AG}latestDate>", _typed(latest, "date")),
                (f"<{AG}place>", rng.choice(places)),
                (role, actor),
                (f"<{AG}target>", target),
                (f"<{AG}attackType>", rng.choice(attack_types)),
                (f"<{AG}killed>", _typed(killed, "integer")),
                (f"<{AG}injured>", _typed(rng.randint(0, 100), "integer")),
            ],
        )
        source = rng.choice(sources)
        node, st = _statement(attack, role, actor, source, "A synthetic claim of an attack.", rng)
        yield from out.lines(IMPORT, node, st)
        if rng.random() < 0.5:
            obj = _typed(killed, "integer")
            node, st = _statement(attack, f"<{AG}killed>", obj, source, "A synthetic toll.", rng)
            yield from out.lines(IMPORT, node, st)
        i += 1


def main(argv: list[str] | None = None) -> int:
    """Write ``n_triples`` N-Quads lines to standard output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n_triples", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sys.stdout.writelines(generate(args.n_triples, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
