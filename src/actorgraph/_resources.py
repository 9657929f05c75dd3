"""Where the files that ship with actorgraph are: ``ontology/``, ``data/``, ``viz/``, ``queries/``.

In a wheel they are inside the package (hatchling's ``force-include``); in an editable install or a
source checkout they are at the top of the repository. Either way they are found without looking at the
current directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["resource_dir"]

_KINDS = ("ontology", "data", "viz", "queries")


def resource_dir(kind: str) -> Path:
    """Return the directory of one kind of shipped file.

    Examples
    --------
    >>> (resource_dir("ontology") / "actorgraph.ttl").name
    'actorgraph.ttl'
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {', '.join(_KINDS)}")
    packaged = Path(str(files("actorgraph"))) / kind
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / kind
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(
        f"actorgraph's {kind}/ directory is missing from {packaged} and {source_tree}; "
        "reinstall the package (pip install --force-reinstall actorgraph)"
    )
