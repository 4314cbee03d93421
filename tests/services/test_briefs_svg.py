"""The server-side bar chart: one bar per point, heights in proportion, only data numbers as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from civwatch.services import briefs_svg

NS = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_whiskers_drawn() -> None:
    pts = [{"x": 2020, "y": 10}, {"x": 2021, "y": 40, "low": 30, "high": 50}, {"x": 2022, "y": 0}]
    root = ET.fromstring(str(briefs_svg.bars(pts, "deaths")))
    rects = root.findall(f"{NS}rect")
    assert len(rects) == 3
    h = [float(r.get("height")) for r in rects]
    assert h[2] == 0 and abs(h[1] / h[0] - 4) < 0.01
    assert len(root.findall(f"{NS}line")) == 2  # the axis and one whisker (low != high)
    texts = [t.text for t in root.findall(f"{NS}text")]
    assert texts == ["2020", "2021", "2022", "50"]  # x labels and the top of the scale (the largest high)


def test_labels_are_escaped_and_thinned() -> None:
    pts = [{"x": f"<{i}>", "y": i + 1} for i in range(40)]
    svg = str(briefs_svg.bars(pts, "a<b", max_labels=10))
    assert 'aria-label="a&lt;b"' in svg and "<title>a&lt;b</title>" in svg
    assert "&lt;0&gt;" in svg and "<0>" not in svg
    assert len(re.findall(r"<text", svg)) <= 12


def test_empty_series_is_an_empty_chart() -> None:
    root = ET.fromstring(str(briefs_svg.bars([], "nothing")))
    assert root.findall(f"{NS}rect") == [] and root.find(f"{NS}title").text == "nothing"
