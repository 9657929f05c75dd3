"""Resolving a dataset's actor and place names against the curated entities."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from actorgraph.importers._known import KnownEntities
from actorgraph.importers._records import ActorMention, DatasetInfo, actor_classes, slugify
from actorgraph.vocab._names import normalize_name
from actorgraph.vocab._namespaces import AG, AGD, curie

Unresolved = Literal["provisional", "report"]
#: Place-name words a dataset appends to a name ("Peshawar district"); dropped to find a curated place.
_PLACE_SUFFIXES = (
    "province", "district", "town", "city", "village", "agency", "division", "tehsil", "territory",
    "area", "region", "sector", "county", "municipality",
)  # fmt: skip


# ----------------------------------------------------------------------------------------------------
# Resolving names


_GOVERNMENT_RE = re.compile(
    r"^(?:government|military forces|police forces|armed forces)\s+of\s+(?:the\s+)?(.+?)"
    r"(?:\s*\([^()]*\))*$",
    re.IGNORECASE,
)
#: Groups of people that are no single actor: ACLED's "Civilians (Pakistan)", "Protesters (Pakistan)".
_CATEGORY_RE = re.compile(r"^(civilians?|protesters|rioters)(?:\s*\([^()]*\))*$", re.IGNORECASE)
_UNKNOWN_RE = re.compile(
    r"^(?:unknown|unidentified(?:\s+armed\s+group)?|unidentified\s+\w+(?:\s+\w+)?)(?:\s*\([^()]*\))*$",
    re.IGNORECASE,
)
_TRAILING_PAREN_RE = re.compile(r"\s*\([^()]*\)\s*$")


class Resolver:
    """Resolves actor and place names to IRIs, and creates the provisional nodes it needs."""

    def __init__(
        self,
        known: KnownEntities,
        dataset: DatasetInfo,
        policy: Unresolved,
        hints: Mapping[str, Sequence[str]],
    ) -> None:
        self.known = known
        self.dataset = dataset
        self.policy = policy
        self.hints = {normalize_name(k): tuple(v) for k, v in hints.items()}
        self.unresolved: Counter[str] = Counter()
        self.ambiguous: dict[str, list[str]] = {}
        self.resolved: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()
        self._actor_cache: dict[tuple[str, str | None], tuple[str, str | None]] = {}
        self._place_cache: dict[tuple[str, ...], list[str]] = {}
        self._target_cache: dict[str, str | None] = {}
        self._place_set_cache: dict[tuple[str, ...], frozenset[str]] = {}
        self.new_actors: dict[str, tuple[str, str | None]] = {}
        self.new_places: dict[str, tuple[str, str | None]] = {}

    def _one(self, names: Iterable[str], classes: Iterable[str] | None) -> tuple[set[str], str]:
        seen: set[str] = set()
        last = ""
        for name in names:
            if not name.strip():
                continue
            found = self.known.lookup(name, classes)
            if len(found) == 1:
                return found, name
            if found:
                seen |= found
                last = name
        return seen, last

    def actor(self, mention: ActorMention) -> tuple[str, str | None]:
        """Return ``(kind, iri)``: kind is resolved, provisional, unresolved, unknown or category."""
        cache_key = (mention.name, mention.local_id)
        hit = self._actor_cache.get(cache_key)
        if hit is None:
            hit = self._actor(mention)
            self._actor_cache[cache_key] = hit
        kind, _ = hit
        if kind in ("provisional", "unresolved"):
            self.unresolved[mention.name] += 1
        elif kind == "resolved":
            self.resolved[mention.name] += 1
        elif kind in ("category", "unknown"):
            self.categories[mention.name] += 1
        return hit

    def _actor(self, mention: ActorMention) -> tuple[str, str | None]:
        name = mention.name.strip()
        if not name or _UNKNOWN_RE.match(name):
            return ("unknown", None)
        category = _CATEGORY_RE.match(name)
        if category:
            found = self.known.lookup(category.group(1), [str(AG) + "TargetCategory"])
            return ("category", next(iter(found)) if len(found) == 1 else None)
        candidates = [name, *mention.alternatives, *self.hints.get(normalize_name(name), ())]
        government = _GOVERNMENT_RE.match(name)
        if government:
            found = self.known.lookup(government.group(1), [str(AG) + "State"])
            if len(found) == 1:
                return ("resolved", next(iter(found)))
        found, _ = self._one(candidates, actor_classes())
        if len(found) == 1:
            return ("resolved", next(iter(found)))
        if found:
            self.ambiguous[name] = sorted(curie(node) for node in found)
        if self.policy == "report":
            return ("unresolved", None)
        if mention.local_id:
            iri = f"{AGD}{self.dataset.key}-actor-{slugify(mention.local_id)}"
        else:
            iri = f"{AGD}{self.dataset.key}-actor-{slugify(name)}"
        self.new_actors.setdefault(iri, (name, mention.local_id))
        return ("provisional", iri)

    def target(self, mention: ActorMention) -> str | None:
        """Return the curated target category a target names (``"Civilians (Pakistan)"``), if any.

        A dataset's target types ("Police", "Private Citizens & Property") are categories, not
        actors: they never become provisional actors and are not reported as unresolved names.
        """
        self.categories[mention.name] += 1
        if mention.name not in self._target_cache:
            name = _TRAILING_PAREN_RE.sub("", mention.name.strip()) or mention.name
            found = self.known.lookup(name, [str(AG) + "TargetCategory"])
            self._target_cache[mention.name] = next(iter(found)) if len(found) == 1 else None
        return self._target_cache[mention.name]

    def place_set(self, names: Sequence[str]) -> frozenset[str]:
        """Every place of a chain of names and every curated place containing one (cached)."""
        chain = tuple(names)
        hit = self._place_set_cache.get(chain)
        if hit is None:
            places = set(self.places(chain)) if chain else set()
            for place in list(places):
                places |= self.known.parents.get(place, set())
            hit = self._place_set_cache[chain] = frozenset(places)
        return hit

    def places(self, names: Sequence[str]) -> list[str]:
        """Return place IRIs from the broadest to the narrowest; unknown places become new nodes."""
        chain = tuple(names)
        hit = self._place_cache.get(chain)
        if hit is not None:
            return hit
        result: list[str] = []
        path: list[str] = []
        parent: str | None = None
        for name in chain:
            path.append(name)
            iri = self._curated_place(name, parent)
            if iri is None:
                iri = f"{AGD}place-{slugify(' '.join(path))}"
                self.new_places.setdefault(iri, (name, parent))
            if iri != parent:
                result.append(iri)
                parent = iri
        self._place_cache[chain] = result
        return result

    def _curated_place(self, name: str, parent: str | None) -> str | None:
        words = name.split()
        options = [name]
        if len(words) > 1 and words[-1].casefold() in _PLACE_SUFFIXES:
            options.append(" ".join(words[:-1]))
        options.append(_TRAILING_PAREN_RE.sub("", name))
        found, _ = self._one(options, [str(AG) + "Place"])
        if len(found) != 1:
            return None
        node = next(iter(found))
        # A curated place of the same name elsewhere (India's Punjab under Pakistan) is not this one:
        # when both the parent and the match are curated and the match has a known container, they
        # must agree.
        curated_parent = parent is not None and not parent.startswith(str(AGD) + "place-")
        ancestors = self.known.parents.get(node, set())
        if curated_parent and ancestors and parent not in ancestors and node != parent:
            return None
        return node
