"""The families of armed groups in the page, in a real headless Chromium: the legend, the panel's
explanation, collapse and expand (node and tie counts restored exactly), the URL round trip, no
request and no console error. The families come from the page's data (derived in the projection).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

try:
    from test_page_browser import Loaded, browser, open_page  # fixtures, used by name
except ImportError:  # tests/ imported as a package
    from tests.test_page_browser import Loaded, browser, open_page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

TTP = "ag:TTPFamily"
JUA_COLOUR = (
    "actorgraph.nodes.get(actorgraph.ext.indexById['agd:jamaat-ul-ahrar']).color.background"
)


@pytest.fixture(scope="module")
def families_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The page ``actorgraph viz`` writes with no options: the actors view of the bundled data."""
    from actorgraph.cli import main

    path = tmp_path_factory.mktemp("viz") / "actorgraph.html"
    assert main(["viz", "-o", str(path)]) == 0
    return path.read_text(encoding="utf-8")


def _counts(loaded: Loaded) -> dict[str, int]:
    result: dict[str, int] = loaded.page.evaluate("actorgraph.counts()")
    return result


def _family(loaded: Loaded, fid: str) -> dict[str, Any]:
    families = loaded.page.evaluate("actorgraph.families()")
    (found,) = [f for f in families if f["id"] == fid]
    return dict(found)


def test_the_legend_lists_the_families_of_the_data(open_page: Any, families_page: str) -> None:
    loaded = open_page(families_page)
    page = loaded.page
    families = page.evaluate("actorgraph.families()")
    ids = [f["id"] for f in families]
    for fid in (TTP, "ag:BalochFamily", "ag:SectarianFamily", "ag:KashmirFamily"):
        assert fid in ids
    assert page.locator("#family-section").is_visible()
    rows = page.locator("#family-legend li")
    assert rows.count() == len(families)
    ttp_row = page.locator(f'#family-legend li[data-id="{TTP}"]')
    assert "the TTP and its factions" in ttp_row.inner_text()
    assert str(_family(loaded, TTP)["size"]) in ttp_row.inner_text()
    # Members are coloured by their family; the JavaScript names no family of its own.
    colour = page.evaluate(JUA_COLOUR)
    assert colour == _family(loaded, TTP)["color"]
    assert page.evaluate("actorgraph.familyOf('agd:jamaat-ul-ahrar')") == TTP
    page.uncheck("#family-colour")
    assert page.evaluate(JUA_COLOUR) != colour
    assert loaded.requests == []
    assert loaded.console_errors == []


def test_the_panel_says_why_a_group_is_in_its_family(open_page: Any, families_page: str) -> None:
    loaded = open_page(families_page)
    page = loaded.page
    page.evaluate("actorgraph.ext.showNode(actorgraph.ext.indexById['agd:hizb-ul-ahrar'])")
    section = page.locator("#family-explanation")
    text = section.inner_text()
    assert "the TTP and its factions" in text
    assert "Tehrik-i-Taliban Pakistan" in text  # the root its ties lead to
    assert "Hizb-ul-Ahrar" in text and ("merged into" in text or "splinter of" in text)
    page.evaluate("actorgraph.ext.showNode(actorgraph.ext.indexById['agd:bla'])")
    assert "adheres to" in page.locator("#family-explanation").inner_text().lower()
    page.click("#family-collapse")
    assert _family(loaded, "ag:BalochFamily")["collapsed"]
    # Opened while its family is collapsed (from a search), a member offers to expand it.
    page.evaluate("actorgraph.ext.showNode(actorgraph.ext.indexById['agd:blf'])")
    page.click("#family-expand-member")
    assert not _family(loaded, "ag:BalochFamily")["collapsed"]
    assert loaded.console_errors == []


def test_collapse_and_expand_restore_the_graph_exactly(open_page: Any, families_page: str) -> None:
    loaded = open_page(families_page)
    page = loaded.page
    before = _counts(loaded)
    family = _family(loaded, TTP)
    shown = family["shown"]
    assert shown >= 5
    positions = page.evaluate("actorgraph.network.getPositions()")
    page.click(f'#family-legend button[data-id="{TTP}"]')
    collapsed = _counts(loaded)
    assert collapsed["nodes"] == before["nodes"] - shown + 1
    assert page.evaluate("actorgraph.familyNodes()") == [f"family:{TTP}"]
    ties = page.evaluate("actorgraph.familyTies()")
    assert ties and collapsed["edges"] < before["edges"]
    assert all(f"family:{TTP}" in (t["from"], t["to"]) for t in ties)
    assert sum(t["count"] for t in ties) >= len(ties)
    for member in family["members"]:
        assert page.evaluate(f"actorgraph.nodes.get(actorgraph.ext.indexById['{member}']).hidden")
    # The family's node is labelled with its name and size, and opens its own panel.
    labels = page.evaluate("actorgraph.labels()")
    assert any(box["id"] == f"family:{TTP}" for box in labels)
    # A re-attached line lists the ties it stands for.
    page.evaluate("actorgraph.ext.hooks.click.some(f => f(actorgraph.familyTies()[0].id))")
    assert "of a collapsed family" in page.locator("#panel-body h2").inner_text()
    # A click on the family's node opens its panel.
    x, y = page.evaluate(
        f"""() => {{ const n = actorgraph.network;
                   n.moveTo({{position: n.getPositions(['family:{TTP}'])['family:{TTP}'], scale: 1.5,
                             animation: false}});
                   const d = n.canvasToDOM(n.getPositions(['family:{TTP}'])['family:{TTP}']);
                   const r = document.querySelector('#graph').getBoundingClientRect();
                   return [r.left + d.x, r.top + d.y]; }}"""
    )
    # The open panel covers the drawing's right side: close it, as an analyst would.
    page.click("#panel-close")
    page.mouse.click(x, y)
    page.wait_for_selector("#family-expand")
    assert "members" in page.locator("#panel-body").inner_text().lower()
    page.click("#family-expand")
    assert _counts(loaded) == before
    assert page.evaluate("actorgraph.familyNodes()") == []
    assert page.evaluate("actorgraph.network.getPositions()") == positions
    assert loaded.requests == []
    assert loaded.console_errors == []


def test_collapsed_families_round_trip_through_the_url(open_page: Any, families_page: str) -> None:
    loaded = open_page(families_page)
    page = loaded.page
    assert page.evaluate(f"actorgraph.collapseFamily('{TTP}')")
    assert page.evaluate("actorgraph.collapseFamily('ag:BalochFamily')")
    page.uncheck("#family-colour")
    fragment = page.evaluate("location.hash")
    assert "collapse=" in fragment and "familycolour=off" in fragment
    state = (_counts(loaded), page.evaluate("actorgraph.familyNodes()"))
    again = open_page(families_page, fragment=fragment)
    assert (_counts(again), again.page.evaluate("actorgraph.familyNodes()")) == state
    assert not again.page.is_checked("#family-colour")
    assert again.page.evaluate("location.hash") == fragment
    # Expanding everything empties the fragment's family part.
    again.page.evaluate(f"actorgraph.expandFamily('{TTP}')")
    again.page.evaluate("actorgraph.expandFamily('ag:BalochFamily')")
    assert "collapse=" not in again.page.evaluate("location.hash")
    # A hostile fragment is only looked up.
    hostile = open_page(families_page, fragment="#collapse=__proto__%20%3Cimg%20src%3Dx%3E")
    assert hostile.page.evaluate("actorgraph.familyNodes()") == []
    for opened in (loaded, again, hostile):
        assert opened.requests == []
        assert opened.console_errors == []


def test_a_graph_without_families_shows_no_family_legend(open_page: Any, tmp_path: Path) -> None:
    import networkx as nx

    from actorgraph.page._render import render_html

    g = nx.MultiDiGraph()
    g.add_node("agd:a", label="A", type="ag:ArmedGroup")
    g.add_node("agd:b", label="B", type="ag:ArmedGroup")
    g.add_edge("agd:a", "agd:b", key="ag:alliedWith")
    loaded = open_page(render_html(g))
    assert loaded.page.evaluate("actorgraph.families()") == []
    assert not loaded.page.locator("#family-section").is_visible()
    assert loaded.console_errors == []
