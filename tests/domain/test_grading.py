"""Grading follows Airwars' scale from evidence and is blind to who the parties are."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civwatch.domain.grading import EVIDENCE_KEYS, SourceEvidence, evidence_from_report, grade
from civwatch.domain.taxonomy import Grade, PartyCategory

NAMES = ["Government of Ukraine", "DPR", "Government of Russia", "Azov Battalion", "Wagner Group", "IS"]
CATEGORIES = [c.value for c in PartyCategory]
WEAPONS = ["unknown", "small_arms", "explosive_ground_launched", "drone"]
SOURCES = ["ucdp-ged", "acled", "airwars", "hrmmu"]


def _report(source: str, category: str, weapon: str, perpetrator: str, target: str) -> dict:
    return {"source": source, "perpetrator_category": category, "weapon": weapon, "violence_type": None,
            "perpetrator_name": perpetrator, "target_name": target, "parties": [perpetrator, target]}


class OnlyEvidenceKeys(Mapping):
    """A report that fails the test if grading reads anything but the evidence keys."""

    def __init__(self, data: dict) -> None:
        self._data = data

    def __getitem__(self, key: str) -> object:
        assert key in EVIDENCE_KEYS, f"grading read {key!r}"
        return self._data[key]

    def get(self, key: str, default: object = None) -> object:
        assert key in EVIDENCE_KEYS, f"grading read {key!r}"
        return self._data.get(key, default)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("grading iterated over the whole report")

    def __len__(self) -> int:
        return len(self._data)


def _grade_of(reports: list[dict], accepted: bool = False) -> tuple[Grade, list[str]]:
    return grade([evidence_from_report(OnlyEvidenceKeys(r)) for r in reports], responsibility_accepted=accepted)


report_strategy = st.builds(
    _report, st.sampled_from(SOURCES), st.sampled_from(CATEGORIES), st.sampled_from(WEAPONS),
    st.sampled_from(NAMES), st.sampled_from(NAMES),
)


@given(st.lists(report_strategy, min_size=1, max_size=5), st.permutations(NAMES), st.booleans())
def test_swapping_party_names_never_changes_a_grade(reports: list[dict], renamed: list[str], accepted: bool) -> None:
    rename = dict(zip(NAMES, renamed, strict=True))
    swapped = [dict(r, perpetrator_name=rename[r["perpetrator_name"]], target_name=rename[r["target_name"]],
                    parties=[rename[p] for p in r["parties"]]) for r in reports]
    assert _grade_of(swapped, accepted) == _grade_of(reports, accepted)


def test_perpetrator_and_target_swapped_same_grade() -> None:
    a = [_report("acled", "state_forces", "drone", "Government of Russia", "Government of Ukraine"),
         _report("ucdp-ged", "state_forces", "unknown", "Government of Russia", "Government of Ukraine")]
    b = [dict(r, perpetrator_name=r["target_name"], target_name=r["perpetrator_name"]) for r in a]
    assert _grade_of(a) == _grade_of(b) == (Grade.FAIR, ["2 independent credible sources: acled, ucdp-ged", "likely belligerent action"])


def test_the_evidence_type_has_no_place_for_a_party_name() -> None:
    names = {f.name for f in dataclasses.fields(SourceEvidence)}
    assert names == {"source", "perpetrator_category", "belligerent_action", "credible"}


def test_the_scale() -> None:
    one = [_report("acled", "state_forces", "drone", "x", "y")]
    assert _grade_of(one)[0] is Grade.WEAK
    assert _grade_of(one)[1] == ["a single source: acled"]
    two_same_source = one + [_report("acled", "state_forces", "drone", "x", "y")]
    assert _grade_of(two_same_source)[0] is Grade.WEAK  # not independent
    fair = one + [_report("ucdp-ged", "unknown", "unknown", "x", "y")]
    assert _grade_of(fair)[0] is Grade.FAIR
    no_action = [_report("acled", "unknown", "unknown", "x", "y"), _report("ucdp-ged", "unknown", "unknown", "x", "y")]
    assert _grade_of(no_action)[0] is Grade.WEAK
    contested = one + [_report("ucdp-ged", "non_state_armed_group", "unknown", "x", "y")]
    g, reasons = _grade_of(contested)
    assert g is Grade.CONTESTED and "non-state armed group" in reasons[0] and "state forces" in reasons[0]
    assert _grade_of(contested, accepted=True)[0] is Grade.CONFIRMED
    evidence = [evidence_from_report(r) for r in fair]
    assert grade(evidence, override="discounted", override_reason="staged") == (Grade.DISCOUNTED, ["set by an analyst: staged"])
    with pytest.raises(ValueError, match="reason"):
        grade(evidence, override="discounted", override_reason="  ")
