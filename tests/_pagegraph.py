"""A small graph in the NetworkX projection's shape, for the page's tests (``docs/design.md``).

The facts follow the seed article and ``../shared/sources/event-alarabiya-bajaur-isis-claim-toll-54.md``;
claim texts are in our own words. ``hostile=True`` adds nodes and a source whose text is hostile
(markup, ``</script>``, ``javascript:`` URLs, bidirectional overrides).
"""

from __future__ import annotations

import networkx as nx

SEED = "ags:ipd-terrorism-resurging-in-pakistan"
ALARABIYA = "ags:event-alarabiya-bajaur-isis-claim-toll-54"
BAJAUR = "agd:bajaur-rally-bombing-2023"
ALARABIYA_URL = (
    "https://english.alarabiya.net/News/world/2023/07/31/"
    "ISIS-claims-responsibility-for-Pakistan-suicide-bombing-at-political-rally"
)

XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "</script><script>window.__xss=2</script>"
BIDI = "evil\u202eexe.txt"
JS_URL = "javascript:window.__xss=3"


def fixture_graph(*, hostile: bool = False) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.graph["sources"] = {
        SEED: {
            "title": "Terrorism is resurging in Pakistan",
            "creator": "The Platform",
            "publisher": "Islamabad Policy Research Institute",
            "date": "2025",
        },
        ALARABIYA: {
            "title": "ISIS claims responsibility for Pakistan suicide bombing as toll rises to 54",
            "creator": "Reuters and AFP",
            "publisher": "Al Arabiya English",
            "date": "2023-07-31",
            "url": ALARABIYA_URL,
        },
    }
    actor = ["ag:ArmedGroup", "ag:Organization", "ag:Actor"]
    g.add_node(
        "agd:ttp",
        label="Tehrik-i-Taliban Pakistan",
        type="ag:ArmedGroup",
        types=actor,
        aliases=["TTP", "Tehreek-e-Taliban Pakistan", "Pakistani Taliban"],
    )
    g.add_node(
        "agd:iskp",
        label="ISIS–K",
        type="ag:ArmedGroup",
        types=actor,
        aliases=["ISKP", "ISIS-K", "Islamic State Khorasan Province"],
    )
    g.add_node(
        "agd:jui-f",
        label="Jamiat Ulema-e-Islam (F)",
        type="ag:PoliticalParty",
        types=["ag:PoliticalParty", "ag:Organization", "ag:Actor"],
        aliases=["JUI-F"],
    )
    g.add_node(
        "agd:pakistan",
        label="Pakistan",
        type="ag:State",
        types=["ag:State", "ag:Place", "ag:Organization", "ag:Actor"],
    )
    g.add_node(
        BAJAUR,
        label="Bajaur rally bombing",
        type="ag:Attack",
        types=["ag:Attack", "ag:Event"],
        date="2023-07-30",
        earliest="2023-07-30",
        latest="2023-07-30",
        killed=63,
    )
    g.add_node(
        "agd:test-event-2014",
        label="An attack in 2014",
        type="ag:Attack",
        types=["ag:Attack", "ag:Event"],
        date="2014",
        earliest="2014-01-01",
        latest="2014-12-31",
    )
    seed_claim = {
        "id": "agst:0000000000000001",
        "source": SEED,
        "claim": "The article says ISIS-K later claimed the 2023 Bajaur rally attack.",
        "rank": "ag:NormalRank",
        "char_start": 1997,
        "char_end": 2110,
        "span_sha256": "16350f52d20fbd1185ec40e70eb9ee8955400f9a631276d46a4f67cdeb1c5d4a",
    }
    wire_claim = {
        "id": "agst:0000000000000002",
        "source": ALARABIYA,
        "claim": "The report says the Islamic State claimed the bombing on Telegram on 31 July 2023.",
        "rank": "ag:PreferredRank",
        "source_fact": "event-alarabiya-bajaur-isis-claim-toll-54#1",
    }
    g.add_edge(
        BAJAUR,
        "agd:iskp",
        key="ag:claimedBy",
        label="claimed by",
        statements=[seed_claim, wire_claim],
        sources=[SEED, ALARABIYA],
    )
    g.add_edge(
        BAJAUR,
        "agd:jui-f",
        key="ag:target",
        label="target",
        statements=[
            {
                "id": "agst:0000000000000003",
                "source": SEED,
                "claim": "The article says the attack hit a JUI-F rally.",
                "rank": "ag:NormalRank",
            }
        ],
        sources=[SEED],
    )
    g.add_edge(BAJAUR, "agd:pakistan", key="ag:place", label="place", statements=[], sources=[])
    g.add_edge(
        "agd:test-event-2014", "agd:ttp", key="ag:attributedTo", label="attributed to", sources=[]
    )
    g.add_edge(
        "agd:ttp",
        "agd:pakistan",
        key="ag:opposes",
        label="opposes",
        start="2007",
        statements=[{"source": SEED, "claim": "The TTP fights the state.", "start": "2007"}],
        sources=[SEED],
    )
    g.add_edge("agd:iskp", "agd:pakistan", key="ag:activeIn", label="active in", sources=[])
    if hostile:
        _add_hostile(g)
    return g


def _add_hostile(g: nx.MultiDiGraph) -> None:
    g.graph["sources"]["ags:evil"] = {
        "title": XSS_IMG,
        "creator": XSS_SCRIPT,
        "publisher": BIDI,
        "url": JS_URL,
    }
    g.graph["sources"]["ags:evil-data"] = {
        "title": "data url",
        "url": "data:text/html,<script>window.__xss=4</script>",
    }
    g.add_node(
        "agd:evil-img",
        label=XSS_IMG,
        type="ag:ArmedGroup",
        aliases=[XSS_SCRIPT, BIDI, "\u2028line\u2029separators & <b>bold</b>"],
        note=XSS_SCRIPT,
        url=JS_URL,
    )
    g.add_node("agd:evil-bidi", label=BIDI, type="<i>ag:Evil</i>", aliases=[JS_URL])
    g.add_edge(
        "agd:evil-img",
        "agd:evil-bidi",
        key="ag:alliedWith",
        label=XSS_IMG,
        statements=[
            {"source": "ags:evil", "claim": XSS_SCRIPT + XSS_IMG, "note": BIDI},
            {"source": "ags:evil-data", "claim": JS_URL},
        ],
        sources=["ags:evil", "ags:evil-data"],
    )


def actors_view_graph() -> nx.MultiDiGraph:
    """The shape of the projection's actors view: events folded into actor-actor ties."""
    full = fixture_graph()
    g = nx.MultiDiGraph()
    g.graph["sources"] = full.graph["sources"]
    for node in ("agd:iskp", "agd:jui-f", "agd:ttp"):
        g.add_node(node, **full.nodes[node])
    claim = dict(full.edges[BAJAUR, "agd:iskp", "ag:claimedBy"]["statements"][1])
    claim.update(subject=BAJAUR, property="ag:claimedBy", object="agd:iskp")
    g.add_edge(
        "agd:iskp",
        "agd:jui-f",
        key="^ag:claimedBy/ag:target",
        label="claimed an attack on",
        events=[BAJAUR],
        statements=[claim],
        sources=[ALARABIYA, SEED],
        earliest="2023-07-30",
        latest="2023-07-30",
    )
    g.add_edge("agd:ttp", "agd:iskp", key="ag:rivalOf", label="rival of")
    return g


def located_graph() -> nx.MultiDiGraph:
    """Events and places with and without coordinates (for the map)."""
    g = nx.MultiDiGraph()
    g.add_node("agd:ttp", label="TTP", type="ag:ArmedGroup", types=["ag:ArmedGroup"])
    g.add_node("agd:peshawar", label="Peshawar", type="ag:Place", lat=34.0, long=71.5)
    g.add_node("agd:quetta", label="Quetta", type="ag:Place")  # no coordinates
    g.add_node("agd:a", label="A", type="ag:Attack", earliest="2014", lat=33.6, long=73.0)
    g.add_node("agd:b", label="B", type="ag:Attack", earliest="2015")  # at Peshawar
    g.add_node("agd:c", label="C", type="ag:Attack", earliest="2016")  # at Quetta: nowhere
    g.add_node("agd:d", label="D", type="ag:Attack", lat=95.0, long=70.0)  # not on Earth
    g.add_edge("agd:b", "agd:peshawar", key="ag:place")
    g.add_edge("agd:c", "agd:quetta", key="ag:place")
    for e in "abcd":
        g.add_edge(f"agd:{e}", "agd:ttp", key="ag:claimedBy")
    return g
