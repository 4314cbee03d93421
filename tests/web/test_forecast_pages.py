"""Early-warning pages in Chromium: the map and table of next month's probabilities, the fan
chart of one place, each labelled as a forecast and equal to its JSON twin."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from civwatch.services import forecasts
from tests.web.conftest import LiveServer, _serve, sample_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    engine = sample_store(tmp_path_factory.mktemp("web-forecasts"))
    forecasts.fit(engine, "test", "country")
    forecasts.fit(engine, "test", "admin1", backtest=False)
    yield from _serve(engine)


def test_forecast_overview(page, server: LiveServer, screenshot) -> None:
    page.goto("/forecasts")
    page.wait_for_selector("body[data-ready='1']")
    twin = httpx.get(f"{server.url}/forecasts.json").json()
    assert twin["label"] == "forecast" and twin["model"]
    assert "forecast" in page.locator("h1").inner_text().lower()
    assert page.locator("#map canvas").count() >= 1
    rows = page.locator("#forecast-table tbody tr")
    assert rows.count() == len(twin["units"])
    ukraine = next(u for u in twin["units"] if u["unit"] == "UKR")
    row = page.locator("#forecast-table tbody tr", has_text="Ukraine")
    assert f"{round(ukraine['p_at_least_1'] * 100)} %" in row.inner_text()
    thin = [u for u in twin["units"] if u["quantiles"] is None]
    assert thin and "not enough data" in page.locator("#forecast-table").inner_text()
    assert page.locator("#evaluation tbody tr").count() == 4 * len(twin["evaluation"])  # model + 3 baselines
    assert not page.errors, page.errors
    screenshot(page, "forecasts")


def test_fan_chart_of_one_place(page, server: LiveServer, screenshot) -> None:
    twin = httpx.get(f"{server.url}/forecasts.json?level=admin1").json()
    unit = next(u for u in twin["units"] if u["quantiles"])["unit"]
    page.goto(f"/forecasts/{unit}")
    page.wait_for_selector("body[data-ready='1']")
    one = httpx.get(f"{server.url}/forecasts/{unit}.json").json()
    assert page.locator("#fan canvas").count() == 1
    cells = page.locator("#forecast-table tbody tr")
    assert cells.count() == 6
    first = one["forecasts"][0]
    assert first["target"] in cells.first.inner_text()
    assert f"{round(first['quantiles']['q50']):,}" in cells.first.inner_text()
    assert not page.errors, page.errors
    screenshot(page, "fan")
    assert page.goto("/forecasts/ZZZ").status == 404


def test_forecast_overview_in_french(page, server: LiveServer) -> None:
    """The service's reasons and note from the catalogue, the map's tooltips and legend from the
    script's messages: French where the English page says "not enough data" and "% chance"."""
    page.goto("/forecasts?lang=fr")
    page.wait_for_selector("body[data-ready='1']")
    twin = httpx.get(f"{server.url}/forecasts.json").json()
    assert [u for u in twin["units"] if u["reason"] == "not enough data"]
    table = page.locator("#forecast-table").inner_text()
    assert "pas assez de données" in table and "not enough data" not in table
    assert page.locator("p.note").first.inner_text().startswith("Les prévisions sont des probabilités")
    ukraine = next(u for u in twin["units"] if u["unit"] == "UKR")
    tips = page.evaluate("() => civwatch.layers[0].getLayers().map((l) => String(l.getTooltip().getContent()))")
    want = f"Ukraine : {round(ukraine['p_at_least_1'] * 100)} % de probabilité d'au moins un décès de civil (prévision)"
    assert want in tips and any(t.endswith(" : aucune prévision") for t in tips)
    assert page.locator("#legend").inner_text().startswith("aucun")
    assert not page.errors, page.errors
