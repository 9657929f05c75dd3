"""How the page tells classes and relations apart: each class's colour and node shape, each
relation's colour and dash pattern, a palette for the others, and the names the legend gives them."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["CLASS_STYLE", "RELATION_STYLE", "local_name", "styles"]

# Colour and shape by class. Unknown classes take colours from _PALETTE in sorted order.
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "ag:ArmedGroup": ("#d62728", "dot"),
    "ag:PoliticalParty": ("#1f77b4", "dot"),
    "ag:State": ("#2ca02c", "dot"),
    "ag:GovernmentBody": ("#17becf", "dot"),
    "ag:ReligiousOrganization": ("#9467bd", "dot"),
    "ag:InternationalOrganization": ("#8c564b", "dot"),
    "ag:Organization": ("#7f7f7f", "dot"),
    "ag:Actor": ("#7f7f7f", "dot"),
    "ag:Person": ("#ff7f0e", "triangle"),
    "ag:Cleric": ("#bcbd22", "triangle"),
    "ag:Attack": ("#e377c2", "square"),
    "ag:Assassination": ("#c7417b", "square"),
    "ag:Event": ("#f7b6d2", "square"),
    "ag:Negotiation": ("#98df8a", "square"),
    "ag:Ceasefire": ("#b5cf6b", "square"),
    "ag:MilitaryOperation": ("#637939", "square"),
    "ag:Advisory": ("#dbdb8d", "square"),
    "ag:Fatwa": ("#c5b0d5", "diamond"),
    "ag:Declaration": ("#aec7e8", "diamond"),
    "ag:Designation": ("#ff9896", "diamond"),
    "ag:Observation": ("#c49c94", "star"),
    "ag:Place": ("#9edae5", "triangleDown"),
    "ag:Source": ("#525252", "hexagon"),
    "ag:Ideology": ("#6b6ecf", "hexagon"),
    "ag:Practice": ("#9c9ede", "hexagon"),
    "ag:TargetCategory": ("#e7969c", "hexagon"),
    "ag:ActorCategory": ("#de9ed6", "hexagon"),
    "ag:AttackType": ("#cedb9c", "hexagon"),
}
_PALETTE = (
    "#393b79",
    "#5254a3",
    "#8ca252",
    "#bd9e39",
    "#ad494a",
    "#a55194",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
    "#fd8d3c",
)
# Edge style by relation: (colour, dash pattern or None). Unknown relations: palette, solid.
RELATION_STYLE: dict[str, tuple[str, list[int] | None]] = {
    "ag:claimedBy": ("#d62728", None),
    "ag:attributedTo": ("#ff7f0e", [6, 4]),
    "ag:disownedBy": ("#7f7f7f", [2, 4]),
    "ag:target": ("#8c564b", None),
    "ag:victim": ("#8c564b", [2, 3]),
    "ag:place": ("#17becf", [1, 3]),
    "ag:alliedWith": ("#2ca02c", None),
    "ag:rivalOf": ("#9467bd", [8, 4]),
    "ag:opposes": ("#9467bd", None),
    "ag:splinterOf": ("#e377c2", [6, 3]),
    "ag:mergedInto": ("#e377c2", None),
    "ag:memberOf": ("#1f77b4", None),
    "ag:leaderOf": ("#1f77b4", [6, 3]),
    "ag:founderOf": ("#1f77b4", [2, 3]),
    "ag:issuedBy": ("#bcbd22", None),
    "ag:condemns": ("#bcbd22", [6, 3]),
    "ag:designatedBy": ("#ff9896", None),
    "ag:designatedGroup": ("#ff9896", [6, 3]),
    "ag:participant": ("#637939", None),
    "ag:mediator": ("#637939", [6, 3]),
    "ag:activeIn": ("#9edae5", [1, 3]),
    "ag:adheresTo": ("#6b6ecf", [6, 3]),
    "ag:recruitsFrom": ("#ad494a", [6, 3]),
    "ag:modeledOn": ("#a55194", [2, 3]),
    "ag:sameEventAs": ("#636363", [2, 2]),
}


def local_name(curie: str) -> str:
    """A class or property CURIE as the legend names it: ``"ag:ArmedGroup"`` -> ``"Armed group"``."""
    name = curie.rsplit(":", 1)[-1].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    # camelCase -> words, for legends: "ArmedGroup" -> "Armed group"
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).split(" ")
    text = " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name
    return text or curie


def styles(order: list[str], fixed: Mapping[str, str]) -> dict[str, str]:
    """A colour for each key in ``order``: its own from ``fixed``, else the palette's next."""
    out: dict[str, str] = {}
    spare = 0
    for key in order:
        if key in fixed:
            out[key] = fixed[key]
        else:
            out[key] = _PALETTE[spare % len(_PALETTE)]
            spare += 1
    return out
