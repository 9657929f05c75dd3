"""The page in a real headless Chromium: offline, searchable, filterable, and inert to hostile text.

Runs Debian's ``/usr/bin/chromium`` through the Python ``playwright`` package (no browser
download). Every request is routed: ``file://`` loads pass, anything else is aborted and counted.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from actorgraph.page._render import _VIEWER_SCRIPTS, render_html
from actorgraph.vocab._names import normalize_name

try:
    from _pagegraph import (
        ALARABIYA_URL,
        BAJAUR,
        BIDI,
        XSS_IMG,
        actors_view_graph,
        fixture_graph,
        located_graph,
    )
except ImportError:  # tests/ imported as a package
    from tests._pagegraph import (
        ALARABIYA_URL,
        BAJAUR,
        BIDI,
        XSS_IMG,
        actors_view_graph,
        fixture_graph,
        located_graph,
    )

# The one set of Chromium flags, shared with tools/page_screenshot.py and benchmarks/page_bench.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from _chromium import CHROMIUM as DEFAULT_CHROMIUM
from _chromium import CHROMIUM_ARGS

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("ACTORGRAPH_CHROMIUM", DEFAULT_CHROMIUM)
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

TRICKY_NAMES = [
    "Tehreek-e-Taliban Pakistan",
    "Tehrik-i-Taliban Pakistan",
    "ISIS–K",
    "ISIS-K",
    "IS‐K",
    "Islamic State Khurasan Province",
    "Wilāyat Khurāsān",
    "Jamiat Ulema-e-Islam (F)",
    "Lashkar-e-Jhangvi",
    "Jamaat-ul-Ahrar",
    "Ḥizb ut-Taḥrīr",
    "Straße",
    "ΟΔΟΣ",
    "Mullah Fazlullah’s men",
    "O'Brien",
    "ﬁdāʾī",
    "Ｔｅｈｒｉｋ",
    "tab\tand\u00a0no-break\u2003em space",
    "  _/_  ",
    "تحریک طالبان پاکستان",
    "دَوْلَة",
    "हिन्दी",
    "٣١ July",
    "İstanbul",
    "",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Loaded:
    page: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def status(self) -> tuple[int, int]:
        el = self.page.locator("#status")
        return int(el.get_attribute("data-nodes")), int(el.get_attribute("data-edges"))

    def search_results(self, text: str) -> list[str]:
        self.page.fill("#search", text)
        return [
            b.get_attribute("data-node")
            for b in self.page.locator("#search-results button[data-node]").all()
        ]


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts = []

    def _open(html: str, viewport: tuple[int, int] = (1280, 800), fragment: str = "") -> Loaded:
        path = tmp_path / f"page{len(contexts)}.html"
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        loaded = Loaded(page)

        def route(r: Any) -> None:
            if r.request.url == path.as_uri():
                r.continue_()
            else:
                loaded.requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on(
            "console", lambda m: loaded.console_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: loaded.console_errors.append(str(e)))
        page.goto(path.as_uri() + fragment)
        page.wait_for_function("window.actorgraph && window.actorgraph.isComplete()")
        return loaded

    yield _open
    for context in contexts:
        context.close()


def _search_and_open(loaded: Loaded, text: str, curie: str) -> None:
    assert curie in loaded.search_results(text)
    loaded.page.click(f'#search-results button[data-node="{curie}"]')
    loaded.page.wait_for_selector(f'#panel-body[data-node="{curie}"]')


def test_loads_offline_without_errors(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    assert loaded.status() == (6, 6)
    loaded.page.wait_for_timeout(300)
    assert loaded.requests == []
    assert loaded.console_errors == []
    assert loaded.page.locator("#graph canvas").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    loaded.page.screenshot(path=str(ARTIFACTS / "page.png"))


def test_search_finds_isis_k_by_any_name(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    for query in ["ISKP", "Khorasan", "khurasan", "isis k", "ISIS–K", "Islamic State"]:
        assert loaded.search_results(query)[:1] == ["agd:iskp"], query
    assert loaded.search_results("Tehreek-e-Taliban")[:1] == ["agd:ttp"]
    assert loaded.search_results("no such group") == []


def test_javascript_keys_equal_python_keys(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    js = loaded.page.evaluate("names => names.map(actorgraph.normalizeName)", TRICKY_NAMES)
    assert js == [normalize_name(name) for name in TRICKY_NAMES]


def test_type_filter_hides_nodes(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    loaded.page.uncheck('#type-filters input[data-id="ag:Attack"]')
    assert loaded.status() == (4, 2)  # two attacks gone, and their four relations
    hidden = loaded.page.evaluate(
        "actorgraph.nodes.get({filter: n => n.hidden === true}).map(n => n.label).sort()"
    )
    assert hidden == ["An attack in 2014", "Bajaur rally bombing"]
    loaded.page.check('#type-filters input[data-id="ag:Attack"]')
    assert loaded.status() == (6, 6)


def test_relation_filter_hides_edges(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    loaded.page.uncheck('#relation-filters input[data-id="ag:claimedBy"]')
    assert loaded.status() == (6, 5)


def _set_period(loaded: Loaded, start: str | None, end: str | None) -> None:
    """Set the period as the timeline does (``tests/test_page_timeline.py`` drags over it)."""
    loaded.page.evaluate(
        "([a, b]) => actorgraph.setPeriod(a && actorgraph.monthOf(a), b && actorgraph.monthOf(b, true))",
        [start, end],
    )


def test_the_period_changes_the_visible_edges(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    timeline = loaded.page.evaluate("actorgraph.timeline()")
    # From the 2014 attack (dated to the year) to Bajaur's year.
    assert (timeline["first"], timeline["last"]) == ("2014-01", "2023-12")
    _set_period(loaded, "2015", None)
    # The 2014 attack and its relation go; the open-ended 2007 relation stays.
    assert loaded.status() == (5, 5)
    _set_period(loaded, "2015", "2016")
    assert loaded.status() == (4, 2)
    assert loaded.page.locator("#period-label").inner_text() == "2015-01 – 2016-12"
    _set_period(loaded, None, None)
    assert loaded.status() == (6, 6)


def test_side_panel_shows_the_bajaur_claim_and_its_sources(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    _search_and_open(loaded, "Bajaur", BAJAUR)
    panel = loaded.page.locator("#panel-body")
    text = panel.inner_text()
    assert "Bajaur rally bombing" in text
    assert "claimed by" in text
    assert "later claimed the 2023 Bajaur rally attack" in text
    assert "Terrorism is resurging in Pakistan" in text
    assert "Al Arabiya English" in text
    assert "characters 1997–2110" in text
    assert "fact 1 of the source's list" in text
    links = panel.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [ALARABIYA_URL]
    # One more click: the relation itself, with both statements.
    panel.locator("button[data-edge]", has_text="claimed by").click()
    loaded.page.wait_for_selector("#panel-body[data-edge]")
    edge_text = panel.inner_text()
    assert "claims (2)" in edge_text.lower()
    assert "rank Preferred" in edge_text
    assert "ISIS claims responsibility for Pakistan suicide bombing" in edge_text


def test_a_source_node_links_its_url(open_page: Any) -> None:
    g = fixture_graph()
    g.add_node("ags:x", type="ag:Source", title="A report", url=ALARABIYA_URL)
    loaded = open_page(render_html(g))
    _search_and_open(loaded, "A report", "ags:x")
    hrefs = loaded.page.eval_on_selector_all(
        "#panel-body a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs == [ALARABIYA_URL]


def test_clicking_the_canvas_opens_the_panel(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    x, y = loaded.page.evaluate(
        """() => { const p = actorgraph.network.getPositions(['0'].map(Number))[0];
                   const d = actorgraph.network.canvasToDOM(p);
                   const r = document.querySelector('#graph').getBoundingClientRect();
                   return [r.left + d.x, r.top + d.y]; }"""
    )
    loaded.page.mouse.click(x, y)
    loaded.page.wait_for_selector('#panel-body[data-node="agd:ttp"]')


def test_trace_and_shortest_path(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    _search_and_open(loaded, "TTP", "agd:ttp")
    loaded.page.select_option("#trace-hops", "1")
    loaded.page.click("#trace")
    assert loaded.page.locator("#path-status").get_attribute("data-traced") == "3"
    selected = loaded.page.evaluate("actorgraph.network.getSelectedNodes().length")
    assert selected == 3  # TTP, Pakistan, the 2014 attack
    loaded.page.click("#path-start")
    _search_and_open(loaded, "JUI-F", "agd:jui-f")
    loaded.page.click("#path-end")
    path = loaded.page.locator("#path-status").get_attribute("data-path")
    assert path == f"agd:ttp agd:pakistan {BAJAUR} agd:jui-f"
    assert loaded.page.evaluate("actorgraph.network.getSelectedEdges().length") == 3


def test_physics_toggle_on_small_graphs(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    assert loaded.page.locator("#physics-label").is_visible()
    loaded.page.check("#physics")
    loaded.page.wait_for_timeout(200)
    assert loaded.console_errors == []
    no_toggle = open_page(render_html(fixture_graph(), physics=False))
    assert not no_toggle.page.locator("#physics-label").is_visible()


def test_hostile_text_stays_inert(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph(hostile=True), title=XSS_IMG))
    page = loaded.page
    _search_and_open(loaded, "evil", "agd:evil-bidi")
    _search_and_open(loaded, "img src", "agd:evil-img")
    panel = page.locator("#panel-body")
    assert panel.locator("h2").inner_text() == XSS_IMG
    aliases = panel.locator("ul.aliases li").all_inner_texts()
    assert aliases[0] == "</script><script>window.__xss=2</script>"
    assert aliases[1] == "evil[U+202E]exe.txt"  # the override is shown, not obeyed
    assert "javascript:window.__xss=3" in panel.inner_text()  # its url attribute, as text
    assert page.eval_on_selector_all("a[href]", "els => els.length") == 0
    panel.locator("button[data-edge]").first.click()
    page.wait_for_selector("#panel-body[data-edge]")
    text = panel.inner_text()
    assert XSS_IMG in text
    assert "javascript:window.__xss=3" in text  # a claim text, shown as text
    # The javascript: and data: URLs of the hostile sources never became links.
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == []
    # Tooltips are text too.
    x, y = page.evaluate(
        """() => { const i = actorgraph.nodes.get({filter: n => n.label.startsWith('<img')})[0].id;
                   const d = actorgraph.network.canvasToDOM(actorgraph.network.getPositions([i])[i]);
                   const r = document.querySelector('#graph').getBoundingClientRect();
                   return [r.left + d.x, r.top + d.y]; }"""
    )
    page.mouse.move(x, y)
    page.wait_for_selector(".vis-tooltip", state="visible")
    assert page.locator(".vis-tooltip").inner_text().startswith(XSS_IMG)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0
    # graph, meta and map data, vis-network and the viewer's scripts: none came from data
    assert page.locator("script").count() == 4 + len(_VIEWER_SCRIPTS)
    assert page.title() == XSS_IMG
    assert page.locator("#page-title").inner_text() == XSS_IMG
    assert BIDI not in page.locator("body").inner_text()  # never raw
    assert loaded.requests == []
    assert loaded.console_errors == []


def test_large_graph_completes_after_its_first_frame(open_page: Any) -> None:
    import networkx as nx

    g = nx.MultiDiGraph()
    for i in range(2500):
        kind = "ag:Attack" if i % 4 else "ag:ArmedGroup"
        g.add_node(f"agd:n{i}", label=f"n{i}", type=kind, earliest="2020-01-01")
        if i:
            g.add_edge(f"agd:n{i}", f"agd:n{(i * 7) % i}", key="ag:target")
    loaded = open_page(render_html(g))
    assert loaded.status() == (2500, 2499)
    assert loaded.page.evaluate("actorgraph.nodes.length") == 2500
    assert loaded.page.evaluate("window.actorgraphFirstDraw <= window.actorgraphComplete")
    assert loaded.console_errors == []


def test_actors_view_answers_who_claimed_bajaur(open_page: Any) -> None:
    loaded = open_page(render_html(actors_view_graph()))
    page = loaded.page
    page.fill("#search", "Bajaur")
    page.locator(f'#search-results button[data-event="{BAJAUR}"]').click()
    page.wait_for_selector(f'#panel-body[data-event="{BAJAUR}"]')
    claimed = page.locator('#panel-body section[data-property="ag:claimedBy"]')
    assert claimed.locator("h3").inner_text().startswith("claimed by ISIS–K")
    assert "Islamic State claimed the bombing on Telegram" in claimed.inner_text()
    assert "Al Arabiya English" in claimed.inner_text()
    # The relation it was folded into is selected on the drawing, and one click away.
    assert page.evaluate("actorgraph.network.getSelectedEdges().length") == 1
    page.locator("#panel-body button[data-edge]").click()
    page.wait_for_selector("#panel-body[data-edge]")
    text = page.locator("#panel-body").inner_text()
    assert "claimed an attack on" in text
    # The event is not a node here: named by its slug's words, a button back to it.
    assert page.locator("#panel-body ul.events li").all_inner_texts() == [
        "bajaur rally bombing 2023"
    ]
    assert "About: bajaur rally bombing 2023 — claimed by → ISIS–K" in text
    assert loaded.console_errors == []


@pytest.mark.parametrize("view", ["actors", "full"])
def test_bundled_data_page_works(open_page: Any, view: str) -> None:
    import actorgraph

    graph = actorgraph.load().to_networkx(view=view)
    loaded = open_page(render_html(graph))
    # Sources have no relations and start hidden; their filter box brings them back.
    sources = sum(1 for _, t in graph.nodes(data="type") if t == "ag:Source")
    assert loaded.status() == (graph.number_of_nodes() - sources, graph.number_of_edges())
    if sources:
        box = loaded.page.locator('#type-filters input[data-id="ag:Source"]')
        assert not box.is_checked()
        box.check()
        assert loaded.status() == (graph.number_of_nodes(), graph.number_of_edges())
    assert "agd:iskp" in loaded.search_results("ISKP")
    # Whole words before word starts: ISIS-K among the names holding "Khorasan" as a word (with
    # Lashkar-e-Khorasan), and both before the people called Khurasani.
    found = loaded.search_results("Khorasan")
    whole = [n for n in found if re.search(r"\bkhorasan\b", graph.nodes[n]["label"].lower())]
    assert "agd:iskp" in whole
    assert found[: len(whole)] == whole
    assert "agd:ttp" in loaded.search_results("Tehreek-e-Taliban")
    _search_and_open(loaded, "ISKP", "agd:iskp")
    loaded.page.locator("#panel-body button[data-edge]").first.click()
    loaded.page.wait_for_selector("#panel-body[data-edge]")
    loaded.page.wait_for_timeout(200)
    assert loaded.requests == []
    assert loaded.console_errors == []


@pytest.fixture(scope="module")
def default_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The page ``actorgraph viz`` writes with no options: the actors view of the bundled data."""
    from actorgraph.cli import main

    path = tmp_path_factory.mktemp("viz") / "actorgraph.html"
    assert main(["viz", "-o", str(path)]) == 0
    return path.read_text(encoding="utf-8")


def test_default_page_answers_who_claimed_bajaur_in_three_clicks(
    open_page: Any, default_page: str
) -> None:
    loaded = open_page(default_page)
    page = loaded.page
    page.fill("#search", "Bajaur")  # typing, not a click
    page.locator("#search-results button[data-event]").first.click()  # click 1
    page.wait_for_selector("#panel-body[data-event]")
    claimed = page.locator('#panel-body section[data-property="ag:claimedBy"]')
    assert claimed.count() == 1
    assert claimed.locator("h3").inner_text().startswith("claimed by Islamic State")
    assert claimed.locator("h3 button").get_attribute("data-node") == "agd:iskp"
    sources = set(claimed.locator(".claim .source").all_inner_texts())
    assert len(sources) >= 2
    # Who claimed it comes before who is held responsible, and before the relations.
    sections = page.locator("#panel-body section.responsibility")
    assert sections.first.get_attribute("data-property") == "ag:claimedBy"
    text = page.locator("#panel-body").inner_text().lower()
    assert text.index("claimed by") < text.index("relations it was folded into")
    # The ties that carry the attack are selected on the drawing.
    selected = page.evaluate("actorgraph.network.getSelectedEdges().length")
    assert selected >= 2
    # Click 2: the "claimed an attack on" tie, whose panel leads with the claims of the claim.
    page.locator("#panel-body button[data-edge]", has_text="claimed an attack on").first.click()
    page.wait_for_selector("#panel-body[data-edge]")
    first_claim = page.locator("#panel-body .claim").first.inner_text()
    assert "claimed by → Islamic State" in first_claim
    assert loaded.requests == []
    assert loaded.console_errors == []


@pytest.mark.parametrize(
    ("query", "event"),
    [("APS", "agd:aps-attack-2014"), ("Peshawar school", "agd:aps-attack-2014")],
)
def test_default_page_finds_folded_events_by_name(
    open_page: Any, default_page: str, query: str, event: str
) -> None:
    loaded = open_page(default_page)
    assert event in loaded.page.evaluate("q => actorgraph.searchEvents(q)", query)
    loaded.page.fill("#search", query)
    assert loaded.page.locator(f'#search-results button[data-event="{event}"]').count() == 1


def test_parallel_ties_can_each_be_clicked(open_page: Any, default_page: str) -> None:
    loaded = open_page(default_page)
    page = loaded.page
    # ISIS-K and JUI-F have three ties; click the middle of each one's drawn line or curve.
    picked = page.evaluate(
        """() => {
          const net = actorgraph.network;
          const ids = actorgraph.edges.get().filter(e => {
            const a = actorgraph.nodes.get(e.from).label, b = actorgraph.nodes.get(e.to).label;
            return a.startsWith('Islamic State') && a.includes('Khorasan') && b.endsWith('(F)');
          }).map(e => e.id);
          const ends = actorgraph.edges.get(ids[0]);
          net.fit({nodes: [ends.from, ends.to], animation: false});  // as an analyst zooms in
          net.moveTo({scale: net.getScale() * 0.6, animation: false});
          const r = document.querySelector('#graph').getBoundingClientRect();
          // A point of each tie that no node covers and no other tie crosses: near the middle,
          // wherever the growing data's layout leaves one.
          const ts = [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75];
          return ids.map(id => {
            const edge = net.body.edges[id];
            // Mouse events land on whole pixels: test the very pixel to be clicked.
            const d = ts.map(t => net.canvasToDOM(edge.edgeType.getPoint(t)))
              .map(d => ({x: Math.round(r.left + d.x) - r.left, y: Math.round(r.top + d.y) - r.top}))
              .find(d => net.getNodeAt(d) === undefined && net.getEdgeAt(d) === id);
            return d ? [id, r.left + d.x, r.top + d.y] : [id, null, null];
          });
        }"""
    )
    assert len(picked) == 3
    assert all(x is not None for _, x, _ in picked), picked
    page.wait_for_timeout(100)
    opened = set()
    for edge_id, x, y in picked:
        # The open panel covers the drawing's right side: close it, as an analyst would.
        if page.locator("#panel").is_visible():
            page.click("#panel-close")
        page.mouse.click(x, y)
        page.wait_for_selector("#panel-body[data-edge]")
        opened.add(int(page.locator("#panel-body").get_attribute("data-edge")))
        assert opened and edge_id in opened
    assert opened == {p[0] for p in picked}


def test_panel_text_reads_as_prose(open_page: Any) -> None:
    g = fixture_graph()
    g.graph["sources"]["ags:pti"] = {
        "title": "A wire report",
        "creator": "Devdiscourse (PTI report)",
        "publisher": "Devdiscourse (PTI report)",
        "date": "2023-07-31",
    }
    g.graph["properties"] = {
        "ag:foundingDate": {"label": "founding date", "attribute": "foundingDate"}
    }
    g.nodes["agd:iskp"].update(
        foundingDate="2015",
        note=["The first sentence.", "The second sentence."],
        statements=[
            {"claim": "A claim from the wire.", "source": "ags:pti", "source_fact": "pti#3"},
            {"claim": "Its id is quiet.", "id": "agst:0123456789abcdef"},
        ],
    )
    loaded = open_page(render_html(g))
    _search_and_open(loaded, "ISKP", "agd:iskp")
    panel = loaded.page.locator("#panel-body")
    text = panel.inner_text()
    assert "Devdiscourse (PTI report), 2023-07-31" in text
    assert "Devdiscourse (PTI report), Devdiscourse" not in text
    assert "founding date" in panel.locator("dt").all_inner_texts()
    assert "foundingDate" not in text
    note = panel.locator("dd", has_text="The first sentence.")
    assert note.locator("div").all_inner_texts() == ["The first sentence.", "The second sentence."]
    assert "Pinpoint: fact 3 of the source's list" in text
    assert "pti#3" not in text
    stid = panel.locator(".claim .stid", has_text="agst:0123456789abcdef")
    small = stid.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    normal = panel.locator(".claim .text").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert small < normal
    # Relations and claims come before the attribute list.
    lowered = text.lower()
    assert (
        lowered.index("relations (")
        < lowered.index("claims about it")
        < lowered.index("attributes")
    )


def test_search_ranks_whole_words_before_longer_words(open_page: Any) -> None:
    g = fixture_graph()
    for i, name in enumerate(["Omar Khalid Khurasani", "Omar Mukaram Khurasani", "Khurasani"]):
        g.add_node(f"agd:k{i}", label=name, type="ag:Person")
    loaded = open_page(render_html(g))
    found = loaded.search_results("khorasan")
    assert found[0] == "agd:iskp"
    assert set(found[1:]) == {"agd:k0", "agd:k1", "agd:k2"}
    # Among partial matches, a name starting with the query comes first.
    assert found[1] == "agd:k2"


def test_hostile_event_names_stay_inert(open_page: Any) -> None:
    g = actors_view_graph()
    g.graph["events"] = {BAJAUR: {"label": XSS_IMG, "aliases": [BIDI], "type": "ag:Attack"}}
    loaded = open_page(render_html(g))
    page = loaded.page
    page.fill("#search", "img src")
    page.locator(f'#search-results button[data-event="{BAJAUR}"]').click()
    page.wait_for_selector(f'#panel-body[data-event="{BAJAUR}"]')
    assert page.locator("#panel-body h2").inner_text() == XSS_IMG
    assert page.locator("#panel-body ul.aliases li").all_inner_texts() == ["evil[U+202E]exe.txt"]
    page.wait_for_timeout(100)
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0
    assert loaded.console_errors == []


# --------------------------------------------------------------------------- labels

# The UCDP GED Pakistan file (HDX download), beside the checkout as the project's helpers keep it.
UCDP_PAKISTAN = Path(
    os.environ.get(
        "ACTORGRAPH_UCDP_PAKISTAN",
        Path(__file__).resolve().parents[2]
        / "shared/data/ucdp/ucdp_ged_hdx_pakistan_2012_2021.csv",
    )
)


def _overlaps(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of label boxes that share any area."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["width"]
                and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"]
                and b["y"] < a["y"] + a["height"]
            ):
                found.append((a["id"], b["id"]))
    return found


def _labels_at_three_zooms(
    loaded: Loaded, name: str
) -> tuple[list[list[dict[str, Any]]], list[int]]:
    """The drawn label boxes at the opening zoom, then twice and four times closer, and how many
    nodes are in view at each."""
    page = loaded.page
    page.wait_for_timeout(100)
    start = page.evaluate("actorgraph.network.getScale()")
    out: list[list[dict[str, Any]]] = []
    in_view: list[int] = []
    for factor in (1, 2, 4):
        page.evaluate("s => actorgraph.zoomTo(s)", start * factor)
        out.append(page.evaluate("actorgraph.labels()"))
        in_view.append(page.evaluate(NODES_IN_VIEW_JS))
        page.screenshot(path=str(ARTIFACTS / f"labels-{name}-{factor}x.png"))
    return out, in_view


# How many shown nodes have their centre inside the drawing at the current zoom.
NODES_IN_VIEW_JS = """() => {
  const net = actorgraph.network, r = document.querySelector('#graph').getBoundingClientRect();
  const ids = actorgraph.nodes.getIds().filter(id => !actorgraph.nodes.get(id).hidden);
  const pos = net.getPositions(ids);
  return ids.filter(id => {
    const d = net.canvasToDOM(pos[id]);
    return d.x >= 0 && d.y >= 0 && d.x <= r.width && d.y <= r.height;
  }).length;
}"""


def _assert_labels_never_collide(loaded: Loaded, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    levels, in_view = _labels_at_three_zooms(loaded, name)
    graph_box = loaded.page.locator("#graph").bounding_box()
    for boxes in levels:
        assert boxes, "no label drawn"
        assert _overlaps(boxes) == []
        for b in boxes:
            assert b["width"] > 0 and b["height"] > 0 and b["text"]
            # Boxes are in the viewport's CSS pixels, each wholly on the drawing.
            assert graph_box["x"] <= b["x"] <= graph_box["x"] + graph_box["width"] - b["width"]
            assert graph_box["y"] <= b["y"] <= graph_box["y"] + graph_box["height"] - b["height"]
    # Zooming in spreads the nodes apart: a larger share of the nodes in view get their label.
    shares = [len(boxes) / max(n, 1) for boxes, n in zip(levels, in_view, strict=True)]
    assert shares[0] < shares[1] < shares[2], (shares, in_view)
    assert loaded.requests == []
    assert loaded.console_errors == []


def test_default_page_labels_never_collide(open_page: Any, default_page: str) -> None:
    _assert_labels_never_collide(open_page(default_page), "default")


@pytest.fixture(scope="module")
def ucdp_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``actorgraph viz --store DIR`` after importing the UCDP GED Pakistan file, as a new user would."""
    import subprocess

    if not UCDP_PAKISTAN.exists():
        pytest.skip(f"needs the UCDP GED Pakistan file at {UCDP_PAKISTAN}")
    store = tmp_path_factory.mktemp("ucdp") / "store"
    path = store.parent / "ucdp.html"
    cli = [sys.executable, "-c", "import sys; from actorgraph.cli import main; sys.exit(main())"]
    for argv in (
        ["import", "ucdp", str(UCDP_PAKISTAN), "--store", str(store), "--quiet"],
        ["viz", "--store", str(store), "-o", str(path)],
    ):
        subprocess.run([*cli, *argv], check=True, capture_output=True, timeout=1200)
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_ucdp_actors_view_labels_never_collide(open_page: Any, ucdp_page: str) -> None:
    _assert_labels_never_collide(open_page(ucdp_page), "ucdp")


def test_search_hits_and_the_selection_are_labelled(open_page: Any, default_page: str) -> None:
    loaded = open_page(default_page)
    page = loaded.page
    # The least connected actor is labelled as soon as it is a search hit or selected.
    quiet = page.evaluate(
        """() => { const net = actorgraph.network;
                   const deg = id => net.getConnectedEdges(id).length;
                   const ids = actorgraph.nodes.getIds().filter(id => !actorgraph.nodes.get(id).hidden);
                   ids.sort((a, b) => deg(a) - deg(b));
                   return actorgraph.nodes.get(ids[0]).label; }"""
    )
    labelled = lambda: [b["text"] for b in page.evaluate("actorgraph.labels()")]  # noqa: E731
    loaded.search_results(quiet)
    assert quiet[:39] in " ".join(labelled())
    assert _overlaps(page.evaluate("actorgraph.labels()")) == []


# --------------------------------------------------------------------------- focus and the URL


def _dimmed(loaded: Loaded) -> int:
    return int(loaded.page.evaluate("actorgraph.nodes.get({filter: n => n.opacity < 1}).length"))


def test_focus_dims_all_but_the_neighbourhood_and_comes_back(
    open_page: Any, default_page: str
) -> None:
    loaded = open_page(default_page)
    page = loaded.page
    shown, _ = loaded.status()
    _search_and_open(loaded, "Tehreek-e-Taliban", "agd:ttp")
    page.click("#focus-1")
    status = page.locator("#focus-status")
    assert status.is_visible()
    assert status.get_attribute("data-focus") == "agd:ttp"
    # The neighbourhood is the TTP and what vis-network says it is connected to.
    expected = page.evaluate(
        """() => { const i = actorgraph.nodes.getIds().find(i => actorgraph.curie(i) === 'agd:ttp');
                   return [i, ...actorgraph.network.getConnectedNodes(i)].map(actorgraph.curie); }"""
    )
    hood = page.evaluate("actorgraph.focused()")
    assert set(hood) == set(expected)
    assert int(status.get_attribute("data-count")) == len(hood)
    assert _dimmed(loaded) == shown - len(hood)
    # Only the neighbourhood is labelled, the TTP first, and no two labels overlap.
    labels = page.evaluate("actorgraph.labels()")
    assert labels[0]["id"] == "agd:ttp"
    assert {b["id"] for b in labels} <= set(hood)
    assert _overlaps(labels) == []
    page.click("#focus-2")
    assert len(page.evaluate("actorgraph.focused()")) > len(hood)
    assert status.get_attribute("data-hops") == "2"
    # The way back: everything shown again.
    page.click("#unfocus")
    assert not status.is_visible()
    assert page.evaluate("actorgraph.focused()") is None
    assert _dimmed(loaded) == 0
    # Escape: first closes the panel that has the keyboard, then leaves the focus.
    page.click("#focus-1")
    page.keyboard.press("Escape")
    assert not page.locator("#panel").is_visible()
    assert _dimmed(loaded) > 0
    page.locator(".vis-network").focus()
    page.keyboard.press("Escape")
    assert _dimmed(loaded) == 0
    assert loaded.console_errors == []


def test_viz_focus_opens_the_page_on_the_neighbourhood(open_page: Any, tmp_path: Path) -> None:
    from actorgraph.cli import main

    path = tmp_path / "ttp.html"
    assert main(["viz", "-o", str(path), "--focus", "TTP", "--hops", "2"]) == 0
    loaded = open_page(path.read_text(encoding="utf-8"))
    status = loaded.page.locator("#focus-status")
    assert status.get_attribute("data-focus") == "agd:ttp"
    assert status.get_attribute("data-hops") == "2"
    # The whole graph is in the page, the rest dimmed and one click away.
    hood = len(loaded.page.evaluate("actorgraph.focused()"))
    shown, _ = loaded.status()
    assert 1 < hood < shown
    assert _dimmed(loaded) == shown - hood
    loaded.page.click("#unfocus")
    assert _dimmed(loaded) == 0
    assert loaded.console_errors == []


VIEW_STATE_JS = """() => ({
  focus: document.querySelector('#focus-status').dataset.focus || null,
  hops: document.querySelector('#focus-status').dataset.hops || null,
  focused: actorgraph.focused(),
  types: [...document.querySelectorAll('#type-filters input')].map(b => [b.dataset.id, b.checked]),
  relations: [...document.querySelectorAll('#relation-filters input')].map(b => [b.dataset.id, b.checked]),
  period: [actorgraph.timeline().from, actorgraph.timeline().to],
  search: document.querySelector('#search').value,
  panel: document.querySelector('#panel').hidden ? null : document.querySelector('#panel-body').dataset.node,
  selected: actorgraph.network.getSelectedNodes().map(actorgraph.curie),
  status: document.querySelector('#status').textContent,
})"""


def test_the_view_round_trips_through_the_url(open_page: Any, default_page: str) -> None:
    loaded = open_page(default_page)
    page = loaded.page
    assert page.evaluate("location.hash") == ""
    page.uncheck('#type-filters input[data-id="ag:Person"]')
    relation = page.locator("#relation-filters input").first.get_attribute("data-id")
    page.uncheck(f'#relation-filters input[data-id="{relation}"]')
    low = int(page.evaluate("actorgraph.timeline().first")[:4])
    _set_period(loaded, f"{low + 2}-03", f"{low + 4}-10")
    _search_and_open(loaded, "Tehreek-e-Taliban", "agd:ttp")
    page.click("#focus-2")
    state = page.evaluate(VIEW_STATE_JS)
    assert state["focus"] == "agd:ttp" and state["panel"] == "agd:ttp"
    fragment = page.evaluate("location.hash")
    assert "focus=agd%3Attp" in fragment
    again = open_page(default_page, fragment=fragment)
    assert again.page.evaluate(VIEW_STATE_JS) == state
    assert again.page.evaluate("location.hash") == fragment
    # Back to everything: the fragment empties; a hostile fragment is only looked up.
    again.page.click("#unfocus")
    assert "focus=" not in again.page.evaluate("location.hash")
    hostile = open_page(
        default_page,
        fragment="#focus=%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E&q=%3Cscript%3E&node=__proto__",
    )
    assert hostile.page.evaluate("window.__xss") is None
    assert hostile.page.locator("img").count() == 0
    assert hostile.page.evaluate("actorgraph.focused()") is None
    for opened in (loaded, again, hostile):
        assert opened.requests == []
        assert opened.console_errors == []


# --------------------------------------------------------------------------- keyboard and tables


def _tab_to(loaded: Loaded, selector: str, limit: int = 60, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab if ``back``) until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if loaded.page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        loaded.page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_the_page_works_from_the_keyboard(open_page: Any, default_page: str) -> None:
    loaded = open_page(default_page)
    page = loaded.page
    keys = page.keyboard
    _tab_to(loaded, "#search")
    keys.type("Tehreek-e-Taliban")
    keys.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('#search-results') !== null")
    for _ in range(30):  # down the results to the TTP
        if page.evaluate("document.activeElement.dataset.node") == "agd:ttp":
            break
        keys.press("ArrowDown")
    keys.press("Enter")
    page.wait_for_selector('#panel-body[data-node="agd:ttp"]')
    # The panel took the keyboard; its actions come next.
    assert page.evaluate("document.activeElement.closest('#panel') !== null")
    _tab_to(loaded, "#focus-1")
    keys.press("Enter")
    assert page.locator("#focus-status").get_attribute("data-focus") == "agd:ttp"
    _tab_to(loaded, "#unfocus", back=True)  # back from the panel, past the drawing
    keys.press("Enter")
    assert page.evaluate("actorgraph.focused()") is None
    # Filters are checkboxes and sliders: Space and the arrow keys.
    assert page.evaluate("document.activeElement.id") == "clear-highlight"
    _tab_to(loaded, '#type-filters input[data-id="ag:Person"]', back=True)
    before = loaded.status()
    keys.press("Space")
    assert loaded.status()[0] < before[0]
    keys.press("Space")
    assert loaded.status() == before
    # The drawing pans and zooms from the keyboard once it has the focus.
    _tab_to(loaded, ".vis-network")
    scale = page.evaluate("actorgraph.network.getScale()")
    keys.down("=")  # vis-network zooms on each frame while the key is held
    page.wait_for_timeout(300)
    keys.up("=")
    assert page.evaluate("actorgraph.network.getScale()") > scale
    # The timeline comes next: its period's start is a slider (tests/test_page_timeline.py).
    _tab_to(loaded, ".tl-handle.start")
    keys.press("ArrowRight")
    first = page.evaluate("actorgraph.timeline().first")
    assert page.evaluate("actorgraph.timeline().from") == page.evaluate(
        "m => actorgraph.monthText(actorgraph.monthOf(m) + 1)", first
    )
    assert loaded.console_errors == []


def test_the_selected_entity_ties_are_a_table(open_page: Any, default_page: str) -> None:
    loaded = open_page(default_page)
    page = loaded.page
    _search_and_open(loaded, "ISKP", "agd:iskp")
    relations = page.locator("#panel-body h3", has_text="Relations (").inner_text()
    count = int(relations.split("(")[1].rstrip(")"))
    table = page.get_by_role("table", name="Ties of Islamic State")
    assert table.count() == 1
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["With", "Relation", "Period", "Claims", "Sources"]
    rows = table.locator("tbody tr")
    assert rows.count() == count
    # Each row is headed by the other end, a button to it; the relation reads as a sentence.
    first = rows.first
    assert first.locator("th[scope=row] button[data-node]").count() == 1
    label = first.locator("td button").get_attribute("aria-label")
    assert "Islamic State" in label
    claims = [int(t) for t in table.locator("tbody td:nth-child(4)").all_inner_texts()]
    assert sum(claims) > 0
    other = first.locator("th button").get_attribute("data-node")
    first.locator("th button").click()
    page.wait_for_selector(f'#panel-body[data-node="{other}"]')
    assert loaded.console_errors == []


# --------------------------------------------------------------------------- the map

# Marks whose centre the pointer reaches (no smaller mark drawn over them), one item each.
CLICKABLE_MARKS_JS = """() => actorgraph.mapMarks().filter(m => {
  const e = document.elementFromPoint(m.x, m.y);
  return m.alone && e && e.dataset && e.dataset.site === String(m.site);
})"""


def _ucdp_rows() -> dict[str, tuple[int, float, float]]:
    """Event CURIE -> (year, latitude, longitude) of the UCDP GED rows that have coordinates."""
    import csv

    out = {}
    with UCDP_PAKISTAN.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["id"].isdigit() and row["latitude"] and row["longitude"]:
                out[f"agd:ucdp-ged-{row['id']}"] = (
                    int(row["year"]),
                    float(row["latitude"]),
                    float(row["longitude"]),
                )
    return out


def _page_events(html: str) -> set[str]:
    """The events the page carries (in the actors view: folded into ties)."""
    import json
    import re

    meta = json.loads(re.search(r'id="meta-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    return {ev["id"] for ev in meta["events"]}


@pytest.mark.slow
def test_the_map_shows_the_ucdp_events_of_the_period(open_page: Any, ucdp_page: str) -> None:
    rows = _ucdp_rows()
    on_page = _page_events(ucdp_page) & set(rows)
    assert len(on_page) > 1000
    loaded = open_page(ucdp_page)
    assert loaded.page.locator("#map-pane").is_visible()
    every_mark = loaded.page.evaluate("actorgraph.mapMarks()")
    # Curated events at a located place have marks too; the rest are UCDP's rows.
    curated = [m for m in every_mark if m["id"] not in rows]
    assert all(not m["id"].startswith("agd:ucdp-ged-") for m in curated), curated
    marks = [m for m in every_mark if m["id"] in rows]
    # One mark item for each event with coordinates, where UCDP puts it.
    assert sorted(m["id"] for m in marks) == sorted(on_page)
    for m in marks:
        _, lat, long = rows[m["id"]]
        assert (m["lat"], m["long"]) == pytest.approx((lat, long), abs=1e-4)
    box = loaded.page.locator("#map-view svg").bounding_box()
    # Pakistan is on the map as it opens.
    assert all(box["x"] <= m["x"] <= box["x"] + box["width"] for m in marks)
    assert all(box["y"] <= m["y"] <= box["y"] + box["height"] for m in marks)
    # A narrower period (from the URL, as a shared link gives it) leaves only its events.
    narrow = open_page(ucdp_page, fragment="#from=2015&to=2016")
    narrow_marks = narrow.page.evaluate("actorgraph.mapMarks()")
    assert sorted(m["id"] for m in narrow_marks if m["id"] in rows) == sorted(
        e for e in on_page if 2015 <= rows[e][0] <= 2016
    )
    assert narrow.page.locator("#map-count").get_attribute("data-items") == str(len(narrow_marks))
    # Families collapsed into one node each: their events still happened, and stay on the map.
    for family in loaded.page.evaluate("actorgraph.families()"):
        loaded.page.evaluate("id => actorgraph.collapseFamily(id)", family["id"])
    assert len(loaded.page.evaluate("actorgraph.mapMarks()")) == len(every_mark)
    for pane in (loaded, narrow):
        assert pane.requests == []
        assert pane.console_errors == []


@pytest.mark.slow
def test_a_mark_opens_its_event_and_the_network_lights_it(open_page: Any, ucdp_page: str) -> None:
    loaded = open_page(ucdp_page)
    page = loaded.page
    mark = page.evaluate(CLICKABLE_MARKS_JS)[0]
    page.mouse.click(mark["x"], mark["y"])
    page.wait_for_selector(f'#panel-body[data-event="{mark["id"]}"]')
    # The ties the event was folded into are selected in the network, and its mark is lit.
    selected_edges = page.evaluate("actorgraph.network.getSelectedEdges()")
    assert selected_edges
    carried = page.evaluate(
        "ids => ids.map(e => actorgraph.meta.edgeDetails[e].events)", selected_edges
    )
    assert all(mark["id"] in events for events in carried)
    lit = [m["id"] for m in page.evaluate("actorgraph.mapMarks()") if m["selected"]]
    assert lit == [mark["id"]]
    # The other way round: a tie chosen in the panel lights up the events folded into it.
    page.locator("#panel-body button[data-edge]").first.click()
    edge = int(page.locator("#panel-body").get_attribute("data-edge"))
    events = set(page.evaluate("e => actorgraph.meta.edgeDetails[e].events", edge))
    lit = {m["id"] for m in page.evaluate("actorgraph.mapMarks()") if m["selected"]}
    assert mark["id"] in lit and lit <= events
    assert loaded.requests == []
    assert loaded.console_errors == []


def test_the_map_and_the_network_select_each_other(open_page: Any) -> None:
    loaded = open_page(render_html(located_graph(), title="Located"))
    page = loaded.page
    marks = {m["id"]: m for m in page.evaluate("actorgraph.mapMarks()")}
    # Peshawar and the attack there share a site; the attack with its own coordinates stands
    # alone; the attack at Quetta (no coordinates) and the one off the Earth are not on the map.
    assert set(marks) == {"agd:peshawar", "agd:a", "agd:b"}
    assert marks["agd:peshawar"]["site"] == marks["agd:b"]["site"] != marks["agd:a"]["site"]
    assert marks["agd:peshawar"]["place"] and not marks["agd:a"]["place"]
    assert page.locator("#map-count").inner_text() == "2 events, 1 places at 2 sites"
    # Selecting a node in the network (here from the search box) lights its mark up.
    page.fill("#search", "A")
    page.click('#search-results button[data-node="agd:a"]')
    lit = [m["id"] for m in page.evaluate("actorgraph.mapMarks()") if m["selected"]]
    assert lit == ["agd:a"]
    # A click on a site of two lists them; choosing one selects it in the network.
    page.mouse.click(marks["agd:b"]["x"], marks["agd:b"]["y"])
    page.click('#map-list button[data-id="agd:b"]')
    page.wait_for_selector('#panel-body[data-node="agd:b"]')
    b = page.evaluate("actorgraph.search('B')")[0]
    assert b == "agd:b"
    selected = page.evaluate("actorgraph.network.getSelectedNodes().map(actorgraph.curie)")
    assert selected == ["agd:b"]
    assert loaded.requests == []
    assert loaded.console_errors == []


def test_the_period_and_the_type_filters_apply_to_the_map(open_page: Any) -> None:
    html = render_html(located_graph())

    def on_map(loaded: Loaded) -> list[str]:
        return sorted(m["id"] for m in loaded.page.evaluate("actorgraph.mapMarks()"))

    assert on_map(open_page(html)) == ["agd:a", "agd:b", "agd:peshawar"]
    # The period as a shared link gives it: the 2014 attack goes, the place (undated) stays.
    loaded = open_page(html, fragment="#from=2015")
    assert on_map(loaded) == ["agd:b", "agd:peshawar"]
    loaded.page.locator('#type-filters input[data-id="ag:Place"]').uncheck()
    assert on_map(loaded) == ["agd:b"]
    assert loaded.page.locator("#map-count").get_attribute("data-items") == "1"
    assert loaded.console_errors == []


def test_a_focused_neighbourhood_dims_the_marks_outside_it(open_page: Any) -> None:
    loaded = open_page(render_html(located_graph()), fragment="#focus=agd%3Aa&hops=1")
    dimmed = {m["id"]: m["dimmed"] for m in loaded.page.evaluate("actorgraph.mapMarks()")}
    assert dimmed == {"agd:a": False, "agd:b": True, "agd:peshawar": True}
    loaded.page.click("#unfocus")
    assert not any(m["dimmed"] for m in loaded.page.evaluate("actorgraph.mapMarks()"))
    assert loaded.console_errors == []


def test_the_map_works_from_the_keyboard(open_page: Any) -> None:
    loaded = open_page(render_html(located_graph()))
    page = loaded.page
    _tab_to(loaded, "#map-view svg")
    # The keyboard's arrival puts a cursor on a mark and says what is there.
    assert page.locator("#map-status").inner_text() != ""
    for key in ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"):
        page.keyboard.press(key)
    page.keyboard.press("+")
    page.keyboard.press("0")
    opened = False
    for _ in range(2):  # each of the two sites: Enter opens it, or lists it first
        page.keyboard.press("Enter")
        if page.locator("#map-list").is_visible():
            assert page.evaluate("document.activeElement.closest('#map-list') !== null")
            page.keyboard.press("Enter")
        page.wait_for_selector("#panel:not([hidden])")
        opened = True
        page.locator("#map-view svg").focus()
        page.keyboard.press("ArrowRight")
    assert opened
    # The pane closes and comes back from the side bar.
    page.locator("#map-close").click()
    assert page.locator("#map-pane").is_hidden()
    assert page.evaluate("document.activeElement.id") == "map-toggle"
    page.keyboard.press("Enter")
    assert page.locator("#map-pane").is_visible()
    assert loaded.console_errors == []


def test_a_hidden_map_is_part_of_the_shared_view(open_page: Any) -> None:
    html = render_html(located_graph())
    loaded = open_page(html, fragment="#map=off")
    page = loaded.page
    assert page.locator("#map-pane").is_hidden()
    page.click("#map-toggle")
    assert page.locator("#map-pane").is_visible()
    assert "map=" not in page.evaluate("location.hash")
    page.click("#map-close")
    assert "map=off" in page.evaluate("location.hash")
    assert loaded.console_errors == []


def test_a_page_without_coordinates_has_no_map(open_page: Any) -> None:
    loaded = open_page(render_html(fixture_graph()))
    assert loaded.page.locator("#map-section").is_hidden()
    assert loaded.page.locator("#map-pane").is_hidden()
    assert loaded.page.evaluate("typeof actorgraph.mapMarks") == "undefined"
    assert loaded.console_errors == []


SINGLE_SOURCE_DATA = """
sources:
  - id: ags:fixture-one
    title: Fixture source one
    creator: Author One
    publisher: Publisher One
  - id: ags:fixture-two
    title: Fixture source two
    creator: Author Two
    publisher: Publisher Two
entities:
  - id: agd:fixture-attack
    type: ag:Attack
    label: Fixture market attack
claims:
  - subject: agd:fixture-attack
    property: ag:killed
    object: 12
    source: ags:fixture-one
    claim: Source one gives twelve dead.
  - subject: agd:fixture-attack
    property: ag:killed
    object: 12
    source: ags:fixture-two
    claim: Source two gives twelve dead.
  - subject: agd:fixture-attack
    property: ag:injured
    object: 30
    source: ags:fixture-two
    claim: Source two alone gives thirty injured.
"""


def test_a_toll_only_one_source_gives_is_marked_single_source(
    open_page: Any, tmp_path: Path
) -> None:
    import actorgraph

    data = tmp_path / "single.yaml"
    data.write_text(SINGLE_SOURCE_DATA, encoding="utf-8")
    graph = actorgraph.load(data=[data]).to_networkx(view="full")
    loaded = open_page(render_html(graph))
    _search_and_open(loaded, "Fixture market attack", "agd:fixture-attack")
    claims = loaded.page.locator("#panel-body .claim").all_inner_texts()
    single = [c for c in claims if "single source" in c]
    assert len(single) == 1 and "thirty injured" in single[0]
    assert sum("twelve dead" in c for c in claims) == 2  # both shown, neither marked
    assert loaded.console_errors == []
