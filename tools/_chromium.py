"""How a checkout's scripts and tests start Chromium: one executable path and one set of flags.

Used by ``tools/page_screenshot.py``, ``benchmarks/page_bench.py`` and the browser tests
(``tests/test_page_browser.py``, ``tests/test_server.py``), which put ``tools/`` on ``sys.path``
to import it. It is not part of the ``actorgraph`` package: only a checkout drives a browser.
"""

from __future__ import annotations

__all__ = ["CHROMIUM", "CHROMIUM_ARGS"]

#: Debian's Chromium (``apt-get install chromium``); the tests let ``ACTORGRAPH_CHROMIUM`` override it.
CHROMIUM = "/usr/bin/chromium"

#: Headless without a GPU or a sandbox (the tests run in containers, often as root), and none of the
#: first-run, sync, update and background requests a fresh profile would make.
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
