"""Maps for briefs, drawn on the server as SVG from the vendored Natural Earth shapes (world-atlas
countries-110m TopoJSON, the file the dashboard's map reads), so a PDF needs no JavaScript.

    briefs_map.locator("UKR", points, label)        # the country, its neighbours, incidents as dots
    briefs_map.choropleth({"CAN": 3, ...}, 5, label) # states shaded by a count 0..top, legend inside

Projection: equirectangular, x scaled by the cosine of the view's middle latitude. Coordinates are
rounded to 0.1 px and shapes outside the view are left out, which keeps the SVG (and WeasyPrint's
work) small. Colours are presentation attributes, never `style`, so the dashboard's CSP holds.
Only numbers that are in the brief's JSON are written as text (the legend's counts).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from markupsafe import Markup, escape

ATLAS = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "world-atlas" / "countries-110m.json"
BY_NAME = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}  # shapes with no ISO numeric id
LAND, EDGE, HIGHLIGHT, DOT, AXIS = "#e3e8ee", "#ffffff", "#3b6ea5", "#b5651d", "#6b7785"
LIGHT, DARK = (0xd6, 0xe4, 0xf2), (0x16, 0x3d, 0x68)
Ring = list[tuple[float, float]]


@functools.cache
def shapes() -> dict[str, tuple[Ring, ...]]:
    """ISO3 -> rings in (lon, lat), decoded from the TopoJSON arcs (quantized, delta-encoded)."""
    import pycountry

    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indices: list[int]) -> Ring:
        out: Ring = []
        for i in indices:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts[1:] if out else pts)
        return out

    found: dict[str, list[Ring]] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        iso3 = BY_NAME.get(g.get("properties", {}).get("name", ""))
        if iso3 is None and g.get("id"):
            c = pycountry.countries.get(numeric=str(g["id"]).zfill(3))
            iso3 = c.alpha_3 if c else None
        if iso3 is None:
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"] if g["type"] == "MultiPolygon" else []
        found.setdefault(iso3, []).extend(_unwrap(ring(r)) for poly in polys for r in poly)
    return {k: tuple(v) for k, v in found.items()}


def _unwrap(r: Ring) -> Ring:
    """A ring that crosses the antimeridian (Chukotka, Fiji) continues past 180° instead of
    jumping back across the map; the part past the edge falls outside the view."""
    lons = [p[0] for p in r]
    if max(lons) - min(lons) <= 180:
        return r
    return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in r]


def bbox(iso3s: Iterable[str]) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for iso3 in iso3s:
        for r in shapes().get(iso3, ()):
            xs += [p[0] for p in r]
            ys += [p[1] for p in r]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


class _View:
    def __init__(self, box: tuple[float, float, float, float], width: int, max_height: int) -> None:
        self.x0, self.y0, self.x1, self.y1 = box
        self.k = math.cos(math.radians((self.y0 + self.y1) / 2)) or 1.0
        span_x, span_y = (self.x1 - self.x0) * self.k, self.y1 - self.y0
        self.scale = min(width / span_x, max_height / span_y)
        self.width, self.height = round(span_x * self.scale), round(span_y * self.scale)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.x0) * self.k * self.scale, (self.y1 - lat) * self.scale

    def sees(self, ring: Ring) -> bool:
        return not (max(p[0] for p in ring) < self.x0 or min(p[0] for p in ring) > self.x1
                    or max(p[1] for p in ring) < self.y0 or min(p[1] for p in ring) > self.y1)

    def path(self, rings: Sequence[Ring]) -> str:
        parts = []
        for r in rings:
            if not self.sees(r):
                continue
            pts, last = [], None
            for lon, lat in r:
                x, y = self.xy(lon, lat)
                p = f"{x:.1f} {y:.1f}"
                if p != last:
                    pts.append(p)
                    last = p
            if len(pts) > 2:
                parts.append("M" + "L".join(pts) + "Z")
        return "".join(parts)


def _open(view: _View, label: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {view.width} {view.height}" width="{view.width}" '
            f'height="{view.height}" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>',
            f'<rect x="0" y="0" width="{view.width}" height="{view.height}" fill="#f6f8fa"/>']


def _shape(view: _View, iso3: str, fill: str) -> str:
    d = view.path(shapes().get(iso3, ()))
    return f'<path d="{d}" fill="{fill}" stroke="{EDGE}" stroke-width="0.6"/>' if d else ""


def locator(iso3: str | Sequence[str], points: Sequence[dict], label: str, width: int = 640, max_height: int = 300) -> Markup | None:
    """The country (or countries, highlighted) among its neighbours, with located incidents as dots
    whose area follows civilian deaths. None when the atlas has no shape for any of them."""
    chosen = [iso3] if isinstance(iso3, str) else list(iso3)
    box = bbox(chosen)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    if x1 - x0 > 180:  # shapes across the antimeridian (Russia, Fiji): the whole band of latitudes
        x0, x1 = -180.0, 180.0
    pad_x, pad_y = max(4.0, (x1 - x0) * 0.35), max(3.0, (y1 - y0) * 0.35)
    view = _View((max(-180.0, x0 - pad_x), max(-85.0, y0 - pad_y), min(180.0, x1 + pad_x), min(85.0, y1 + pad_y)), width, max_height)
    parts = _open(view, label)
    parts += [_shape(view, other, LAND) for other in sorted(shapes()) if other not in chosen]
    parts += [_shape(view, c, HIGHLIGHT) for c in chosen]
    top = max((float(p.get("deaths") or 0) for p in points), default=0.0)
    for p in sorted(points, key=lambda p: -(p.get("deaths") or 0)):
        x, y = view.xy(float(p["lon"]), float(p["lat"]))
        if 0 <= x <= view.width and 0 <= y <= view.height:
            r = 1.5 + 6.5 * math.sqrt(float(p.get("deaths") or 0) / top) if top else 2.0
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{DOT}" fill-opacity="0.7" stroke="#ffffff" stroke-width="0.5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def choropleth(values: dict[str, int], top: int, label: str, legend_label: str, width: int = 640,
               max_height: int = 320) -> Markup:
    """The states of `values` shaded by their count (0..top) on a world map, the others plain."""
    view = _View((-180.0, -58.0, 180.0, 84.0), width, max_height)
    view.k, view.scale = 1.0, width / 360.0
    view.width, view.height = width, round(142 * view.scale)
    parts = _open(view, label)

    def shade(v: int) -> str:  # a straight ramp from the lightest to the darkest blue
        f = v / top if top else 0.0
        return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(LIGHT, DARK, strict=True))

    for iso3 in sorted(shapes()):
        fill = shade(values[iso3]) if iso3 in values else LAND
        if iso3 in values:
            parts.append(_shape(view, iso3, fill).replace(f'stroke="{EDGE}"', 'stroke="#1d2b3a"'))
        else:
            parts.append(_shape(view, iso3, fill))
    y = view.height - 14
    parts.append(f'<text x="6" y="{y - 6}" font-size="9" fill="{AXIS}">{escape(legend_label)}</text>')
    for i, v in enumerate(range(top + 1)):
        x = 6 + i * 26
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="9" fill="{shade(v)}" stroke="#1d2b3a" stroke-width="0.4"/>'
                     f'<text x="{x + 14}" y="{y + 8}" font-size="9" fill="{AXIS}">{v}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
