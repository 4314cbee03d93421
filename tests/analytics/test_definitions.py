"""Every indicator's definition points to a section that exists in docs/methodology.md."""

from __future__ import annotations

import re
from pathlib import Path

from civwatch.analytics.definitions import CHANGE_SECTION, COMPARE_SECTION, DEFINITIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_definition_links_to_an_existing_section() -> None:
    anchors = {_slug(line.lstrip("#")) for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("#")}
    wanted = {d.section for d in DEFINITIONS.values()} | {CHANGE_SECTION, COMPARE_SECTION, "how-the-numbers-are-computed"}
    assert wanted - anchors == set()
