"""Write docs/page.png: the bundled graph's page with the side panel open on the Bajaur claim.

Run from a checkout (needs Debian's chromium and the playwright package)::

    python tools/page_screenshot.py [docs/page.png]

It uses the page the way a reader would: search "Bajaur" and open the "claimed an attack on" tie
that the attack became in the actors view.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import actorgraph
from actorgraph._render import render_html

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(out: Path) -> None:
    graph = actorgraph.load().to_networkx(view="actors")  # what `actorgraph viz` draws
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "actorgraph.html"
        render_html(graph, page_path, title="actorgraph")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            page.goto(page_path.as_uri())
            page.wait_for_function("window.actorgraph && window.actorgraph.isComplete()")
            page.fill("#search", "Bajaur")
            # In the actors view the attack is folded into the tie it made: the search finds
            # the tie by the event's name.
            page.locator("#search-results button[data-edge]", has_text="claimed").first.click()
            page.wait_for_timeout(300)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/page.png"))
