"""How fast the analyst's page draws, against a hand-tuned pyvis page of the same graph.

Run::

    python benchmarks/page_bench.py               # 10,000 nodes / 20,000 edges, 5 loads each
    python benchmarks/page_bench.py --nodes 3000 --edges 6000 --runs 5

What it measures, in one headless Chromium (Debian's ``/usr/bin/chromium``, driven by the Python
``playwright`` package):

- **Python**: the time ``render_html`` takes to write the page (layout included), on its first
  call in the process (which also imports pyvis and igraph) and again.
- **First draw**: from navigation start to the first frame in which the network's canvas holds
  drawn pixels (an init script reads the canvas on every animation frame; the same script runs
  on both pages). Median of ``--runs`` loads, the two pages loaded alternately.
- **Frame time**: median time between animation frames during a scripted pan and zoom
  (``network.moveTo``), on both pages.

The baseline is what a careful pyvis user would write: pyvis's own template with
``cdn_resources="in_line"``, node and edge lists filled directly, the same precomputed positions,
physics off, straight edges, ``improvedLayout`` off, and pyvis's Bootstrap links removed (no network
here). Every request leaving ``file://`` is aborted and counted on both pages.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

# The one set of Chromium flags, shared with tools/page_screenshot.py and the browser tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from _chromium import CHROMIUM, CHROMIUM_ARGS

# Marks the first animation frame whose canvas holds drawn pixels.
FIRST_PIXELS_JS = """
(() => {
  function check() {
    const c = document.querySelector('canvas');
    if (c && c.width > 0 && c.height > 0) {
      const ctx = c.getContext('2d');
      const px = new Uint32Array(ctx.getImageData(0, 0, c.width, c.height).data.buffer);
      for (let i = 0; i < px.length; i++) {
        if (px[i] !== 0) { window.__firstPixels = performance.now(); return; }
      }
    }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""

# A scripted pan and zoom; resolves to the median and 90th percentile frame interval in ms.
PAN_ZOOM_JS = """
(frames) => new Promise((resolve) => {
  const net = window.actorgraph ? window.actorgraph.network : window.network;
  const start = net.getViewPosition();
  const scale0 = net.getScale();
  const gaps = [];
  let last = null, k = 0;
  function step(t) {
    if (last !== null) gaps.push(t - last);
    last = t;
    if (k >= frames) {
      gaps.sort((a, b) => a - b);
      resolve([gaps[Math.floor(gaps.length / 2)], gaps[Math.floor(gaps.length * 0.9)]]);
      return;
    }
    const a = (k / frames) * 2 * Math.PI;
    net.moveTo({position: {x: start.x + 300 * Math.cos(a), y: start.y + 300 * Math.sin(a)},
                scale: scale0 * (1.5 + Math.sin(a))});
    k++;
    requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
})
"""

ACTOR_TYPES = ["ag:ArmedGroup", "ag:Person", "ag:State", "ag:PoliticalParty", "ag:Place"]
EVENT_TYPES = ["ag:Attack", "ag:Attack", "ag:Attack", "ag:Negotiation", "ag:Fatwa"]
EVENT_RELATIONS = ["ag:claimedBy", "ag:attributedTo", "ag:target", "ag:place", "ag:participant"]
ACTOR_RELATIONS = ["ag:alliedWith", "ag:rivalOf", "ag:memberOf", "ag:splinterOf", "ag:activeIn"]


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 0) -> nx.MultiDiGraph:
    """A graph shaped like an imported dataset: few actors, many dated events."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    g.graph["sources"] = {
        "ags:bench": {
            "title": "Synthetic",
            "creator": "bench",
            "publisher": "bench",
            "date": "2026",
        }
    }
    n_actors = max(2, n_nodes // 5)
    actors = [f"agd:actor-{i}" for i in range(n_actors)]
    events = [f"agd:event-{i}" for i in range(n_nodes - n_actors)]
    for i, node in enumerate(actors):
        g.add_node(
            node,
            label=f"Actor {i}",
            type=ACTOR_TYPES[i % len(ACTOR_TYPES)],
            aliases=[f"A{i}", f"Group number {i}"],
        )
    for i, node in enumerate(events):
        year = 1990 + rng.randrange(35)
        day = f"{year}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        g.add_node(
            node,
            label=f"Event {i}",
            type=EVENT_TYPES[i % len(EVENT_TYPES)],
            types=[EVENT_TYPES[i % len(EVENT_TYPES)], "ag:Event"],
            date=day,
            earliest=day,
            latest=day,
            killed=rng.randrange(50),
        )
    # Heavy-tailed actor choice: a few actors take part in many events.
    weights = [1.0 / (1 + i) ** 0.8 for i in range(n_actors)]
    made = 0
    while made < n_edges:
        if events and rng.random() < 0.85:
            u = rng.choice(events)
            v = rng.choices(actors, weights)[0]
            rel = rng.choice(EVENT_RELATIONS)
        else:
            u, v = rng.sample(actors, 2)
            rel = rng.choice(ACTOR_RELATIONS)
        if g.has_edge(u, v, key=rel):
            continue
        g.add_edge(
            u,
            v,
            key=rel,
            label=rel.split(":")[1],
            statements=[
                {"source": "ags:bench", "claim": f"{u} {rel} {v}", "rank": "ag:NormalRank"}
            ],
            sources=["ags:bench"],
        )
        made += 1
    return g


def hand_tuned_pyvis(graph: nx.MultiDiGraph, positions: dict[str, tuple[float, float]]) -> str:
    """The baseline: pyvis's own in-line template, tuned by hand, same graph and positions."""
    from pyvis.network import Network

    colors = {
        t: c
        for t, c in zip(
            ACTOR_TYPES + EVENT_TYPES,
            [
                "#d62728",
                "#ff7f0e",
                "#2ca02c",
                "#1f77b4",
                "#9edae5",
                "#e377c2",
                "#e377c2",
                "#e377c2",
                "#98df8a",
                "#c5b0d5",
            ],
            strict=True,
        )
    }
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line")
    index = {n: i for i, n in enumerate(graph.nodes)}
    net.nodes = [
        {
            "id": index[n],
            "label": a["label"],
            "title": a["label"],
            "x": positions[n][0],
            "y": positions[n][1],
            "color": colors.get(a["type"], "#97c2fc"),
            "shape": "dot",
            "size": 10,
        }
        for n, a in graph.nodes(data=True)
    ]
    net.node_ids = list(range(len(net.nodes)))
    net.edges = [
        {"from": index[u], "to": index[v], "title": a["label"], "arrows": "to"}
        for u, v, a in graph.edges(data=True)
    ]
    net.set_options(
        json.dumps(
            {
                "physics": {"enabled": False},
                "edges": {"smooth": False},
                "layout": {"improvedLayout": False},
            }
        )
    )
    page = net.generate_html()
    # pyvis's template links Bootstrap from a CDN; a page that must work offline drops it.
    page = re.sub(r"<link[^>]*bootstrap[^>]*/>", "", page, flags=re.S)
    return re.sub(r"<script[^>]*bootstrap[^>]*>\s*</script>", "", page, flags=re.S)


def load_times(
    pages: dict[str, Path], runs: int, frames: int, viewport: tuple[int, int] = (1280, 800)
) -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {
        name: {"first_draw_s": [], "all_drawn_s": [], "frame_ms": [], "requests": 0, "errors": []}
        for name in pages
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _run in range(runs):
                for name, path in pages.items():
                    out = results[name]
                    context = browser.new_context(
                        viewport={"width": viewport[0], "height": viewport[1]}
                    )
                    context.add_init_script(FIRST_PIXELS_JS)

                    def count(route: Any, out: dict[str, Any] = out) -> None:
                        if route.request.url.startswith("file://"):
                            route.continue_()
                        else:
                            out["requests"] += 1
                            route.abort()

                    context.route("**/*", count)
                    page = context.new_page()
                    page.on("pageerror", lambda e, out=out: out["errors"].append(str(e)))
                    page.goto(path.as_uri(), timeout=600_000)
                    page.wait_for_function(
                        "window.__firstPixels !== undefined", timeout=600_000, polling=100
                    )
                    out["first_draw_s"].append(page.evaluate("window.__firstPixels") / 1000)
                    # Our page draws events just after its first frame on large graphs.
                    page.wait_for_function(
                        "!window.actorgraph || window.actorgraph.isComplete()", timeout=600_000
                    )
                    out["all_drawn_s"].append(
                        page.evaluate("window.actorgraphComplete || window.__firstPixels") / 1000
                    )
                    if frames:
                        page.wait_for_timeout(500)
                        out["frame_ms"].append(page.evaluate(PAN_ZOOM_JS, frames))
                    context.close()
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, default=120, help="0 skips the pan/zoom test")
    parser.add_argument("--out", type=Path, default=None, help="keep the pages in this folder")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    from actorgraph.page._render import render_html

    graph = synthetic_graph(args.nodes, args.edges)
    folder = args.out or Path(tempfile.mkdtemp(prefix="page-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    ours = folder / "actorgraph.html"
    t0 = time.perf_counter()
    render_html(graph, ours)  # the first call also imports pyvis and igraph
    python_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    render_html(graph, ours)
    python_warm_s = time.perf_counter() - t0

    # The baseline gets the very same positions, read back from our page.
    data = json.loads(
        re.search(r'id="graph-data">(.*?)</script>', ours.read_text(encoding="utf-8"), re.S)[1]
    )
    ids = list(graph.nodes)
    positions = {ids[n["id"]]: (n["x"], n["y"]) for n in data["nodes"]}
    baseline = folder / "pyvis-hand-tuned.html"
    baseline.write_text(hand_tuned_pyvis(graph, positions), encoding="utf-8")

    results = load_times({"actorgraph": ours, "pyvis": baseline}, args.runs, args.frames)
    summary: dict[str, Any] = {
        "nodes": args.nodes,
        "edges": args.edges,
        "runs": args.runs,
        "python_write_s": round(python_s, 3),
        "python_write_warm_s": round(python_warm_s, 3),
        "page_mb": round(ours.stat().st_size / 1e6, 2),
        "baseline_page_mb": round(baseline.stat().st_size / 1e6, 2),
    }
    for name, out in results.items():
        summary[name] = {
            "first_draw_median_s": round(statistics.median(out["first_draw_s"]), 3),
            "first_draw_s": [round(x, 3) for x in out["first_draw_s"]],
            "all_drawn_median_s": round(statistics.median(out["all_drawn_s"]), 3),
            # Medians over the runs of each run's median and 90th percentile frame interval.
            "frame_ms_median_p90": [
                round(statistics.median(run[i] for run in out["frame_ms"]), 1) for i in (0, 1)
            ]
            if out["frame_ms"]
            else [],
            "requests_blocked": out["requests"],
            "page_errors": out["errors"],
        }
    summary["first_draw_ratio"] = round(
        summary["actorgraph"]["first_draw_median_s"] / summary["pyvis"]["first_draw_median_s"], 3
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"graph: {args.nodes} nodes, {args.edges} edges; {args.runs} loads per page")
        print(
            f"python render_html (write page): {summary['python_write_s']:.2f} s first call, "
            f"{summary['python_write_warm_s']:.2f} s again; "
            f"{summary['page_mb']} MB (baseline page {summary['baseline_page_mb']} MB)"
        )
        for name in ("actorgraph", "pyvis"):
            s = summary[name]
            print(
                f"{name:>10}: first draw median {s['first_draw_median_s']:.3f} s "
                f"{s['first_draw_s']}; everything drawn {s['all_drawn_median_s']:.3f} s; pan/zoom frame median/p90 ms {s['frame_ms_median_p90']}; "
                f"requests blocked {s['requests_blocked']}; page errors {len(s['page_errors'])}"
            )
        print(f"first-draw ratio actorgraph / hand-tuned pyvis: {summary['first_draw_ratio']:.2f}")
    return summary


if __name__ == "__main__":
    main(sys.argv[1:])
