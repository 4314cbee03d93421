"""The `extracted` option of /api/indicators, /api/compare and the compare page: which figures a
result shows is stated in it; a wrong value is refused with the valid ones."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def test_the_result_states_which_figures_it_shows(client) -> None:
    for path in ("/api/indicators/women-children-share", "/api/compare", "/compare.json"):
        default = client.get(path)
        assert default.status_code == 200, default.text
        assert default.json()["extracted"]["shown"] == "excluded"
        included = client.get(path, params={"extracted": "include"})
        assert included.status_code == 200 and included.json()["extracted"]["shown"] == "included"
        assert "read from report text" in included.json()["extracted"]["statement"]
    deaths = client.get("/api/indicators/civilian-deaths", params={"extracted": "include"}).json()
    assert deaths["extracted"]["shown"] == "not applicable"


def test_a_wrong_value_is_refused_with_the_valid_ones(client) -> None:
    r = client.get("/api/indicators/women-children-share", params={"extracted": "both"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert "exclude" in r.text and "include" in r.text
    page = client.get("/compare", params={"extracted": "both"})
    assert page.status_code == 400 and "extracted must be one of exclude, include" in page.text
