"""POST /api/text/counts: figures with spans from a text; unreadable text is a problem saying why."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def test_figures_with_their_spans(client) -> None:
    text = "Gunmen attacked the market, killing two women and a 12-year-old boy and wounding 5 others."
    r = client.post("/api/text/counts", json={"text": text})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["language"] == "en" and body["method"].startswith("textcounts-")
    got = [(f["outcome"], f["best"], f["sex"], f["age_group"], text[f["start"]:f["end"]]) for f in body["figures"]]
    assert got == [
        ("killed", 2, "female", "adult", "killing two women"),
        ("killed", 1, "male", "child", "a 12-year-old boy"),
        ("injured", 5, "unknown", "unknown", "wounding 5 others"),
    ]
    assert body["totals"]["killed"]["best"] == 3 and body["totals"]["injured"]["best"] == 5
    assert body["form"] == {"civilian_deaths_best": 3, "civilian_deaths_low": 3, "civilian_deaths_high": 3,
                            "harm_killed_female_adult": 2, "harm_killed_male_child": 1,
                            "civilian_injuries_best": 5, "civilian_injuries_low": 5, "civilian_injuries_high": 5}


def test_bounds_stay_bounds(client) -> None:
    body = client.post("/api/text/counts", json={"text": "More than 20 soldiers were killed."}).json()
    assert body["totals"]["killed"] == {"low": 21, "best": None, "high": None, "coded": 20, "basis": "more-than"}
    assert body["figures"][0]["civilian"] is False
    assert body["form"] == {}  # soldiers are not civilians harmed


def test_unreadable_text_is_a_problem(client) -> None:
    for text, words in (("   ", "empty"), ("Los soldados mataron a cinco personas en el pueblo.", "unsupported language")):
        r = client.post("/api/text/counts", json={"text": text})
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM and words in r.json()["detail"]
    r = client.post("/api/text/counts", json={"text": "x", "language": "de"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "language"
