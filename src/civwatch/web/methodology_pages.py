"""/methodology: docs/methodology.md served inside the dashboard, so every definition link
(`methodology_url`, "/methodology#civilian-deaths") works offline and without the repository."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response
from markupsafe import Markup

from civwatch.web.render import WebRoute, page

router = APIRouter(route_class=WebRoute)

# a link to docs/methodology.md shipped in the package (templates/ is package data)
SOURCE = Path(__file__).resolve().parent / "templates" / "methodology.md"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading, so links written for the repository work here too."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@lru_cache(maxsize=1)
def rendered() -> tuple[str, list[dict]]:
    """(HTML, sections) of the methodology; raw HTML in the Markdown is not passed through."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(SOURCE.read_text(encoding="utf-8"))
    sections = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            title = tokens[i + 1].content
            anchor = slug(title)
            tok.attrSet("id", anchor)
            if tok.tag in ("h2", "h3"):
                sections.append({"anchor": anchor, "title": title, "level": int(tok.tag[1])})
    return md.renderer.render(tokens, md.options, {}), sections


@router.get("/methodology", include_in_schema=False)
@router.get("/methodology.json", include_in_schema=False)
def methodology(request: Request) -> Response:
    html, sections = rendered()
    return page(request, "methodology.html", {"sections": sections, "source": "docs/methodology.md"}, body=Markup(html))  # noqa: S704 - our own document, rendered without raw HTML
