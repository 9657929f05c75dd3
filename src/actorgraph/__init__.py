"""actorgraph: a sourced knowledge graph of militant groups and the actors around them."""

from __future__ import annotations

from actorgraph._version import __version__

__all__ = ["__version__"]
