"""Myositis ossificans risk model v2: clinical scenarios with expected tier and reasons, and
properties that must hold for every input (hypothesis); the v1 properties still hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.mo_params import (
    FACTOR_NAMES,
    MAX_POINTS,
    MODEL_VERSION,
    REMINDER,
    TIER_ORDER,
    number,
    tier_of,
)
from sideline.reminders import plan
from sideline.risk import Contusion, Exam, assess

DAY = date(2026, 9, 6)
AT = time(15, 0)
# a fully recorded, low-risk soccer contusion: every factor known and absent
BASE = Contusion(
    record_id="C1",
    injury_date=DAY,
    injury_time=AT,
    side="left",
    sport="soccer",
    first_treatment_at=datetime.combine(DAY, AT) + timedelta(minutes=10),
    knee_flexion_deg=130,
    knee_effusion=False,
)


def us(
    days: int,
    echo: str = "hypoechoic",
    calc: str = "none",
    layer: str = "intramuscular",
    modality: str = "ultrasound",
) -> Exam:
    return Exam(f"E{days}", DAY + timedelta(days=days), modality, echo, calc, layer)


def treated_after(hours: float, minutes: int = 0) -> datetime:
    return datetime.combine(DAY, AT) + timedelta(hours=hours, minutes=minutes)


# name: (contusion, tier, tier_max, score, incomplete, phrases that must be in the reasons)
SCENARIOS: dict[str, tuple[Contusion, str, str, int, bool, tuple[str, ...]]] = {
    "fully recorded, nothing present": (BASE, "low", "low", 0, False, ("120 deg or more",)),
    "flexion 40: severe": (
        replace(BASE, knee_flexion_deg=40),
        "moderate",
        "moderate",
        3,
        False,
        ("knee flexion 40 deg (time not recorded, taken as 12-48 h): severe contusion (+3)",),
    ),
    "flexion exactly 45: moderate": (
        replace(BASE, knee_flexion_deg=45),
        "moderate",
        "moderate",
        2,
        False,
        ("45 deg (time not recorded, taken as 12-48 h): moderate contusion (+2)",),
    ),
    "flexion 44: severe": (
        replace(BASE, knee_flexion_deg=44),
        "moderate",
        "moderate",
        3,
        False,
        ("severe contusion (+3)",),
    ),
    "flexion exactly 90: moderate": (
        replace(BASE, knee_flexion_deg=90),
        "moderate",
        "moderate",
        2,
        False,
        ("90 deg (time not recorded, taken as 12-48 h): moderate contusion (+2)",),
    ),
    "flexion 91: mild": (
        replace(BASE, knee_flexion_deg=91),
        "low",
        "low",
        1,
        False,
        ("mild contusion, under 120 deg (+1)",),
    ),
    "flexion 119: mild": (replace(BASE, knee_flexion_deg=119), "low", "low", 1, False, ("(+1)",)),
    "flexion exactly 120: absent": (
        replace(BASE, knee_flexion_deg=120),
        "low",
        "low",
        0,
        False,
        ("120 deg or more (0)",),
    ),
    "missing flexion, grade moderate": (
        replace(BASE, knee_flexion_deg=None, contusion_grade="moderate"),
        "moderate",
        "moderate",
        2,
        False,
        ("contusion graded moderate (+2)",),
    ),
    "missing flexion, grade mild": (
        replace(BASE, knee_flexion_deg=None, contusion_grade="mild"),
        "low",
        "low",
        1,
        False,
        ("graded mild, flexion not measured (+1)",),
    ),
    "grade mild ignored when flexion measured": (
        replace(BASE, knee_flexion_deg=130, contusion_grade="mild"),
        "low",
        "low",
        0,
        False,
        (),
    ),
    "grade severe outweighs reassuring flexion": (
        replace(BASE, knee_flexion_deg=130, contusion_grade="severe"),
        "moderate",
        "moderate",
        3,
        False,
        ("contusion graded severe (+3)",),
    ),
    "deep lesion on ultrasound outweighs reassuring flexion": (
        replace(BASE, exams=(us(2, layer="deep_muscle"),)),
        "moderate",
        "moderate",
        3,
        False,
        ("lesion in deep_muscle layer (+3)",),
    ),
    "depth unknown": (
        replace(BASE, knee_flexion_deg=None),
        "low",
        "moderate",
        0,
        True,
        ("depth unknown",),
    ),
    "treatment exactly 72 h after: not delayed": (
        replace(BASE, first_treatment_at=treated_after(72)),
        "low",
        "low",
        0,
        False,
        ("within 72 h (72 h)",),
    ),
    "treatment 72 h 1 min after: delayed": (
        replace(BASE, first_treatment_at=treated_after(72, 1)),
        "moderate",
        "moderate",
        2,
        False,
        ("over 72 h (+2)",),
    ),
    "missing incident time counts as end of day": (
        replace(
            BASE,
            injury_time=None,
            first_treatment_at=datetime.combine(DAY, time(23, 0)) + timedelta(hours=72),
        ),
        "low",
        "low",
        0,
        False,
        ("within 72 h",),
    ),
    "treatment time unknown": (
        replace(BASE, first_treatment_at=None),
        "low",
        "moderate",
        0,
        True,
        ("time of first treatment not recorded",),
    ),
    "effusion": (
        replace(BASE, knee_effusion=True),
        "low",
        "low",
        1,
        False,
        ("ipsilateral knee effusion (+1)",),
    ),
    "collision sport": (
        replace(BASE, sport="american_football"),
        "low",
        "low",
        1,
        False,
        ("collision sport: american_football (+1)",),
    ),
    "exacerbation of the same thigh": (
        replace(BASE, reinjury="exacerbation", reinjury_of="C0"),
        "moderate",
        "moderate",
        3,
        False,
        ("left thigh contused again before return from C0 (exacerbation, +3)",),
    ),
    "recurrence within 12 months": (
        replace(BASE, reinjury="recurrence", reinjury_of="C0"),
        "moderate",
        "moderate",
        2,
        False,
        ("within 12 months of return from C0 (recurrence, +2)",),
    ),
    "re-injury side unknown": (
        replace(BASE, reinjury="unknown_side", reinjury_of="C0"),
        "low",
        "moderate",
        0,
        True,
        ("side not recorded",),
    ),
    "the brief's three drivers together": (
        replace(
            BASE,
            knee_flexion_deg=40,
            reinjury="exacerbation",
            reinjury_of="C0",
            first_treatment_at=treated_after(100),
        ),
        "very_high",
        "very_high",
        8,
        False,
        ("(+3)", "over 72 h (+2)"),
    ),
    "high: moderate depth, effusion, collision": (
        replace(BASE, knee_flexion_deg=60, knee_effusion=True, sport="rugby_union"),
        "high",
        "high",
        4,
        False,
        ("moderate contusion (+2)",),
    ),
    "missing everything": (
        Contusion(record_id="C9", injury_date=DAY),
        "low",
        "very_high",
        0,
        True,
        (
            "depth unknown",
            "time of first treatment not recorded",
            "knee effusion not recorded",
            "sport not recorded",
        ),
    ),
    "ultrasound hypoechoic mass with peripheral calcification": (
        replace(BASE, exams=(us(16, calc="peripheral"),)),
        "suspected_mo",
        "suspected_mo",
        0,
        False,
        ("peripheral calcification at the injury site: suspected myositis ossificans",),
    ),
    "mixed echo with diffuse calcification": (
        replace(BASE, exams=(us(20, echo="mixed", calc="diffuse"),)),
        "suspected_mo",
        "suspected_mo",
        0,
        False,
        ("suspected myositis ossificans",),
    ),
    "hypoechoic without calcification: haematoma only": (
        replace(BASE, exams=(us(16),)),
        "low",
        "low",
        0,
        False,
        (),
    ),
    "x-ray calcification in the muscle": (
        replace(BASE, exams=(us(25, echo=None, calc="peripheral", modality="xray"),)),
        "suspected_mo",
        "suspected_mo",
        0,
        False,
        ("xray",),
    ),
    "central calcification: atypical": (
        replace(BASE, exams=(us(16, calc="central"),)),
        "low",
        "low",
        0,
        False,
        ("atypical for traumatic MO",),
    ),
    "calcification 5 days after: atypical and suspected": (
        replace(BASE, exams=(us(5, calc="peripheral"),)),
        "suspected_mo",
        "suspected_mo",
        0,
        False,
        ("calcification already 5 days after the incident",),
    ),
    "coded THM: diagnosed": (
        replace(BASE, osiics_code="THM"),
        "diagnosed_mo",
        "diagnosed_mo",
        0,
        False,
        ("coded THM",),
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_clinical_scenario(name: str) -> None:
    contusion, tier, tier_max, score, incomplete, phrases = SCENARIOS[name]
    a = assess(contusion)
    assert (a.tier, a.tier_max, a.score, a.incomplete) == (tier, tier_max, score, incomplete)
    text = " | ".join(a.reasons)
    for phrase in phrases:
        assert phrase in text, f"{phrase!r} not in {text!r}"
    assert a.model_version == MODEL_VERSION


def test_atypical_flag_and_reminder():
    c = replace(BASE, exams=(us(16, calc="central"),))
    a = assess(c)
    assert a.atypical_imaging and a.atypical_on == DAY + timedelta(16)
    assert "atypical_mri_referral" in {r.rule for r in plan(c, a)}


def test_reminders_count_from_their_trigger():
    c = replace(
        BASE,
        knee_flexion_deg=None,
        knee_effusion=None,
        sport="american_football",
        first_treatment_at=treated_after(100),
        reinjury="recurrence",
        reinjury_of="C0",
    )
    a = assess(c)
    by_rule = {r.rule: r for r in plan(c, a)}
    assert a.points_tier == "high" and a.tier_max == "very_high"
    assert (by_rule["acute_care"].due_from, by_rule["acute_care"].due_by) == (
        DAY,
        DAY + timedelta(1),
    )
    assert (by_rule["measure_flexion"].due_from, by_rule["measure_flexion"].closes_on) == (
        DAY + timedelta(1),
        DAY + timedelta(2),
    )
    assert by_rule["measure_flexion"].done is False
    assert by_rule["start_treatment"].done is True
    # depth unknown: the compartment watch applies; the 2-3 week review needs depth 2 or more
    assert "compartment_watch" in by_rule and "review_2_3_weeks" not in by_rule
    assert "could rise from high to as high as very high" in by_rule["record_missing"].text
    assert {"padding_on_return", "return_criteria"} <= set(by_rule)
    assert all(r.source for r in by_rule.values())


def test_a_tier_reached_later_dates_its_reminders_from_that_day():
    # moderate at the incident (collision + effusion), high when the deep layer shows on day 16
    c = replace(BASE, knee_effusion=True, sport="rugby_union", exams=(us(16, layer="deep_muscle"),))
    a = assess(c)
    assert (a.points_tier, a.points_tier_on) == ("high", DAY + timedelta(16))
    by_rule = {r.rule: r for r in plan(c, a)}
    review = by_rule["physician_review_24h"]
    assert (review.due_from, review.due_by) == (DAY + timedelta(16), DAY + timedelta(17))
    # the 2-3 week review is due from the day the depth was known, within its window
    assert by_rule["review_2_3_weeks"].due_from == DAY + timedelta(16)


def test_very_high_has_the_compartment_warning_and_same_day_review():
    c = replace(
        BASE,
        reinjury="exacerbation",
        reinjury_of="C0",
        first_treatment_at=treated_after(100),
        knee_effusion=True,
    )
    a = assess(c)
    assert a.points_tier == "very_high" and a.deep_points == 0
    rules = {r.rule: r for r in plan(c, a)}
    assert {"compartment_watch", "physician_review_same_day", "no_contact"} <= set(rules)
    # very high from the day the late treatment was recorded (day 4): the watch counts from then,
    # and an MO exam later (an imaging tier) does not move it
    assert rules["compartment_watch"].due_from == DAY + timedelta(4)
    imaged = replace(c, exams=(us(16, calc="peripheral"),))
    watch = next(r for r in plan(imaged, assess(imaged)) if r.rule == "compartment_watch")
    assert watch.due_from == DAY + timedelta(4)


def test_every_moderately_deep_contusion_gets_the_review_whatever_the_sport():
    soccer = replace(BASE, knee_flexion_deg=30)  # severe, soccer: score 3, moderate
    a = assess(soccer)
    assert a.points_tier == "moderate"
    assert "review_2_3_weeks" in {r.rule for r in plan(soccer, a)}


def test_flexion_grades_only_within_seven_days():
    at = datetime.combine(DAY, AT)
    early = assess(replace(BASE, knee_flexion_deg=40, knee_flexion_at=at + timedelta(hours=30)))
    assert early.points["deep_contusion"] == 3
    assert any("(at 30 h)" in r for r in early.reasons)
    late = assess(replace(BASE, knee_flexion_deg=40, knee_flexion_at=at + timedelta(days=9)))
    assert late.factors["deep_contusion"] == "unknown" and late.incomplete
    assert any("later than 7 days" in r for r in late.reasons)
    # a late value leaves a grade to decide
    graded = assess(
        replace(
            BASE,
            knee_flexion_deg=40,
            knee_flexion_at=at + timedelta(days=9),
            contusion_grade="mild",
        )
    )
    assert graded.points["deep_contusion"] == 1
    # measured after 48 h: the measuring reminder is not done (missed once its window closed)
    c = replace(BASE, knee_flexion_deg=80, knee_flexion_at=at + timedelta(hours=60))
    measure = next(r for r in plan(c, assess(c)) if r.rule == "measure_flexion")
    assert measure.done is False


def test_imaging_v2_rules():
    # mature MO: bright calcification with shadowing, hyperechoic at two months
    mature = assess(replace(BASE, exams=(us(60, echo="hyperechoic", calc="peripheral"),)))
    assert mature.tier == "suspected_mo"
    # a mass without calcification at 6 weeks: atypical
    persisting = assess(replace(BASE, exams=(us(42, calc="none"),)))
    assert persisting.atypical_imaging
    # a growing mass between two exams: atypical
    grown = assess(
        replace(
            BASE,
            exams=(
                replace(us(10), lesion_size_mm=30.0),
                replace(us(20, calc="none"), record_id="E20b", lesion_size_mm=45.0),
            ),
        )
    )
    assert grown.atypical_imaging and any("grew from 30 to 45 mm" in r for r in grown.reasons)
    # central calcification, then a later exam without atypical features: resolved
    resolved = assess(replace(BASE, exams=(us(16, calc="central"), us(30, calc="peripheral"))))
    assert not resolved.atypical_imaging and resolved.atypical_on == DAY + timedelta(16)
    # atypical: no reassuring text while it is open
    c = replace(
        BASE, exams=(us(20, calc="central"), us(21, calc="peripheral", layer="deep_muscle"))
    )
    c = replace(c, exams=(us(20, calc="peripheral"), us(24, calc="central")))
    a = assess(c)
    assert a.tier == "suspected_mo" and a.atypical_imaging
    assert "expectations" not in {r.rule for r in plan(c, a)}


def test_hamstring_contusion_not_validated():
    c = replace(BASE, scope="other_compartment", osiics_code="THH", knee_flexion_deg=30)
    a = assess(c)
    assert (a.tier, a.score, a.incomplete) == ("not_validated", None, False)
    assert a.reasons == ("coded THH: model validated for the quadriceps only, no score",)
    rules = {r.rule for r in plan(c, a)}
    assert rules == {"acute_care_no_flexion", "return_criteria"}


def test_model_version_follows_the_tables():
    assert MODEL_VERSION.startswith("mo-v2-")
    assert sum(number(MAX_POINTS[f]) for f in FACTOR_NAMES) == 10


# ---- properties -------------------------------------------------------------------------------

contusions = st.builds(
    Contusion,
    record_id=st.just("P"),
    injury_date=st.just(DAY),
    injury_time=st.none() | st.just(AT),
    side=st.sampled_from([None, "left", "right", "na"]),
    sport=st.sampled_from([None, "unknown", "soccer", "american_football", "ice_hockey"]),
    osiics_code=st.sampled_from([None, "THQ", "TH1"]),
    first_treatment_at=st.none() | st.integers(0, 200).map(lambda h: treated_after(h)),
    knee_flexion_deg=st.none() | st.integers(0, 160),
    contusion_grade=st.sampled_from([None, "unknown", "mild", "moderate", "severe"]),
    knee_effusion=st.none() | st.booleans(),
    knee_flexion_at=st.none() | st.integers(0, 300).map(lambda h: treated_after(h)),
    reinjury=st.sampled_from(
        [None, "exacerbation", "recurrence", "unknown_side", "unknown_return"]
    ),
    exams=st.lists(
        st.builds(
            Exam,
            record_id=st.just("E"),
            exam_date=st.integers(0, 40).map(lambda d: DAY + timedelta(days=d)),
            modality=st.sampled_from(["ultrasound", "xray", "mri"]),
            echogenicity=st.sampled_from([None, "hypoechoic", "mixed", "isoechoic"]),
            calcification=st.sampled_from([None, "none", "peripheral", "central"]),
            lesion_layer=st.sampled_from([None, "intramuscular", "deep_muscle"]),
            lesion_size_mm=st.none() | st.sampled_from([10.0, 30.0]),
        ),
        max_size=2,
    ).map(tuple),
)

# each way to make one factor present, applied on top of any contusion
MAKE_PRESENT = {
    "deep_contusion": lambda c: replace(c, knee_flexion_deg=30, knee_flexion_at=None),
    "reinjury": lambda c: replace(c, reinjury="exacerbation", reinjury_of="X"),
    "delayed_treatment": lambda c: replace(c, first_treatment_at=treated_after(200)),
    "knee_effusion": lambda c: replace(c, knee_effusion=True),
    "collision_sport": lambda c: replace(c, sport="rugby_union"),
}


@settings(max_examples=300, deadline=None)
@given(contusions, st.sampled_from(sorted(MAKE_PRESENT)))
def test_adding_a_present_factor_never_lowers_score_or_tier(c, factor):
    before, after = assess(c), assess(MAKE_PRESENT[factor](c))
    assert after.factors[factor] == "present"
    assert after.score >= before.score
    assert TIER_ORDER.index(after.tier) >= TIER_ORDER.index(before.tier)


@settings(max_examples=300, deadline=None)
@given(contusions)
def test_unknown_never_scores_as_absent_without_the_incomplete_flag(c):
    a = assess(c)
    unknown = [n for n, s in a.factors.items() if s == "unknown"]
    assert a.incomplete == bool(unknown)
    assert all(a.points[n] == 0 for n in unknown)
    if unknown:
        assert TIER_ORDER.index(a.points_tier_max) >= TIER_ORDER.index(a.points_tier)
        # asked to record only when recording could change the tier
        asked = any(r.rule == "record_missing" for r in plan(c, a))
        assert asked == (a.points_tier_max != a.points_tier)
    else:
        assert a.points_tier_max == a.points_tier
    # tier_max is the tier if every unknown factor were present
    worst = c
    for n in unknown:
        worst = (
            MAKE_PRESENT[n](worst)
            if n != "reinjury"
            else replace(worst, reinjury="exacerbation", reinjury_of="X")
        )
    assert tier_of(assess(worst).score) == a.points_tier_max or unknown == []


@settings(max_examples=300, deadline=None)
@given(contusions)
def test_imaging_override_always_wins(c):
    a = assess(c)
    if (c.osiics_code or "").upper() == "THM":
        assert a.tier == "diagnosed_mo"
    hit = replace(c, exams=(*c.exams, us(16, calc="peripheral")))
    assert assess(hit).tier in ("suspected_mo", "diagnosed_mo")
    worst = replace(
        hit,
        knee_flexion_deg=10,
        reinjury="exacerbation",
        first_treatment_at=treated_after(200),
        knee_effusion=True,
        sport="rugby_union",
    )
    assert assess(worst).tier == "suspected_mo"


@settings(max_examples=200, deadline=None)
@given(contusions)
def test_every_reminder_traces_to_a_rule_of_the_model(c):
    for reminder in plan(c, assess(c)):
        rule = REMINDER[reminder.rule]
        assert reminder.source == rule.source and reminder.text
        assert reminder.due_by is None or reminder.due_by >= reminder.due_from
        # imaging-triggered reminders never close by time alone
        if rule.trigger == "exam" and rule.kind == "action":
            assert reminder.closes_on is None


def test_a_missing_factor_that_cannot_change_the_tier_asks_for_nothing():
    # deep (3) + exacerbation (3) + delayed (2) = 8, very_high; effusion unknown (+1) stays there
    c = Contusion(
        record_id="X",
        injury_date=date(2026, 11, 1),
        sport="soccer",
        knee_flexion_deg=30,
        reinjury="exacerbation",
        reinjury_of="W",
        first_treatment_at=datetime(2026, 11, 5, 12, 0),
    )
    a = assess(c)
    assert a.points_tier == a.points_tier_max == "very_high" and a.incomplete
    assert "record_missing" not in {r.rule for r in plan(c, a)}


def _rules(c: Contusion) -> dict[str, object]:
    return {r.rule: r for r in plan(c, assess(c))}


# one contusion per corner of the model; together they raise every reminder of the table
CORNERS = {
    "severe, delayed, very high": replace(
        BASE,
        knee_flexion_deg=30,
        reinjury="exacerbation",
        reinjury_of="C0",
        first_treatment_at=treated_after(100),
        sport="rugby_union",
    ),
    "high": replace(BASE, knee_flexion_deg=60, knee_effusion=True, sport="rugby_union"),
    "suspected MO": replace(BASE, exams=(us(16, calc="peripheral"),)),
    "atypical": replace(BASE, exams=(us(16, calc="central"),)),
    "hamstring": replace(BASE, scope="other_compartment", osiics_code="THH"),
    "treatment unknown": replace(BASE, first_treatment_at=None),
}


def test_every_reminder_of_the_table_is_reachable():
    raised = {rule for c in CORNERS.values() for rule in _rules(c)}
    assert raised == set(REMINDER)


def test_reminders_done_when_the_data_show_it():
    very_high = CORNERS["severe, delayed, very high"]
    assert _rules(very_high)["ultrasound_14_21"].done is False
    scanned = replace(very_high, exams=(us(15),))
    assert _rules(scanned)["ultrasound_14_21"].done is True
    returned = replace(very_high, return_date=DAY + timedelta(30))
    got = _rules(returned)
    assert got["no_contact"].done and got["return_criteria"].done
    assert got["no_contact"].closes_on == DAY + timedelta(30)
    atypical = CORNERS["atypical"]
    assert _rules(atypical)["atypical_repeat_imaging"].done is False
    assert _rules(atypical)["atypical_repeat_imaging"].due_from == DAY + timedelta(16 + 28)
    followed = replace(atypical, exams=(*atypical.exams, us(50, calc="central")))
    assert _rules(followed)["atypical_repeat_imaging"].done is True
    # still central on the later exam: not resolved, the referral stays open
    assert _rules(followed)["atypical_mri_referral"].done is False
    suspected = CORNERS["suspected MO"]
    assert _rules(suspected)["protect_mass"].done is None
    assert _rules(replace(suspected, return_date=DAY + timedelta(90)))["protect_mass"].done
