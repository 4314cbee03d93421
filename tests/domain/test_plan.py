"""The straight-path progress rule, the departments configuration and the query catalogue."""

from __future__ import annotations

from datetime import date

import pytest

from civwatch.domain import plan as dom


def ind(direction: str = "increase", b: float = 10, t: float = 30, bd: str = "2020-01-01", td: str = "2024-01-01") -> dom.Indicator:
    return dom.Indicator(id="i", query="manual", baseline={"value": b, "date": bd}, target={"value": t, "date": td}, direction=direction)


def test_straight_path_halfway_and_states() -> None:
    i = ind()
    mid = date(2022, 1, 1)  # 731 of 1461 days
    elapsed = 731 / 1461
    assert dom.expected_on(i, mid) == pytest.approx(10 + 20 * elapsed)
    p = dom.progress(i, 20, mid)  # covered 0.5 of the distance in 0.5003 of the time
    assert p.state == "on_track" and p.achieved == pytest.approx(0.5) and p.elapsed == pytest.approx(elapsed)
    assert dom.progress(i, 10 + 20 * (elapsed - 0.06), mid).state == "behind"
    assert dom.progress(i, 10 + 20 * (elapsed + 0.06), mid).state == "ahead"
    assert dom.progress(i, 30, mid).state == "met"
    assert dom.progress(i, None, mid).state == "unknown"
    # before the baseline and after the target the path is flat
    assert dom.expected_on(i, date(2019, 1, 1)) == 10 and dom.expected_on(i, date(2030, 1, 1)) == 30


def test_decrease_and_maintain() -> None:
    d = ind("decrease", b=100, t=50)
    on = date(2022, 1, 1)
    assert dom.progress(d, 75, on).state == "on_track"
    assert dom.progress(d, 90, on).state == "behind"
    assert dom.progress(d, 110, on).achieved == pytest.approx(-0.2)
    m = ind("maintain", b=28, t=28)
    assert dom.progress(m, 28, on).state == "on_track" and dom.progress(m, 25, on).state == "behind"


def test_incoherent_indicators_are_refused() -> None:
    with pytest.raises(ValueError, match="not after the baseline"):
        ind(bd="2024-01-01", td="2020-01-01")
    with pytest.raises(ValueError, match="direction increase"):
        ind("increase", b=30, t=10)
    with pytest.raises(ValueError, match="no query 'cases.nope@1'"):
        dom.Indicator(id="i", query="cases.nope@1", baseline={"value": 0, "date": "2020-01-01"},
                      target={"value": 1, "date": "2021-01-01"}, direction="increase")
    with pytest.raises(ValueError, match="needs parameter instrument"):
        dom.Indicator(id="i", query="treaties.forum_parties", params={"forum": "NATO"}, baseline={"value": 0, "date": "2020-01-01"},
                      target={"value": 1, "date": "2021-01-01"}, direction="increase")


def test_departments_are_configuration(monkeypatch) -> None:
    assert list(dom.departments()) == ["GAC", "DND", "CAF"]
    monkeypatch.setenv(dom.DEPARTMENTS_ENV, "GAC, DND=National Defence, RCMP=Royal Canadian Mounted Police")
    assert dom.departments() == {"GAC": "Global Affairs Canada", "DND": "National Defence", "RCMP": "Royal Canadian Mounted Police"}
    with pytest.raises(ValueError, match="bad department code"):
        dom.departments("G A C")


def test_query_versions() -> None:
    assert dom.query("treaties.forum_parties").ref == "treaties.forum_parties@1"
    assert dom.query("screening.complete_evidence_share@1").kind == "screening"
    with pytest.raises(ValueError, match="no query"):
        dom.query("treaties.forum_parties@9")
