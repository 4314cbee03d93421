"""Names across scripts, the case's moves, birth tolerance: the pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from civwatch.domain import missing as dom
from civwatch.domain import missing_names as names


@pytest.mark.parametrize(("latin", "other"), [
    ("Mohamed Hamdan Al-Najjar", "محمد حمدان النجار"),
    ("Abdel Rahman Mazen Al-Qishawi", "عبد الرحمن مازن القيشاوي"),
    ("Amal Muhammad Abdel Karim Abu Nasira", "امال محمد عبد الكريم ابو نصيرة"),
    ("Oleksandr Shevchenko", "Олександр Шевченко"),  # Ukrainian national system, by ICU's BGN transform
    ("Grigoriy Ivanov", "Григорий Иванов"),  # Russian
    ("Al-Najjar Mohamed Hamdan", "محمد حمدان النجار"),  # family name first
])
def test_the_same_name_in_two_scripts_agrees(latin: str, other: str) -> None:
    score, why = names.compare_names([latin], [other])
    assert score >= 0.9, (score, why, names.skeletons(latin), names.skeletons(other))


def test_a_sibling_sharing_father_and_family_name_does_not() -> None:
    score, _ = names.compare_names(["Sanad Salah Al Najjar"], ["أفنان صلاح النجار"])
    assert score < dom.THRESHOLD


def test_the_baseline_finds_no_cross_script_pair() -> None:
    assert names.exact_normalised("Mohamed Hamdan Al-Najjar") != names.exact_normalised("محمد حمدان النجار")


def test_block_keys_are_order_insensitive_pairs() -> None:
    assert names.block_keys(["Mohamed Hamdan Al-Najjar"]) == names.block_keys(["Al-Najjar Hamdan Mohamed"])
    assert names.block_keys(["Mohamed Hamdan Al-Najjar"]) & names.block_keys(["محمد النجار"])


def test_a_future_date_of_birth_is_refused() -> None:
    with pytest.raises(dom.MissingRuleError, match="future"):
        dom.parse_birth("2031-01-01", None, date(2026, 1, 1))
    with pytest.raises(dom.MissingRuleError, match="YYYY"):
        dom.parse_birth("01/02/2000", None, date(2026, 1, 1))


def test_birth_tolerance_and_sex() -> None:
    on = date(2024, 1, 1)
    a = dom.Person(["Mohamed Hamdan Al-Najjar"], dom.parse_birth(None, 17, on), "m")
    near = dom.Person(["محمد حمدان النجار"], dom.parse_birth(None, 18, on), "m")
    far = dom.Person(["محمد حمدان النجار"], dom.parse_birth(None, 60, on), "f")
    good, bad = dom.score(a, near), dom.score(a, far)
    assert good.score > dom.THRESHOLD > bad.score
    assert {r["component"] for r in good.reasons()} == {"names", "birth", "sex", "place"}


def test_moves() -> None:
    dom.check_move(dom.MissingState.REPORTED, dom.MissingState.REGISTERED, "same day")
    with pytest.raises(dom.MissingRuleError, match="cannot move"):
        dom.check_move(dom.MissingState.REPORTED, dom.MissingState.CONFIRMED_DEAD, "x")
    with pytest.raises(dom.MissingRuleError, match="close_reason"):
        dom.check_move(dom.MissingState.SEARCHING, dom.MissingState.CLOSED, "x")
    dom.check_move(dom.MissingState.CLOSED, dom.MissingState.SEARCHING, "reopened: new information")
    assert dom.suppress(3) == "< 5" and dom.suppress(0) == 0 and dom.suppress(7) == 7


@pytest.mark.parametrize(("latin", "same", "other"), [
    ("Amjad Mahmoud Al-Ghoul", "أمجد محمود الغول", "ماجد محمود الغول"),  # Amjad / Majid: one skeleton, mgd
    ("Janan Saeed Rayyan", "جنان سعيد ريان", "جنى سعيد ريان"),  # Janan / Jana: the repeated n
    ("Asmaa Al Banna", "أسماء البنا", "سامية البنا"),  # Asmaa / Samia, also joined letters
])
def test_the_given_names_written_vowels_tell_apart_what_the_skeleton_does_not(latin: str, same: str, other: str) -> None:
    right, _ = names.compare_names([latin], [same])
    wrong, _ = names.compare_names([latin], [other])
    assert names.skeletons(same)[0] == names.skeletons(other)[0]
    assert right >= 0.9 and wrong <= right * names.SHAPE_PENALTY + 1e-9, (right, wrong)


def test_agreeing_births_weigh_for_a_candidate_and_distant_ones_against() -> None:
    on = date(2024, 9, 25)
    case = dom.Person(["Ahmed Maher Sharaf"], dom.parse_birth(None, 30, on), "m")
    near = dom.score(case, dom.Person(["أحمد ماهر شرف"], dom.parse_birth(None, 31, on), "m"))
    unknown = dom.score(case, dom.Person(["أحمد ماهر شرف"], dom.Birth(), "m"))
    far = dom.score(case, dom.Person(["أحمد ماهر شرف"], dom.parse_birth(None, 45, on), "m"))
    assert far.score < dom.THRESHOLD < unknown.score <= near.score
    assert near.strength > unknown.strength  # ranked apart even where both scores are capped at 1


@pytest.mark.parametrize(("latin", "arabic"), [
    ("Suheir Jabara", "سهير جبارة"),  # ه after s: no "sh" digraph on the Arabic side
    ("Salim Kahil", "سليم كحيل"),  # ح after k
    ("Naser Al Tahrawi", "ناصر الطهراوي"),  # ه after ط
    ("Hala Jouda", "هلا جودة"),  # ou before a final vowel: the long u written و
    ("Israa Toutah", "اسراء طوطح"),
    ("Abdulhadi Habib", "عبدالهادي حبيب"),  # Abd joined: its d makes no digraph with the h after it
    ("Maher Agel", "ماهر عقل"),  # ق written g
])
def test_spellings_the_skeleton_used_to_miss_agree(latin: str, arabic: str) -> None:
    score, why = names.compare_names([latin], [arabic])
    assert score >= dom.THRESHOLD, (score, why, names.skeletons(latin), names.skeletons(arabic))


def test_a_long_u_tells_mahmoud_from_muhammad_and_the_reason_says_so() -> None:
    right, _ = names.compare_names(["Muhammad Awni Al-Mahlawi"], ["محمد عوني المحلاوي"])
    wrong, why = names.compare_names(["Mahmoud Awni Al-Mahlawi"], ["محمد عوني المحلاوي"])
    assert right > wrong and right - wrong >= 0.2
    assert "written vowels differ" in why
    # Yusuf's last u is short in يوسف: a spelling that cannot tell costs nothing
    assert names.compare_names(["Yusuf Awni"], ["يوسف عوني"])[0] >= 0.9


def test_a_kunya_alone_is_not_offered() -> None:
    score, why = names.compare_names(["Sameh Ahmed Qasem (Abu Ahmed)"], ["أنور سعد الزعيم `أبو احمد`"])
    assert score < dom.THRESHOLD and "nickname" in why
