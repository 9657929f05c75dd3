"""Where the page draws things: a seeded Fruchterman-Reingold layout (igraph) in vis-network's pixel
units, and the curves that bend parallel edges apart."""

from __future__ import annotations

import math
import random
from typing import Any

__all__ = ["edge_curves", "layout"]

# Roundness of the first curve given to parallel edges between the same two nodes; each
# further pair of edges bends by another step.
CURVE_STEP = 0.25


def edge_curves(pairs: list[tuple[int, int]]) -> dict[int, dict[str, Any]]:
    """vis-network ``smooth`` options that bend parallel edges apart.

    Edges are straight (the page's default) unless two or more join the same two nodes; those
    bend alternately to either side, further with each pair, so each can be clicked. With an
    odd number the first stays straight. The bend is set for the pair's canonical direction, so
    ``a -> b`` and ``b -> a`` edges do not land on the same curve.
    """
    by_pair: dict[tuple[int, int], list[int]] = {}
    for j, (a, b) in enumerate(pairs):
        by_pair.setdefault((a, b) if a <= b else (b, a), []).append(j)
    out: dict[int, dict[str, Any]] = {}
    for (lo, hi), group in by_pair.items():
        if len(group) < 2 or lo == hi:  # self-loops are drawn as loops anyway
            continue
        odd = len(group) % 2
        for i, j in enumerate(group[odd:]):
            step = i // 2 + 1
            clockwise = (i % 2 == 0) == (pairs[j][0] == lo)
            out[j] = {
                "enabled": True,
                "type": "curvedCW" if clockwise else "curvedCCW",
                "roundness": round(CURVE_STEP * step, 2),
            }
    return out


def layout(n: int, pairs: list[tuple[int, int]], seed: int) -> tuple[list[float], list[float]]:
    """Seeded Fruchterman-Reingold (igraph) scaled to vis-network's pixel units."""
    if n == 0:
        return [], []
    if n == 1:
        return [0.0], [0.0]
    import igraph  # noqa: PLC0415

    rng = random.Random(seed)
    # Start spread over about sqrt(n) units, as igraph's own start is: FR's grid assumes it, and
    # a start squeezed into [-1, 1] made 10k nodes take 40 s instead of 0.6 s.
    half = math.sqrt(n) / 2
    start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in range(n)]
    simple = sorted({(a, b) if a < b else (b, a) for a, b in pairs if a != b})
    g = igraph.Graph(n=n, edges=simple, directed=False)
    # igraph draws from a global generator; give it a seeded one for this call only.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        # Fewer iterations on large graphs keep the 10k-node layout near half a second.
        niter = 500 if n <= 3000 else 300
        coords = g.layout_fruchterman_reingold(seed=start, niter=niter, grid="auto").coords
    finally:
        igraph.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    size = max(500.0, 100.0 * math.sqrt(n))
    scale = size / span
    return (
        [round((x - cx) * scale, 1) for x in xs],
        [round((y - cy) * scale, 1) for y in ys],
    )
