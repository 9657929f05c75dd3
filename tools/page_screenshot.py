"""Write docs/page.png: the bundled graph's page with the side panel open on the Bajaur claim.

Run from a checkout (needs Debian's chromium and the playwright package)::

    python tools/page_screenshot.py [docs/page.png]

It writes the page as the README's ``actorgraph viz`` does (the actors view) and uses it the way a
reader would: search "Bajaur" and open the attack, whose panel leads with ISIS-K's claim and its
sources, with the ties the attack was folded into selected on the drawing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _chromium import CHROMIUM, CHROMIUM_ARGS  # tools/_chromium.py, beside this script
from playwright.sync_api import sync_playwright

from actorgraph.cli import main as actorgraph_main


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "actorgraph.html"
        if actorgraph_main(["viz", "-o", str(page_path)]) != 0:  # what the README runs
            raise SystemExit("actorgraph viz failed")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            page.goto(page_path.as_uri())
            page.wait_for_function("window.actorgraph && window.actorgraph.isComplete()")
            page.fill("#search", "Bajaur")
            # In the actors view the attack is folded into the ties it made: the search finds
            # it by name and its panel opens on who claimed it.
            page.locator("#search-results button[data-event]").first.click()
            page.wait_for_selector('#panel-body section[data-property="ag:claimedBy"]')
            page.wait_for_timeout(300)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/page.png"))
