"""Finding entities by name: labels and aliases under :func:`actorgraph.vocab._names.normalize_name`."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from actorgraph._errors import UnknownNameError
from actorgraph.vocab._names import name_keys, normalize_name
from actorgraph.vocab._namespaces import curie

__all__ = ["NameIndex"]


class NameIndex:
    """An index from normalised names to entity CURIEs.

    Parameters
    ----------
    entries
        ``(entity IRI or CURIE, name, is_label)`` triples: every label and alias of every entity.
    ranks
        Entity -> rank (lower first) for suggestions, or a function giving them when first needed.
    ids
        How an entity is named in answers: its CURIE (the default), or e.g. ``str`` to keep the
        IRIs the entries give (the importers work with IRIs).

    Examples
    --------
    >>> index = NameIndex([("agd:iskp", "Islamic State Khorasan Province (ISKP)", True),
    ...                    ("agd:iskp", "ISIS–K", False)])
    >>> index.resolve("iskp"), index.resolve("ISIS-K")
    ('agd:iskp', 'agd:iskp')
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, str, bool]],
        ranks: Mapping[str, int] | Callable[[], Mapping[str, int]] | None = None,
        *,
        ids: Callable[[str], str] = curie,
    ) -> None:
        # Ranks only order suggestions for a name that resolves to nothing: a callable is asked
        # for them then (a store's ranks cost a query over every typed entity).
        self._rank_source = ranks
        self._ranks_known: dict[str, int] | None = None
        self._id = ids
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._labels: dict[str, str] = {}
        for entity, name, is_label in entries:
            node = ids(entity)
            if is_label or node not in self._labels:
                self._labels[node] = name
            for key in name_keys(name):
                self._keys[key].add(node)

    @property
    def _ranks(self) -> dict[str, int]:
        if self._ranks_known is None:
            source = self._rank_source
            self._ranks_known = dict((source() if callable(source) else source) or {})
        return self._ranks_known

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, node: object) -> bool:
        return node in self._labels

    def label(self, node: str) -> str:
        """Return the label of an entity CURIE (or the CURIE when it has none)."""
        return self._labels.get(node, node)

    def lookup(self, name: str) -> set[str]:
        """Return every entity a name may mean (empty when none); never raises."""
        node = self._id(name) if "://" in name else name
        if node in self._labels:
            return {node}
        found: set[str] = set()
        for key in name_keys(name):
            found |= self._keys.get(key, set())
        return found

    def resolve(self, name: str) -> str:
        """Return the CURIE of the one entity a name means.

        Raises
        ------
        UnknownNameError
            If the name means no entity or several; the message lists close matches.
        """
        found = self.lookup(name)
        if len(found) == 1:
            return next(iter(found))
        if found:
            options = ", ".join(f"{self.label(node)} ({node})" for node in sorted(found))
            raise UnknownNameError(
                f"{name!r} is ambiguous: it names {options}; pass the id instead",
                candidates=sorted(found),
            )
        close = self.close_matches(name)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(f"no entity is called {name!r}{hint}", candidates=close)

    def close_matches(self, name: str, n: int = 5) -> list[str]:
        """Return up to ``n`` "Label (curie)" strings whose names are close to ``name``.

        Names that contain every word typed (labels, aliases, acronyms) come first, then names
        that are spelt alike; within each, entities of a lower rank first (armed groups before
        other actors, places and events, when the index was given ranks), then the closer spelling.
        """
        key = normalize_name(name)
        words = key.split()
        scored: dict[str, tuple[int, int, float, str]] = {}
        for candidate, nodes in self._keys.items():
            contains = bool(words) and all(word in candidate for word in words)
            matcher = difflib.SequenceMatcher(None, key, candidate)
            ratio = matcher.ratio() if contains or matcher.real_quick_ratio() >= 0.6 else 0.0
            if not contains and ratio < 0.6:
                continue
            for node in nodes:
                label = self.label(node)
                score = (0 if contains else 1, self._ranks.get(node, 9), -ratio, label)
                if node not in scored or score < scored[node]:
                    scored[node] = score
        best = sorted(scored, key=lambda node: scored[node])
        return [f"{self.label(node)} ({node})" for node in best[:n]]
