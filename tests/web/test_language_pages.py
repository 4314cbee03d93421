"""The dashboard's pages in French in Chromium (issue 15): headings, table headers and buttons
from the catalogue, numbers grouped and dates written the French way, data printed as it is;
the same pages stay in English without `?lang=`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from civwatch.services import demo, messages
from civwatch.services import treaties as tsvc
from tests.web.conftest import LiveServer, _serve, sample_store

pytestmark = pytest.mark.browser

# French CLDR month abbreviations, written out here so the dates are checked against the
# French calendar rather than against the code that formats them
MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
NNBSP = "\u202f"  # CLDR's French grouping separator: a narrow no-break space


def french_day(iso: str) -> str:
    d = date.fromisoformat(iso[:10])
    return f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}"


def french_int(n: int) -> str:
    return f"{n:,}".replace(",", NNBSP)


@pytest.fixture(scope="module")
def fr_server(tmp_path_factory, shared_data: Path) -> Iterator[LiveServer]:
    """The demo incidents, the real UNTC treaty tables and forum memberships, the real peacekeeping
    files and the sample action plan."""
    engine = sample_store(tmp_path_factory.mktemp("web-french"))
    tsvc.import_all(engine, tsvc.shared_files(shared_data))
    demo.load_peacekeeping(engine, folder=shared_data / "peacekeeping")
    demo.load_plan(engine)
    yield from _serve(engine)


@pytest.fixture
def server(fr_server: LiveServer) -> LiveServer:
    return fr_server


def headers(pg, table: str) -> list[str]:
    return [h.strip() for h in pg.locator(f"{table} thead th").all_inner_texts()]


def test_countries_and_a_country_in_french(page, server: LiveServer) -> None:
    page.goto("/countries?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Pays"
    assert headers(page, "main table") == ["Pays", "Décès de civils, toutes années", "Bas–haut"]
    # the largest count of the JSON twin, grouped with a narrow no-break space
    rows = httpx.get(server.url + "/countries.json").json()["countries"]
    big = max(rows, key=lambda r: r["value"] or 0)
    assert big["value"] >= 1000, "the check needs a four-digit count"
    cells = [c.strip() for c in page.locator("main tbody td.num").all_inner_texts()]
    assert french_int(big["value"]) in cells
    assert f"{big['value']:,}" not in cells
    page.goto(f"/countries/{big['country']}")  # the cookie keeps French
    for h2 in ("Décès de civils par année", "Par catégorie de partie", "Par arme", "Incidents les plus meurtriers", "Traités"):
        assert page.get_by_role("heading", name=h2).count() == 1, h2
    assert page.locator("#brief").inner_text() == "Fiche"
    # the filters, a macro of their own, follow the page's language too
    assert page.get_by_role("button", name="Appliquer").count() == 1
    # a date of the largest incidents table, in the French calendar
    twin = httpx.get(server.url + f"/countries/{big['country']}.json").json()
    first = twin["largest"][0]
    assert page.locator("#largest-h ~ .tablewrap tbody tr").first.locator("td").first.inner_text() == french_day(first["date_start"])
    assert page.errors == []


def test_treaty_forum_and_targets_in_french(page, server: LiveServer) -> None:
    page.goto("/treaties?lang=fr")
    assert page.locator("h1").inner_text() == "Traités et déclarations"
    assert headers(page, "main table") == ["Identifiant", "Instrument", "Ouvert", "Parties", "Connu jusqu'au", "Liste officielle"]
    # the official French title, not the register's English name
    assert page.get_by_role("link", name="Convention sur les armes à sous-munitions").count() == 1
    page.goto("/treaties/XXVI-6")
    assert page.locator("h1").inner_text().startswith("Convention sur les armes à sous-munitions")
    twin = httpx.get(server.url + "/treaties/XXVI-6.json").json()
    headline = page.locator("#headline").inner_text()
    assert headline.startswith(f"{twin['counts']['party']} des {twin['states']} États sont parties au {french_day(twin['as_of'])}")
    assert page.get_by_role("heading", name=f"Statut au {french_day(twin['as_of'])}").count() == 1
    assert headers(page, "#states") == ["État", "Statut", "Partie depuis", "Signature", "Retrait"]
    statuses = set(page.locator("#states .status").all_inner_texts())
    assert statuses and statuses <= {"Partie", "Signataire, non lié", "Retiré", "Aucune action", "Aucune donnée"}
    page.goto("/forums/NATO")
    assert page.locator("h1").inner_text().startswith("Organisation du Traité de l'Atlantique Nord")
    assert page.locator("#matrix tfoot th").inner_text() == "Partie"
    forum = httpx.get(server.url + "/forums/NATO.json").json()
    assert page.locator("#headline").inner_text().startswith(f"{forum['members']} membres au {french_day(forum['as_of'])}.")
    page.goto("/treaties/targets?forum=NATO&instrument=XXVI-6")
    assert page.locator("h1").inner_text() == "Cibles de coalition"
    assert page.get_by_role("button", name="Afficher").count() == 1
    assert headers(page, "#targets") == ["État", "Statut", "Probabilité", "Pourquoi"]
    # a probability as a French percentage: decimal comma, a space before the sign
    first = page.locator("#targets tbody td.num").first.inner_text()
    assert "," in first and first.replace("\xa0", " ").replace(NNBSP, " ").endswith(" %"), first
    # the rule's reasons: the service's message ids, written in French (the JSON keeps English labels)
    targets = httpx.get(server.url + "/treaties/targets.json", params={"forum": "NATO", "instrument": "XXVI-6"}).json()["targets"]
    why = page.locator("#targets tbody tr").first.locator("td").nth(3).inner_text()
    reasons = targets[0]["reasons"]
    assert reasons and all(messages.text(x["label_msg"]["id"], "fr") in why and x["label"] not in why for x in reasons), why
    page.goto("/forecasts")
    assert page.locator("p.note").first.inner_text().startswith("Les prévisions sont des probabilités avec leur incertitude")
    assert page.errors == []


def test_incident_parties_and_public_pages_in_french(page, server: LiveServer) -> None:
    page.goto("/incidents?lang=fr&sort=-civilian_deaths")
    assert page.locator("h1").inner_text() == "Incidents"
    assert headers(page, "#incidents")[:3] == ["Date", "Pays", "Lieu"]
    top = httpx.get(server.url + "/api/incidents", params={"sort": "-civilian_deaths", "limit": 1}).json()["items"][0]
    page.goto(f"/incidents/{top['id']}")
    assert page.locator("h1").inner_text().startswith(f"Incident {top['id']}")
    assert page.get_by_role("heading", name="Rapports, côte à côte").count() == 1
    assert page.get_by_role("heading", name="Historique des modifications").count() == 1
    assert page.locator("dl.facts dt").first.inner_text() == "Quand"
    page.goto("/parties")
    assert page.locator("h1").inner_text() == "Registre des parties"
    assert page.get_by_role("button", name="Afficher").count() == 1
    page.goto("/report-harm")
    assert page.locator("h1").inner_text() == "Signaler une atteinte aux civils"
    assert page.get_by_label("Civils tués").count() == 1 and page.get_by_role("button", name="Envoyer le signalement").count() == 1
    page.goto("/published-cases")
    assert page.locator("h1").inner_text() == "Résumés de dossiers publiés"
    page.goto("/imports")
    assert page.get_by_role("heading", name="Lots").count() == 1
    page.goto("/login")
    assert page.get_by_label("Nom d'utilisateur").count() == 1 and page.get_by_label("Mot de passe").count() == 1
    assert page.errors == []
    page.goto("/incidents/999999999")  # an incident that does not exist: the error page (a 404 the console logs)
    assert page.locator("h1").inner_text() == "Introuvable"
    assert page.get_by_role("link", name="Retour à la vue d'ensemble").count() == 1


def test_missions_plan_and_screening_in_french(page, server: LiveServer) -> None:
    page.goto("/missions?lang=fr")
    assert page.locator("h1").inner_text() == "Opérations de paix des Nations Unies"
    assert headers(page, "#missions")[:4] == ["Mission", "Nom", "Début", "Fin"]
    twin = httpx.get(server.url + "/missions.json").json()
    dated = next(m for m in twin["missions"] if m["start_date"])
    row = page.locator(f"#missions tr:has(a[href='/missions/{dated['acronym']}'])").first
    assert row.locator("td").nth(2).inner_text() == french_day(dated["start_date"])
    page.goto("/plan")
    assert page.locator("#illustrative").inner_text().startswith("ILLUSTRATIF")
    assert page.get_by_role("link", name="Rapport d'étape").count() == 1
    assert headers(page, "table.plan-commitments")[:4] == ["Engagement", "Responsable", "Partenaires", "Échéance"]
    progress = set(page.locator("table.plan-commitments .progress").all_inner_texts())
    assert progress and progress <= {"dans les temps", "en avance", "en retard", "atteint", "inconnu"}
    page.goto("/screening")
    assert page.locator("h1").inner_text() == "Examen des exportations d'armes et de l'assistance"
    assert page.get_by_role("link", name="Nouvelle demande").count() == 1
    assert page.errors == []


def test_english_stays_the_default(page, server: LiveServer) -> None:
    page.goto("/countries")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Countries"
    rows = httpx.get(server.url + "/countries.json").json()["countries"]
    big = max(rows, key=lambda r: r["value"] or 0)
    assert f"{big['value']:,}" in [c.strip() for c in page.locator("main tbody td.num").all_inner_texts()]
    page.goto("/treaties/XXVI-6")
    assert page.locator("h1").inner_text().startswith("Convention on Cluster Munitions")
    twin = httpx.get(server.url + "/treaties/XXVI-6.json").json()
    assert f"states party on {twin['as_of']}" in page.locator("#headline").inner_text()
    assert page.errors == []


def tooltips(pg) -> list[str]:
    """The tooltip text of every country shape the page's map drew (Leaflet, canvas renderer)."""
    return pg.evaluate("""() => civwatch.layers[0].getLayers().map((l) => l.getTooltip() ? String(l.getTooltip().getContent()) : "")""")


def test_what_scripts_draw_is_french(page, server: LiveServer) -> None:
    """Map legend and tooltips, chart labels and axis numbers, treaty map legend: from the
    catalogue's messages embedded in the page, numbers grouped by the browser for `fr`."""
    page.goto("/map?lang=fr")
    page.wait_for_selector("body[data-ready='1']")
    legend = page.locator("#legend").inner_text()
    assert legend.startswith("aucun") and "plus de " in legend and "none" not in legend and "over" not in legend
    # the largest country of the JSON twin, its tooltip in French with French grouping
    twin = httpx.get(server.url + "/map.json").json()
    big = max(twin["countries"], key=lambda c: c["value"] or 0)
    assert big["value"] >= 1000
    tips = tooltips(page)
    assert any(t.endswith(f" : {french_int(big['value'])} décès de civils") for t in tips), tips[:5]
    assert any(t.endswith(" : aucune donnée") for t in tips)
    assert not any("civilian deaths" in t or "no data" in t for t in tips)
    # country names in French (CLDR), not Natural Earth's English ones
    assert any(t.startswith("Allemagne : ") for t in tips) and any(t.startswith("Congo-Kinshasa : ") for t in tips)
    assert not any(t.startswith(("Germany", "Dem. Rep. Congo")) for t in tips)
    # a chart: the series and x labels in its legend (DOM), the y axis numbers through the same formatter
    page.goto(f"/countries/{big['country']}")
    page.wait_for_selector("body[data-ready='1']")
    labels = page.locator("#trend .u-legend .u-label").all_inner_texts()
    assert labels[:2] == ["année", "décès de civils"], labels
    ticks = page.evaluate("() => civwatch.charts[0].axes[1].values(civwatch.charts[0], [0, 12345, 1500000])")
    assert ticks == ["0", french_int(12345), french_int(1500000)]
    page.goto("/treaties/XXVI-6")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#legend").inner_text().split("\n")[:4] == ["partie", "signataire, non lié", "retiré", "aucune action"]
    assert page.locator("#curve .u-legend .u-label").all_inner_texts()[:2] == ["année", "parties"]
    assert page.errors == []


def test_import_progress_is_french(page, server: LiveServer, tmp_path: Path) -> None:
    """The progress line and the batch link the import page's script writes, in French."""
    from tests.web.conftest import log_in
    from tests.web.test_imports import upload_file

    path, _ = upload_file(tmp_path)
    log_in(page)
    page.goto("/imports?lang=fr")
    page.locator("#file").set_input_files(str(path))
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_url("**/imports/jobs/*")
    page.wait_for_selector("#batch-link")
    assert page.locator("#progress-text").inner_text() == "Terminé : 6 lignes lues, 4 acceptées, 2 rejetées."
    assert page.locator("#batch-link").inner_text().startswith("Voir le lot ")
    assert page.errors == []
