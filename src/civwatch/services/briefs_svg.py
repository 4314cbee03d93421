"""Bar charts as SVG text, drawn on the server so a PDF needs no JavaScript.

Only numbers that are in the data are written as text (the x labels and the largest value), so
every number a reader sees on a chart can be found in the brief's JSON. Colours are presentation
attributes, not `style`, so the dashboard's Content-Security-Policy allows the SVG inline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup, escape

BAR = "#3b6ea5"
WHISKER = "#1d2b3a"
AXIS = "#6b7785"


def bars(points: Sequence[dict[str, Any]], label: str, fmt: Callable[[Any], str] = str, width: int = 640, height: int = 180,
         max_labels: int = 12) -> Markup:
    """Vertical bars of `y` at each `x` (with optional `low`/`high` whiskers); `label` names the chart
    for screen readers. An empty series is an empty chart with its label, never an error."""
    left, right, top, bottom = 8, 8, 18, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    ys = [max(float(p.get("high") or 0), float(p.get("y") or 0)) for p in points]
    top_value = max(ys, default=0.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>']
    base_y = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" stroke="{AXIS}" stroke-width="1"/>')
    if points and top_value > 0:
        slot = plot_w / len(points)
        bar_w = max(1.0, slot * 0.7)
        step = max(1, -(-len(points) // max_labels))

        def y_of(v: float) -> float:
            return base_y - plot_h * (v / top_value)

        for i, p in enumerate(points):
            y = float(p.get("y") or 0)
            x = left + i * slot + (slot - bar_w) / 2
            parts.append(f'<rect x="{x:.1f}" y="{y_of(y):.1f}" width="{bar_w:.1f}" height="{base_y - y_of(y):.1f}" fill="{BAR}"/>')
            lo, hi = p.get("low"), p.get("high")
            if lo is not None and hi is not None and (lo, hi) != (y, y):
                cx = x + bar_w / 2
                parts.append(f'<line x1="{cx:.1f}" y1="{y_of(float(hi)):.1f}" x2="{cx:.1f}" y2="{y_of(float(lo)):.1f}" '
                             f'stroke="{WHISKER}" stroke-width="1"/>')
            if i % step == 0 or i == len(points) - 1:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" '
                             f'fill="{AXIS}">{escape(str(p["x"]))}</text>')
        parts.append(f'<text x="{left}" y="{top - 6}" font-size="10" fill="{AXIS}">{escape(fmt(_plain(top_value)))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _plain(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v
