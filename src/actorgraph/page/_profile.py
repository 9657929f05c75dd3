"""Profiles: everything the graph knows of one actor, section by section, each line with its sources.

A profile is derived from the graph alone (curated claims, and imported events where loaded), so the
terminal profile, its JSON and Markdown forms and the page's side panel all say the same.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from actorgraph._derived import kept
from actorgraph.page._profile_result import KIND, Profile, ProfileLine, from_dict, kept_key
from actorgraph.vocab._dates import date_bounds
from actorgraph.vocab._namespaces import curie, expand
from actorgraph.vocab._ontology import ontology

if TYPE_CHECKING:
    from actorgraph.store._knowledge_graph import KnowledgeGraph

__all__ = ["Profile", "ProfileLine", "profile"]


# (section, direction, property): out = the actor is the subject, in = the object.
_SECTIONS: list[tuple[str, str, str]] = [
    ("Founded", "out", "ag:foundingDate"),
    ("Dissolved", "out", "ag:dissolutionDate"),
    ("Founders", "in", "ag:founderOf"),
    ("Leaders", "in", "ag:leaderOf"),
    ("Members", "in", "ag:memberOf"),
    ("Leads", "out", "ag:leaderOf"),
    ("Founded groups", "out", "ag:founderOf"),
    ("Member of", "out", "ag:memberOf"),
    ("Splinter of", "out", "ag:splinterOf"),
    ("Merged into", "out", "ag:mergedInto"),
    ("Splinters", "in", "ag:splinterOf"),
    ("Merged in", "in", "ag:mergedInto"),
    ("Allies", "both", "ag:alliedWith"),
    ("Rivals", "both", "ag:rivalOf"),
    ("Opposes", "out", "ag:opposes"),
    ("Opposed by", "in", "ag:opposes"),
    ("Modelled on", "out", "ag:modeledOn"),
    ("Recruits from", "out", "ag:recruitsFrom"),
    ("Ideology", "out", "ag:adheresTo"),
    ("Active in", "out", "ag:activeIn"),
    ("Born", "out", "ag:birthDate"),
    ("Died", "out", "ag:deathDate"),
]

# Only the properties a section shows (an actor of an imported store is the object of thousands of
# events' roles, which no section lists). The actor as subject ("out"), then as object ("in"): two
# queries, and neither in a group of its own: Oxigraph answered a group (such as each side of a
# UNION) before joining it with the properties, which for "in" meant every triple whose object is
# the actor (TTP on a 100,000-row GTD store: 2.8 s of CPU against 0.3 s).
_STATEMENT = """
    OPTIONAL { ?st rdf:subject SUBJECT ; rdf:predicate ?p ; rdf:object OBJECT ; prov:wasDerivedFrom ?source .
               OPTIONAL { ?st ag:startDate ?start } OPTIONAL { ?st ag:endDate ?end }
               OPTIONAL { ?st ag:earliestDate ?early } OPTIONAL { ?st ag:latestDate ?late }
               OPTIONAL { ?st ag:eventCount ?events } OPTIONAL { ?st ag:deathCount ?deaths } }"""
_RELATION = """
SELECT ?dir ?p ?other ?otherLabel ?st ?source ?start ?end ?early ?late ?events ?deaths WHERE {
  VALUES ?p { PROPERTIES }
  PATTERN
  OPTIONAL { ?other rdfs:label ?otherLabel }
}
""".replace("PROPERTIES", " ".join(sorted({prop for _, _, prop in _SECTIONS})))
_RELATIONS = [
    _RELATION.replace(
        "PATTERN",
        'BIND("out" AS ?dir) ?x ?p ?other .'
        + _STATEMENT.replace("SUBJECT", "?x").replace("OBJECT", "?other"),
    ),
    _RELATION.replace(
        "PATTERN",
        'BIND("in" AS ?dir) ?other ?p ?x .\n    FILTER(isIRI(?other))'
        + _STATEMENT.replace("SUBJECT", "?other")
        .replace("OBJECT", "?x")
        .replace("OPTIONAL { ?st", "OPTIONAL { VALUES ?other { OTHERS } ?st", 1)
        + "\n    OPTIONAL { FILTER NOT EXISTS { ?st2 rdf:subject ?other } "
        "?other prov:wasDerivedFrom ?source }",
    ),
]

# The other ends of the "in" lines, written into their statements' OPTIONAL: without them,
# Oxigraph evaluated that OPTIONAL alone, over every statement whose object is the actor (TTP on
# the 100,000-row store: 4,273, mostly the import's claims), and joined it by hash with the 61
# ties (0.35 s of CPU; 0.02 s so).
_OTHERS = """
SELECT DISTINCT ?other WHERE { VALUES ?p { PROPERTIES } ?other ?p ?x FILTER(isIRI(?other)) }
""".replace("PROPERTIES", " ".join(sorted({prop for _, _, prop in _SECTIONS})))

_DESIGNATIONS = """
SELECT ?d ?authority ?authorityLabel ?date ?list ?source WHERE {
  ?d ag:designatedGroup ?x .
  OPTIONAL { ?d ag:designatedBy ?authority OPTIONAL { ?authority rdfs:label ?authorityLabel } }
  OPTIONAL { ?d ag:date ?date }
  OPTIONAL { ?d ag:listName ?list }
  OPTIONAL { ?st rdf:subject ?d ; prov:wasDerivedFrom ?source }
}
"""

# The attacks by year, counted by Oxigraph: their number, the deaths where a toll is reported, the
# attacks with one, and the first and last attacks by (first day, id), as one text per year that
# sorts as that pair does (an IRI holds no space, and a space sorts before anything a date holds).
# Each attack once with its first day and largest toll, as the former reading of each row in
# Python kept them (one ag:earliestDate per attack: the shapes say so). Handing TTP's 37,000
# attacks (80,000 rows, one per role) to Python on a 100,000-row GTD store took 3.5 s of CPU; the
# counts take about 1 s. The actor's attacks are found first, each once (its roles in one group
# of their own): joined with the types first, Oxigraph read every attack of the store.
_ATTACKS_BY_YEAR = """
SELECT ?year (COUNT(*) AS ?attacks) (SUM(COALESCE(?killed, 0)) AS ?deaths)
       (COUNT(?killed) AS ?tolls) (MIN(?key) AS ?first) (MAX(?key) AS ?last)
WHERE {
  { SELECT ?attack (MIN(STR(?day)) AS ?earliest) (MAX(?toll) AS ?killed) WHERE {
      { SELECT DISTINCT ?attack WHERE {
          VALUES ?p { ag:claimedBy ag:attributedTo ag:participant }
          ?attack ?p ?x } }
      FACTS
    } GROUP BY ?attack }
  AS_OF
  BIND(CONCAT(?earliest, " ", STR(?attack)) AS ?key)
}
GROUP BY (SUBSTR(?earliest, 1, 4) AS ?year)
"""

# An attack's type, first day and toll: looked up for each attack of an actor, or for an actor
# with very many, each property read whole and joined by hash. On the 100,000-row GTD store (CPU):
# TTP's 80,000 roles 1.2 s joined against 1.7 s looked up; BLA's 39,000 about 1 s either way; an
# actor with 181 roles 0.01 s looked up, 0.4 s joined (reading every attack of the store).
_FACTS_LOOKED_UP = """?attack a ?cls .
      FILTER(?cls IN (ATTACK_CLASSES))
      ?attack ag:earliestDate ?day .
      OPTIONAL { ?attack ag:killed ?toll }"""
_FACTS_JOINED = """{ SELECT DISTINCT ?attack WHERE { VALUES ?cls { ATTACK_CLASSES } ?attack a ?cls } }
      { SELECT ?attack ?day WHERE { ?attack ag:earliestDate ?day } }
      OPTIONAL { SELECT ?attack ?toll WHERE { ?attack ag:killed ?toll } }"""

#: The actor's roles in events above which its attacks' facts are read whole and joined by hash
#: (chosen from a 100,000-row store's measurements, BENCHMARKS.md); tests set it to 0 to try that form.
MANY_ROLES = 50_000

_ROLES = """
SELECT (COUNT(*) AS ?roles) WHERE {
  VALUES ?p { ag:claimedBy ag:attributedTo ag:participant }
  ?attack ?p ?x
}
"""

# The first and last attacks' lines. The sources of an attack line are those that tie the attack
# to the actor (a claim, an attribution, a dataset row), not every source that mentions the
# attack. The classes of attacks are written in (:func:`_attack_classes`): a property path ``?attack a ?cls . ?cls rdfs:subClassOf* ag:Attack``
# was followed again for each of TTP's 80,000 attacks on a 100,000-row GTD store (5.8 s of CPU
# against 2.4 s); and reading every attack's label, date and sources cost 3 s more.
_ATTACKS = """
SELECT ?attack ?attackLabel ?earliest ?date ?killed ?source WHERE {
  VALUES ?attack { ATTACKS }
  VALUES ?p { ag:claimedBy ag:attributedTo ag:participant }
  ?attack ?p ?x ; ag:earliestDate ?earliest .
  OPTIONAL { ?attack rdfs:label ?attackLabel }
  OPTIONAL { ?attack ag:date ?date }
  VALUES ?cls { ATTACK_CLASSES }
  ?attack a ?cls .
  OPTIONAL { ?attack ag:killed ?killed }
  OPTIONAL { { ?st rdf:subject ?attack ; rdf:predicate ?p ; rdf:object ?x ; prov:wasDerivedFrom ?source }
             UNION { ?attack prov:wasDerivedFrom ?source } }
}
"""


def profile(kg: KnowledgeGraph, name: str, as_of: Any = None) -> Profile:
    """Build the profile of the entity a name means.

    Sections: founded, founders and leaders over time, splinters and parents, allies and rivals over
    time, designations, areas, ideology, attacks (first, last, count and deaths by year) — each line
    with the sources behind it. A relation derived from a dataset's events (a UCDP conflict dyad)
    notes its event count and deaths.

    ``as_of`` (a date: ``2012``, ``2012-06`` or ``2012-06-15``; a year or month means its last day,
    as for the network views) keeps the relation lines whose statements hold on that day, by their
    ``ag:earliestDate``/``ag:latestDate``; an open leader's term ends where another leader's term
    of the same group begins, as in the saved query ``leader-at-date``. Lines whose statements are
    all undated stay, with ``undated`` set. Designations made after the day and attacks after it
    are left out; dates such as the founding stay.

    Raises
    ------
    UnknownNameError
        For an unknown or ambiguous name.
    UsageError
        For an ``as_of`` that is not a date.

    Examples
    --------
    >>> import actorgraph
    >>> p = actorgraph.profile(actorgraph.load(), "ISKP")
    >>> p.id, p.label
    ('agd:iskp', 'Islamic State – Khorasan Province')
    """
    day = _as_of_day(as_of) if as_of is not None else None
    # On an on-disk store a profile is kept until the store changes (actorgraph._derived): derived,
    # it resolves the name among every label and counts the actor's attacks (TTP on 100,000
    # imported GTD rows: 2.1 s).
    return kept(
        kg,
        KIND,
        kept_key(name, day),
        derive=lambda: _derive(kg, name, day),
        encode=Profile.to_dict,
        decode=from_dict,
    )


def _derive(kg: KnowledgeGraph, name: str, day: str | None) -> Profile:
    """:func:`profile`, derived from the graph."""
    node = kg.resolve(name)
    iri = expand(node)
    params = {"x": iri}
    label_rows = list(
        kg.query(
            "SELECT ?label ?alias ?type WHERE { OPTIONAL { ?x rdfs:label ?label } "
            "OPTIONAL { ?x skos:altLabel ?alias } OPTIONAL { ?x a ?type } }",
            params=params,
        )
    )
    label = next((str(r.label) for r in label_rows if r.label is not None), node)
    aliases = sorted({str(r.alias) for r in label_rows if r.alias is not None})
    types = {URIRef(str(r.type)) for r in label_rows if r.type is not None}
    most = ontology().most_specific(types)

    grouped: dict[tuple[str, str], dict[str, ProfileLine]] = defaultdict(dict)
    # (dir, property, other) -> statement -> (earliest, latest): what as_of checks.
    spans: dict[tuple[str, str, str], dict[str, tuple[str | None, str | None]]] = defaultdict(dict)
    figures: dict[tuple[str, str, str], dict[str, tuple[int | None, int | None]]] = defaultdict(
        dict
    )
    for row in _relation_rows(kg, iri):
        prop = curie(str(row.p))
        other = row.other
        key = (str(row.dir), prop)
        is_entity = isinstance(other, URIRef)
        text = (
            str(row.otherLabel)
            if row.otherLabel is not None
            else (curie(str(other)) if is_entity else str(other))
        )
        line_key = str(other)
        line = grouped[key].setdefault(
            line_key, ProfileLine(text=text, entity=curie(str(other)) if is_entity else None)
        )
        if row.source is not None:
            source = curie(str(row.source))
            if source not in line.sources:
                line.sources.append(source)
        if row.start is not None and (line.start is None or str(row.start) < line.start):
            line.start = str(row.start)
        if row.end is not None and (line.end is None or str(row.end) > line.end):
            line.end = str(row.end)
        if row.st is not None:
            span_key = (str(row.dir), prop, line_key)
            spans[span_key][str(row.st)] = (
                str(row.early) if row.early is not None else None,
                str(row.late) if row.late is not None else None,
            )
            if row.events is not None or row.deaths is not None:
                figures[span_key][curie(str(row.source))] = (
                    int(row.events) if row.events is not None else None,
                    int(row.deaths) if row.deaths is not None else None,
                )
    for (d, prop, line_key), by_source in figures.items():
        line = grouped[(d, prop)][line_key]
        for source, (events, deaths) in sorted(by_source.items()):
            parts = [f"{events:,} events" if events is not None else ""]
            parts.append(f"{deaths:,} deaths" if deaths is not None else "")
            line.notes.append(f"{source}: {', '.join(p for p in parts if p)}")
    if day is not None:
        _keep_as_of(grouped, spans, day)

    sections: dict[str, list[ProfileLine]] = {}
    for title, direction, prop in _SECTIONS:
        directions = ["out", "in"] if direction == "both" else [direction]
        lines: dict[str, ProfileLine] = {}
        for d in directions:
            lines.update(grouped.get((d, prop), {}))
        if lines:
            sections[title] = sorted(lines.values(), key=lambda ln: (ln.start or "", ln.text))

    designations: dict[str, ProfileLine] = {}
    for row in kg.query(_about(_DESIGNATIONS, iri)):
        designation = str(row.d)
        authority = str(
            row.authorityLabel or (curie(str(row.authority)) if row.authority else "an authority")
        )
        listed = f", {row.list}" if row.list is not None else ""
        line = designations.setdefault(
            designation,
            ProfileLine(
                text=f"designated by {authority}{listed}",
                entity=curie(designation),
                date=str(row.date) if row.date is not None else None,
            ),
        )
        if row.source is not None and curie(str(row.source)) not in line.sources:
            line.sources.append(curie(str(row.source)))
    if day is not None:
        for dkey, dline in list(designations.items()):
            if dline.date is None:
                dline.undated = True
            elif date_bounds(dline.date)[0] > day:
                del designations[dkey]
    if designations:
        sections["Designations"] = sorted(designations.values(), key=lambda ln: ln.date or "")

    # The attacks by year (counted by Oxigraph), then what the first and last attacks' lines
    # show: their labels, dates and sources.
    classes = _attack_classes(kg)
    many = int(next(iter(kg.query(_about(_ROLES, iri)))).roles) > MANY_ROLES
    counts = (
        _about(_ATTACKS_BY_YEAR, iri)
        .replace("FACTS", _FACTS_JOINED if many else _FACTS_LOOKED_UP)
        .replace("ATTACK_CLASSES", (" " if many else ", ").join(classes))
        .replace("AS_OF", f'FILTER(?earliest <= "{day}")' if day is not None else "")
    )
    by_year: dict[str, dict[str, int]] = {}
    firsts, lasts = [], []
    for row in kg.query(counts):
        attacks, tolls = int(row.attacks), int(row.tolls)
        # An attack with no reported toll is counted apart, never as 0 dead.
        by_year[str(row.year)] = {
            "attacks": attacks,
            "killed": int(row.deaths),
            "no_toll": attacks - tolls,
        }
        firsts.append(str(row.first))
        lasts.append(str(row.last))
    if by_year:
        # The first and the last by day, and of the same day by id (the order rows come in
        # depends on the engine and its plan).
        first_id, last_id = (key.rsplit(" ", 1)[1] for key in (min(firsts), max(lasts)))
        ends: dict[str, dict[str, Any]] = {first_id: {}, last_id: {}}
        for row in kg.query(
            _about(_ATTACKS, iri)
            .replace("ATTACK_CLASSES", " ".join(classes))
            .replace("ATTACKS", " ".join(f"<{a}>" for a in sorted(ends)))
        ):
            attack = ends[str(row.attack)]
            if "sources" not in attack:
                # Shown at the source's precision ("2007", "2015-05"); the interval's first day
                # only where the attack has no ag:date (a start date alone).
                attack["date"] = str(row.date) if row.date is not None else str(row.earliest)
                attack["label"] = str(row.attackLabel or curie(str(row.attack)))
                attack["sources"] = set()
            if row.source is not None:
                attack["sources"].add(curie(str(row.source)))
        first, last = ends[first_id], ends[last_id]
        sections["Recorded attacks"] = [
            ProfileLine(
                text=f"first recorded: {first['label']}",
                entity=curie(first_id),
                date=first["date"],
                sources=sorted(first["sources"]),
            ),
            ProfileLine(
                text=f"last recorded: {last['label']}",
                entity=curie(last_id),
                date=last["date"],
                sources=sorted(last["sources"]),
            ),
            ProfileLine(
                text=f"{sum(row['attacks'] for row in by_year.values())} attacks recorded in "
                "the loaded data"
            ),
        ]
    return Profile(
        id=node,
        label=label,
        type=curie(str(most)) if most is not None else "",
        aliases=aliases,
        sections=sections,
        attacks_by_year=dict(sorted(by_year.items())),
        as_of=day,
    )


def _attack_classes(kg: KnowledgeGraph) -> list[str]:
    """``ag:Attack`` and its subclasses in the graph, as SPARQL terms (a class that is a blank
    node cannot type an attack: none is written)."""
    rows = kg.query(
        "SELECT DISTINCT ?cls WHERE { ?cls rdfs:subClassOf* ag:Attack FILTER(isIRI(?cls)) }"
    )
    return [f"<{row.cls}>" for row in rows]


def _relation_rows(kg: KnowledgeGraph, iri: str) -> Iterator[Any]:
    """The rows of the relation lines: the actor as subject, then as object."""
    yield from kg.query(_about(_RELATIONS[0], iri))
    others = " ".join(f"<{row.other}>" for row in kg.query(_about(_OTHERS, iri)))
    if others:
        # Braces and spaces, which no IRI holds, mark the place.
        yield from kg.query(_about(_RELATIONS[1], iri).replace("{ OTHERS }", f"{{ {others} }}"))


def _about(text: str, iri: str) -> str:
    """A profile query with the entity written in for ``?x``: bound by a VALUES clause after the
    pattern (as ``params`` binds it), Oxigraph matched the pattern for every entity first, then
    kept one (TTP's attacks on a 100k-row store: minutes instead of the one actor's triples)."""
    return re.sub(r"\?x\b", f"<{iri}>", text)


def _as_of_day(value: Any) -> str:
    """The day ``as_of`` stands for, ISO: the last day of a year or month, as the network views."""
    return date_bounds(value)[1]


def _keep_as_of(
    grouped: dict[tuple[str, str], dict[str, ProfileLine]],
    spans: dict[tuple[str, str, str], dict[str, tuple[str | None, str | None]]],
    day: str,
) -> None:
    """Drop the relation lines that do not hold on ``day``; mark the undated ones.

    A line's interval is the one it shows: from the earliest ``ag:earliestDate`` to the latest
    ``ag:latestDate`` of its statements (sources that give only a start or only an end complete
    each other). An open leader's term ends where another leader of the same group began later.
    """
    for (d, prop), lines in grouped.items():
        if prop == "ag:founderOf":
            continue  # founding is an act at the founding date, not a relation that holds
        bounds: dict[str, tuple[str | None, str | None]] = {}
        for line_key in lines:
            values = spans.get((d, prop, line_key), {}).values()
            los = [lo for lo, _ in values if lo is not None]
            his = [hi for _, hi in values if hi is not None]
            bounds[line_key] = (min(los) if los else None, max(his) if his else None)
        for line_key, line in list(lines.items()):
            if line.entity is None:
                continue  # a literal value (a founding date): a fact, not a relation that holds
            lo, hi = bounds[line_key]
            if lo is None and hi is None:
                line.undated = True
                continue
            holds = (lo is None or lo <= day) and (hi is None or day <= hi)
            if holds and hi is None and lo is not None and prop == "ag:leaderOf" and d == "in":
                # The successor's term had begun by then.
                holds = not any(
                    other != line_key and b[0] is not None and lo < b[0] <= day
                    for other, b in bounds.items()
                )
            if not holds:
                del lines[line_key]
