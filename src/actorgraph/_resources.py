"""Where the files that ship with actorgraph are: ``ontology/``, ``data/``, ``viz/``, ``queries/``.

In a wheel they are inside the package (hatchling's ``force-include``); in an editable install or a
source checkout they are at the top of the repository. Either way they are found without looking at the
current directory.
"""

from __future__ import annotations

import functools
import hashlib
from importlib.resources import files
from pathlib import Path

from actorgraph._version import __version__

__all__ = ["bundled_data_version", "bundled_files", "ontology_path", "resource_dir"]

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


def ontology_path() -> Path:
    """The ontology's Turtle file."""
    return resource_dir("ontology") / "actorgraph.ttl"


def bundled_files() -> list[Path]:
    """The curated files that ship with actorgraph, in a stable order."""
    return sorted((resource_dir("data") / "curated").glob("*.yaml"))


@functools.cache
def bundled_data_version() -> str:
    """A fingerprint of the package version, the ontology and the bundled curated files: what an
    on-disk store records of the bundled data it holds (it is brought up to date when it differs),
    and part of the key of a result kept for a store (``actorgraph._derived.code_digest``)."""
    digest = hashlib.sha256(__version__.encode())
    for path in [ontology_path(), *bundled_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
