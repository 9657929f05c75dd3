"""The ``actorgraph`` command line: one module per verb, shared options in :mod:`._options`.

The console script runs :func:`main`; ``python -m actorgraph.cli`` does too.
"""

from __future__ import annotations

from actorgraph.cli._main import build_parser, main

__all__ = ["build_parser", "main"]
