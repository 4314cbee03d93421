"""Small YAML plans for the plan tests, written as a person would write them."""

from __future__ import annotations

import textwrap

HEAD = """\
id: test-plan
title: Test plan
period: [2010-01-01, 2016-12-31]
objectives:
  - id: O1
    title: An objective
    commitments:
"""


def commitment(cid: str, indicator: str, lead: str = "GAC", due: str = "2016-12-31", status: str = "on_track",
               title: str | None = None) -> str:
    body = f"""\
- id: {cid}
  title: {title or 'Commitment ' + cid}
  lead: {lead}
  partners: [DND]
  owner: a test owner
  due: {due}
  status: {status}
  indicators:
"""
    return textwrap.indent(body + textwrap.indent(indicator, "    "), " " * 6)


def indicator(iid: str, query: str, params: str = "", baseline: str = "{value: 0, date: 2010-01-01}",
              target: str = "{value: 10, date: 2016-12-31}", direction: str = "increase", extra: str = "") -> str:
    text = f"- id: {iid}\n  query: {query}\n"
    if params:
        text += f"  params: {params}\n"
    text += f"  baseline: {baseline}\n  target: {target}\n  direction: {direction}\n"
    return text + extra


def plan(*commitments: str, head: str = HEAD) -> str:
    return head + "".join(commitments)
