"""Treaty imports and questions as of a date, checked against the raw files (csv module)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from civwatch.services import treaties as svc
from civwatch.store import migrate
from civwatch.store.db import make_engine
from civwatch.store.schema import rejected_rows, treaty_actions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SNAPSHOT = date(2026, 2, 3)
CONSENT_ONLY = {"ccw_p2a", "ccw_p4", "ccw_p5"}  # consent date in signature_date (PROVENANCE.md)


def _rows_2026(shared: Path) -> list[dict]:
    out = []
    for f in sorted((shared / "treaties").glob("untc_ch*_ratifications_2026-02-03.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            out += list(csv.DictReader(fh))
    return out


def _files_2026(shared: Path) -> list[Path]:
    return sorted((shared / "treaties").glob("untc_ch*_ratifications_2026-02-03.csv"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, shared_data: Path):
    """Every shared treaty and membership file plus the maintained changes, in one SQLite store."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('treaties') / 'c.sqlite'}")
    migrate.upgrade(engine)
    svc.import_all(engine, svc.shared_files(shared_data))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def only_2026(tmp_path_factory, shared_data: Path):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('treaties26') / 'c.sqlite'}")
    migrate.upgrade(engine)
    for f in _files_2026(shared_data):
        svc.import_file(engine, f)
    yield engine
    engine.dispose()


def test_party_counts_on_the_snapshot_equal_the_raw_files(only_2026, shared_data: Path) -> None:
    expected: Counter = Counter()
    for r in _rows_2026(shared_data):
        if r["country_name"] == "European Union":
            continue  # a regional organisation, refused as a state (CRPD)
        if r["action_type"] or (r["treaty_id"] in CONSENT_ONLY and r["signature_date"]):
            expected[r["mtdsg_no"]] += 1
    assert len(expected) == 30
    w = svc.world(only_2026)
    got = {i: len(w.parties(i, SNAPSHOT)) for i in expected}
    assert got == dict(expected)
    assert got["XXVI-5"] == 162 and got["XXVI-6"] == 112 and got["XXVI-8"] == 117  # PROVENANCE.md table


def test_rows_read_equal_accepted_plus_rejected_and_reimport_changes_nothing(store, shared_data: Path) -> None:
    f = _files_2026(shared_data)[0]  # human rights chapter
    with open(f, encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh))
    first = svc.import_file(store, f)
    assert first.read == len(raw) == first.accepted + first.rejected
    assert first.rejected == sum(1 for r in raw if r["country_name"] == "European Union")
    with store.connect() as conn:
        n = conn.execute(select(func.count()).select_from(treaty_actions)).scalar()
        reasons = [r[0] for r in conn.execute(select(rejected_rows.c.reason).where(rejected_rows.c.batch_id == first.batch_id))]
    expected_actions = sum(bool(r["signature_date"]) + bool(r["action_type"]) for r in raw if r["country_name"] != "European Union")
    assert n == first.new == expected_actions
    assert reasons == ["the European Union is a regional organisation, not a state"]
    again = svc.import_file(store, f)
    assert again.new == 0 and again.unchanged == expected_actions
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(treaty_actions)).scalar() == n


# (name in the file, treaty_id) -> independent ISO3 (written by hand)
STATES = {
    ("Montenegro", "ottawa"): "MNE",  # succession
    ("Montenegro", "crc_op_ac"): "MNE",
    ("United States of America", "att"): "USA",  # signature only
    ("Canada", "att"): "CAN",
    ("Bolivia (Plurinational State of)", "ccm"): "BOL",
    ("Türkiye", "cwc"): "TUR",
    ("State of Palestine", "att"): "PSE",
    ("Holy See", "ccm"): "VAT",
    ("Cook Islands", "ottawa"): "COK",
    ("Niue", "ottawa"): "NIU",
    ("Republic of Korea", "ced"): "KOR",
    ("Netherlands (Kingdom of the)", "ccm"): "NLD",
    ("Viet Nam", "cat"): "VNM",
    ("Serbia", "iccpr"): "SRB",  # succession
}


def test_a_dozen_states_against_their_raw_rows(only_2026, shared_data: Path) -> None:
    raw = {(r["country_name"], r["treaty_id"]): r for r in _rows_2026(shared_data)}
    for (name, key), iso in STATES.items():
        r = raw[(name, key)]
        got = svc.status(only_2026, iso, key, SNAPSHOT)
        if r["action_type"]:
            acted = date.fromisoformat(r["action_date"])
            assert got["status"] == "party" and got["party_since"] == acted, (name, key)
            before = svc.status(only_2026, iso, key, acted - timedelta(days=1))
            assert before["status"] == ("signatory" if r["signature_date"] and date.fromisoformat(r["signature_date"]) < acted else "none"), (name, key)
        else:
            assert got["status"] == "signatory" and got["signed"] == date.fromisoformat(r["signature_date"]), (name, key)
    assert raw[("Montenegro", "ottawa")]["action_type"] == "Succession"


def test_withdrawals_through_the_documented_csv_layout(store, shared_data: Path) -> None:
    svc.import_file(store, shared_data / "treaties" / "untc_XVIII-10_rome_statute_icc_2015.csv")
    svc.import_file(store, shared_data / "treaties" / "untc_XXVI-6_convention_on_cluster_munitions_2015.csv")
    before = {c: svc.status(store, c, i, date(2016, 1, 1))["status"] for c, i in (("BDI", "rome"), ("PHL", "rome"), ("LTU", "ccm"))}
    assert before == {"BDI": "party", "PHL": "party", "LTU": "party"}
    summary = svc.import_file(store, FIXTURES / "treaty_withdrawals.csv", today=date(2026, 12, 1))
    assert (summary.read, summary.accepted, summary.rejected, summary.new) == (3, 3, 0, 3)
    for iso, inst, left in (("BDI", "rome", date(2017, 10, 27)), ("PHL", "rome", date(2019, 3, 17)), ("LTU", "ccm", date(2025, 3, 6))):
        assert svc.status(store, iso, inst, left - timedelta(days=1))["status"] == "party"
        after = svc.status(store, iso, inst, left)
        assert after["status"] == "withdrawn" and after["left"] == left


def test_bad_rows_of_the_csv_layout_are_rejected_with_reasons_and_repeats_count_once(store, tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    url = "https://ihl-databases.icrc.org/en/ihl-treaties/api-1977/state-parties"
    path.write_text("\n".join([
        "state,instrument,action,date,source_url",
        f"CAN,AP-I,ratification,1990-11-20,{url}",
        f"CAN,AP-I,ratification,1990-11-20,{url}",  # the same row again
        f"Atlantis,AP-I,ratification,1990-11-20,{url}",
        f"CAN,AP-I,ratifcation,1990-11-20,{url}",
        f"CAN,AP-III,ratification,1990-11-20,{url}",
        f"CAN,AP-I,ratification,2030-01-01,{url}",
        "CAN,AP-I,ratification,1990-11-20,javascript:alert(1)",
        "CAN,AP-I,ratification",
    ]) + "\n", encoding="utf-8")
    s = svc.import_file(store, path, today=date(2026, 12, 1))
    assert (s.read, s.accepted, s.rejected, s.new, s.repeated) == (8, 2, 6, 1, 1)
    with store.connect() as conn:
        reasons = [r[0] for r in conn.execute(select(rejected_rows.c.reason).where(rejected_rows.c.batch_id == s.batch_id).order_by(rejected_rows.c.line))]
    assert "unknown country name 'Atlantis'" in reasons[0]
    assert "unknown action 'ratifcation'" in reasons[1]
    assert "unknown instrument 'AP-III'" in reasons[2]
    assert "after the import date 2026-12-01" in reasons[3]
    assert "source_url must be an http(s) address" in reasons[4]
    assert "truncated row" in reasons[5]
    assert svc.status(store, "CAN", "AP-I", date(2000, 1, 1))["status"] == "party"


def test_not_a_treaty_file_is_a_clear_error(store, tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a treaty or forum file"):
        svc.import_file(store, p)


def test_forum_memberships_with_sourced_changes(loaded) -> None:
    nato = lambda d: svc.forum_members(loaded, "NATO", d)  # noqa: E731
    assert len(nato(date(2024, 3, 7))) == 32 and "SWE" in nato(date(2024, 3, 7))
    assert len(nato(date(2024, 3, 6))) == 31 and "FIN" in nato(date(2023, 4, 4)) and "FIN" not in nato(date(2023, 4, 3))
    assert "MNE" not in nato(date(2017, 6, 4)) and "MNE" in nato(date(2017, 6, 5))
    assert "GBR" in svc.forum_members(loaded, "EU", date(2020, 1, 30)) and "GBR" not in svc.forum_members(loaded, "EU", date(2020, 1, 31))
    assert len(svc.forum_members(loaded, "G7", SNAPSHOT)) == 7
    assert len(svc.forum_members(loaded, "UN", SNAPSHOT)) == 193
    assert "SSD" not in svc.forum_members(loaded, "UN", date(2011, 7, 13))
    with pytest.raises(ValueError, match="unknown forum"):
        svc.forum_members(loaded, "NATOO", SNAPSHOT)


def test_gaps_split_and_parties_no_longer_listed(loaded) -> None:
    g = svc.gaps(loaded, "NATO", "ottawa", SNAPSHOT)
    members = set(svc.forum_members(loaded, "NATO", SNAPSHOT))
    split = {k: {r["country"] for r in g[k]} for k in ("signed_not_ratified", "withdrawn", "never_acted")}
    assert g["members"] == 32 and g["party"] + sum(len(v) for v in split.values()) == 32
    assert split["never_acted"] == {"USA"} and split["signed_not_ratified"] == set() and split["withdrawn"] == set()
    # PROVENANCE.md: absent from the 2026 file, so withdrawn by then, date not given
    assert set(g["party_but_unlisted_later"]) == {"EST", "FIN", "LTU", "LVA"} <= members
    ccm = svc.instrument_view(loaded, "ccm", SNAPSHOT)
    assert [r["country"] for r in ccm["unlisted_later"]] == ["LTU"]


def test_curve_profile_targets(loaded, shared_data: Path) -> None:
    c = svc.curves(loaded, "att", SNAPSHOT, by="NATO")
    years = {p["year"]: p["parties"] for p in c["series"]["all"]}
    att = [r for r in _rows_2026(shared_data) if r["treaty_id"] == "att" and r["action_type"]]
    assert min(years) == 2013 and years[2013] == sum(1 for r in att if r["action_date"] <= "2013-12-31")
    assert years[2026] == len(att)  # no ATT party has left
    assert all(a["parties"] <= b["parties"] for a, b in zip(c["series"]["all"], c["series"]["all"][1:], strict=False))
    p = svc.profile(loaded, "CAN", SNAPSHOT)
    by = {r["key"]: r["status"] for r in p["rows"]}
    assert by["ottawa"] == "party" and by["ccm"] == "party" and by["att"] == "party" and by["ewipa"] is None
    assert "G7" in p["forums"] and "NATO" in p["forums"]
    t = svc.targets(loaded, "NATO", "ccm", SNAPSHOT)
    assert t["peer_figure"] == f"{t['party']} of 32 NATO members are party"
    assert {r["country"] for r in t["targets"]} == set(svc.forum_members(loaded, "NATO", SNAPSHOT)) - {
        c for c in svc.forum_members(loaded, "NATO", SNAPSHOT) if svc.status(loaded, c, "ccm", SNAPSHOT)["status"] == "party"}
    assert all(0 <= r["p"] <= 1 and r["reasons"] for r in t["targets"])
    # each reason carries its message for the page: English word for word as the label, French apart
    from civwatch.services import messages

    reasons = [x for r in t["targets"] for x in r["reasons"]]
    assert all(x["label_msg"] == {"id": f"treaties.feature.{x['feature']}", "params": {}} for x in reasons)
    assert all(messages.text(x["label_msg"]["id"], "en") == x["label"] != messages.text(x["label_msg"]["id"], "fr") for x in reasons)
    assert [r["p"] for r in t["targets"]] == sorted((r["p"] for r in t["targets"]), reverse=True)


def test_exports_are_formula_safe(loaded) -> None:
    data = svc.forum_view(loaded, "G7", SNAPSHOT)
    data["matrix"][0]["name"] = "=HYPERLINK(\"http://x\")"
    content, media, ext = svc.export("forum", data, "csv")
    text = content.decode("utf-8")
    assert ext == "csv" and "'=HYPERLINK" in text and len(text.strip().splitlines()) == 8
    xlsx, _, ext = svc.export("forum", data, "xlsx")
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx)).active
    assert ws.cell(row=2, column=2).value.startswith("'=")
