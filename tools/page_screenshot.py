"""Write docs/page.png: the page of a store with UCDP GED's Pakistan rows imported.

Run from a checkout (needs Debian's chromium, the playwright package and ../shared/data/ucdp/)::

    python tools/page_screenshot.py [docs/page.png] [UCDP_CSV]

It does what the README and docs/importing.md tell an analyst to do: ``actorgraph import ucdp FILE
--store DIR``, then ``actorgraph viz --store DIR`` (the actors view). It then uses the page the way a
reader would: search "Army Public School" and open the attack, whose panel leads with its claims and
sources, with its ties selected on the drawing, its place lit on the map and the armed groups
coloured by family; the timeline of events per month runs under the drawing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _chromium import CHROMIUM, CHROMIUM_ARGS  # tools/_chromium.py, beside this script
from playwright.sync_api import sync_playwright

from actorgraph.cli import main as actorgraph_main

UCDP = Path(__file__).resolve().parents[2] / "shared/data/ucdp/ucdp_ged_hdx_pakistan_2012_2021.csv"


def main(out: Path, ucdp: Path = UCDP) -> None:
    if not ucdp.is_file():
        raise SystemExit(f"no UCDP file at {ucdp}; give its path as the second argument")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        page_path = Path(tmp) / "actorgraph.html"
        if actorgraph_main(["import", "ucdp", str(ucdp), "--store", str(store), "--quiet"]) != 0:
            raise SystemExit("actorgraph import failed")
        if actorgraph_main(["viz", "--store", str(store), "-o", str(page_path)]) != 0:
            raise SystemExit("actorgraph viz failed")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 960})
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            page.goto(page_path.as_uri())
            page.wait_for_function("window.actorgraph && window.actorgraph.isComplete()")
            page.fill("#search", "Army Public School")
            # In the actors view the attack is folded into the ties it made: the search finds
            # it by name and its panel opens on who claimed it.
            page.locator("#search-results button[data-event]").first.click()
            page.wait_for_selector('#panel-body section[data-property="ag:claimedBy"]')
            page.wait_for_timeout(500)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]) if args else Path("docs/page.png"), Path(args[1]) if len(args) > 1 else UCDP)
