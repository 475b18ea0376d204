"""Myositis ossificans risk model v2: the parameter table and the reminder table (CLINICAL.md).

Every number, window and code of the model lives here, once. The Python rules
(`sideline.risk`, `sideline.reminders`) read it, and the SQL inputs read the same table as
`mo_parameters` (written into the database before the models run). `MODEL_VERSION` hashes both
tables, so changing any entry changes the version and every stored contusion is re-scored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Literal

Value = int | tuple[str, ...]


@dataclass(frozen=True)
class Param:
    name: str
    value: Value
    unit: str
    rule: str
    evidence: str


RYAN = "Ryan et al. 1991 (Am J Sports Med 19:299-304)"
JACKSON = "Jackson & Feagin 1973 (J Bone Joint Surg Am 55:95-105)"
REVIEWS = "Beiner & Jokl 2002; Walczak et al. 2015; Larson et al. 2002"
MIMICS = "Savvidou 2021 (EFORT Open Rev); Charnock 2019 (J Med Ultrasound)"

PARAMETERS: tuple[Param, ...] = (
    # scope
    Param(
        "scored_codes",
        ("THQ", "TH1", "THT"),
        "OSIICS",
        "thigh muscle contusions scored by the model (quadriceps haematoma, thigh contusion, "
        "thigh haematoma without a compartment), as is an uncoded one",
        "CLINICAL.md v2 scope: the evidence is about the quadriceps (anterior thigh)",
    ),
    Param(
        "not_validated_codes",
        ("THH", "THD"),
        "OSIICS",
        "hamstring and adductor haematomas: tier not_validated, no score",
        "CLINICAL.md v2 scope: no study of MO risk outside the quadriceps",
    ),
    Param(
        "diagnosed_codes",
        ("THM",),
        "OSIICS",
        "myositis ossificans of the thigh: tier diagnosed_mo",
        "OSIICS v14; ICD-10 M61.0",
    ),
    # deep contusion
    Param("flexion_severe_below", 45, "deg", "knee flexion under this: severe", JACKSON),
    Param(
        "flexion_moderate_to", 90, "deg", "knee flexion up to this, inclusive: moderate", JACKSON
    ),
    Param("flexion_mild_below", 120, "deg", "knee flexion under this: mild", RYAN),
    Param("deep_severe_points", 3, "points", "severe contusion or deep imaging layer", JACKSON),
    Param("deep_moderate_points", 2, "points", "moderate contusion", JACKSON),
    Param("deep_mild_points", 1, "points", "mild contusion, under 120 deg", RYAN),
    Param(
        "deep_layers",
        ("deep_muscle", "periosteal"),
        "layer",
        "imaging lesion layers that make a contusion deep",
        "expert opinion (CLINICAL.md v2)",
    ),
    Param(
        "flexion_grading_days",
        7,
        "days",
        "flexion grades only when measured within this of the incident (later reflects recovery)",
        "CLINICAL.md v2; Jackson & Feagin graded at 24-48 h, Ryan at 12-24 h",
    ),
    Param(
        "review_deep_points",
        2,
        "points",
        "deep contusion points from which the 2-3 week review and the compartment watch apply",
        "CLINICAL.md v2 reminders",
    ),
    # re-injury
    Param(
        "exacerbation_points",
        3,
        "points",
        "same thigh contused again before return from an earlier anterior-thigh contusion",
        f"{RYAN} (previous quadriceps injury); {REVIEWS}",
    ),
    Param(
        "recurrence_points",
        2,
        "points",
        "same thigh contused again within the recurrence window after return",
        RYAN,
    ),
    Param("recurrence_months", 12, "months", "recurrence window after return", RYAN),
    Param(
        "open_prior_days",
        42,
        "days",
        "an earlier contusion without a return date counts as exacerbation within this; later, "
        "re-injury is unknown (return not recorded)",
        "CLINICAL.md v2",
    ),
    # delayed treatment
    Param("delay_hours", 72, "hours", "first treatment later than this after the incident", RYAN),
    Param("delayed_points", 2, "points", "delayed first treatment", RYAN),
    # knee effusion
    Param("effusion_points", 1, "points", "ipsilateral knee effusion recorded", RYAN),
    # collision sport
    Param(
        "collision_sports",
        ("american_football", "rugby_union", "rugby_league", "australian_football", "ice_hockey"),
        "sport",
        "collision sports",
        f"{RYAN} (injury in American football; univariate, likely confounded by severity)",
    ),
    Param("collision_points", 1, "points", "collision sport", RYAN),
    # tiers
    Param("moderate_from", 2, "points", "lowest score of tier moderate", "CLINICAL.md v2 tiers"),
    Param("high_from", 4, "points", "lowest score of tier high", "CLINICAL.md v2 tiers"),
    Param("very_high_from", 6, "points", "lowest score of tier very_high", "CLINICAL.md v2 tiers"),
    # imaging
    Param(
        "suspected_calcification",
        ("peripheral", "diffuse"),
        "calcification",
        "calcification at the injury site on any modality: suspected_mo, whatever the "
        "echogenicity (mature MO is bright with acoustic shadowing)",
        "J Clin Ultrasound 2011;39:135; Walczak et al. 2015",
    ),
    Param(
        "atypical_calcification",
        ("central",),
        "calcification",
        "calcification that starts centrally: atypical (MO matures from the rim)",
        MIMICS,
    ),
    Param(
        "early_calcification_days",
        7,
        "days",
        "calcification seen sooner than this after the incident: an older lesion, atypical",
        "CLINICAL.md v2 (calcification appears from about two weeks)",
    ),
    Param(
        "persisting_mass_days",
        42,
        "days",
        "a mass without calcification still present on an exam this long after the incident: "
        "atypical",
        MIMICS,
    ),
    Param(
        "prompt_treatment_hours",
        2,
        "hours",
        "prevention measure: first treatment within this of the incident (time recorded)",
        "CLINICAL.md v2 prevention (prompt medical attention after trauma); Aronen et al. 2006",
    ),
    Param(
        "outcome_days",
        84,
        "days",
        "calibration outcome: calcification at the contusion site within this (12 weeks), or a "
        "THM code, is MO; no exam after day 14 leaves the outcome unknown, never 'no MO'",
        "CLINICAL.md v2 (outcome, for calibration later)",
    ),
    Param(
        "missed_shown_days",
        7,
        "days",
        "a missed reminder stays on the board this long after its window closed",
        "CLINICAL.md v2 reminders",
    ),
)
PARAM: dict[str, Value] = {p.name: p.value for p in PARAMETERS}


def number(name: str) -> int:
    value = PARAM[name]
    assert isinstance(value, int), name
    return value


def codes(name: str) -> frozenset[str]:
    value = PARAM[name]
    assert isinstance(value, tuple), name
    return frozenset(value)


# ---- the factors and tiers, named once ---------------------------------------------------------

State = Literal["present", "absent", "unknown"]
FACTOR_NAMES: tuple[str, ...] = (
    "deep_contusion",
    "reinjury",
    "delayed_treatment",
    "knee_effusion",
    "collision_sport",
)
# the most points each factor can add (tier_max adds these for every unknown factor)
MAX_POINTS: dict[str, str] = {
    "deep_contusion": "deep_severe_points",
    "reinjury": "exacerbation_points",
    "delayed_treatment": "delayed_points",
    "knee_effusion": "effusion_points",
    "collision_sport": "collision_points",
}
POINT_TIERS: tuple[str, ...] = ("low", "moderate", "high", "very_high")
MO_TIERS: tuple[str, ...] = ("suspected_mo", "diagnosed_mo")  # imaging or a code, not points
# every tier, in the order the board ranks them (last is the most urgent)
TIER_ORDER: tuple[str, ...] = ("not_validated", *POINT_TIERS, *MO_TIERS)
HIGH_TIERS: tuple[str, ...] = TIER_ORDER[TIER_ORDER.index("high") :]


def tier_of(score: int) -> str:
    if score >= number("very_high_from"):
        return "very_high"
    if score >= number("high_from"):
        return "high"
    if score >= number("moderate_from"):
        return "moderate"
    return "low"


def tier_floor(tier: str) -> int:
    return 0 if tier == "low" else number(f"{tier}_from")


# ---- the reminder table ------------------------------------------------------------------------

Trigger = Literal["incident", "tier", "exam"]
Kind = Literal["action", "advice"]


@dataclass(frozen=True)
class ReminderRule:
    """One reminder: when it applies, what starts it, when it is due (days from the trigger),
    when its window closes (`closes`: days from the trigger; None never by time alone, "return"
    at return to play) and what in the data shows it done (`done_when`, None: cannot show).

    Days are calendar days from the trigger's day. The referrals and the reviews due on
    their trigger's day stay due the next day too, so the board of the morning after (when the
    day's export has arrived) shows them as due, not as already late. Trigger `incident` counts
    from the incident, but never from before the day the condition held (a deep layer seen on
    day 16 makes the 2-3 week review due on day 16); `tier` counts from the day the tier was
    reached, `exam` from the exam that raised it."""

    rule: str
    applies: str
    trigger: Trigger
    due_from: int
    due_by: int | None
    closes: int | Literal["return"] | None
    done_when: str | None
    kind: Kind
    text: str
    source: str


ACUTE = (
    "Aronen et al. 2006 (Clin J Sport Med 16:383-7: 120 deg flexion within 10 min, for 24 h); "
    f"{REVIEWS} (no massage, heat or aggressive stretching)"
)
REMINDERS: tuple[ReminderRule, ...] = (
    ReminderRule(
        "acute_care",
        "every scored contusion",
        "incident",
        0,
        1,
        1,
        None,
        "advice",
        "Knee flexed as far as comfortable, up to about 120 deg, for the first 24 h (best started "
        "within minutes, as a sideline protocol); ice and compression; no massage, heat, alcohol "
        "or forceful stretching in the first 72 h; pain relief with paracetamol rather than "
        "NSAIDs in the first days, as the physician decides (bleeding).",
        ACUTE,
    ),
    ReminderRule(
        "acute_care_no_flexion",
        "every contusion outside the model's scope (hamstring, adductor)",
        "incident",
        0,
        1,
        1,
        None,
        "advice",
        "Ice and compression; no massage, heat, alcohol or forceful stretching in the first "
        "72 h; pain relief with paracetamol rather than NSAIDs in the first days, as the "
        "physician decides (bleeding).",
        REVIEWS,
    ),
    ReminderRule(
        "compartment_watch",
        "deep contusion 2 or more, or unknown, or tier high or very_high",
        "incident",
        0,
        8,
        8,
        None,
        "advice",
        "Watch for a tense thigh, pain out of proportion or pain on passive stretch: "
        "compartment syndrome is urgent and can appear late (day 3-8).",
        "CLINICAL.md v2 (thigh compartment syndrome after contusion, also late)",
    ),
    ReminderRule(
        "measure_flexion",
        "every scored contusion",
        "incident",
        1,
        2,
        2,
        "knee flexion recorded, measured within 48 h or at a time not recorded",
        "action",
        "Measure active knee flexion at 12-48 h and record it with its time; it grades the "
        "contusion.",
        f"{JACKSON}; {RYAN}",
    ),
    ReminderRule(
        "review_2_3_weeks",
        "deep contusion 2 or more, whatever the tier",
        "incident",
        14,
        21,
        42,
        "an exam 14 days or more after the incident",
        "action",
        "Review flexion, pain and any lump; ultrasound if flexion is not improving or a lump "
        "persists.",
        f"{REVIEWS} (ultrasound detects MO before X-ray)",
    ),
    ReminderRule(
        "start_treatment",
        "first treatment delayed or not recorded",
        "incident",
        0,
        0,
        "return",
        "first treatment recorded",
        "action",
        "Start treatment now and record when it began.",
        f"{RYAN} (treatment delayed more than 3 days)",
    ),
    ReminderRule(
        "return_criteria",
        "every contusion",
        "incident",
        0,
        None,
        "return",
        "return date recorded",
        "advice",
        "Return only with pain-free full flexion and strength.",
        f"{RYAN}; {REVIEWS}",
    ),
    ReminderRule(
        "padding_on_return",
        "collision sport or re-injury",
        "incident",
        0,
        None,
        "return",
        "return date recorded",
        "advice",
        "Thigh padding on return.",
        "Mitchell 2000 (junior Australian football, non-randomised: 9 haematomas vs 0)",
    ),
    ReminderRule(
        "physician_review_24h",
        "tier high",
        "tier",
        0,
        1,
        1,
        None,
        "action",
        "Team-physician review within 24 h.",
        "CLINICAL.md v2 tiers",
    ),
    ReminderRule(
        "physician_review_same_day",
        "tier very_high",
        "tier",
        0,
        0,
        1,
        None,
        "action",
        "Same-day physician review.",
        "CLINICAL.md v2 tiers",
    ),
    ReminderRule(
        "no_contact",
        "tier very_high",
        "tier",
        0,
        None,
        "return",
        "return date recorded",
        "advice",
        "No contact until cleared by the physician.",
        f"CLINICAL.md v2 tiers; {REVIEWS} (repeated trauma to an unresolved haematoma)",
    ),
    ReminderRule(
        "ultrasound_14_21",
        "tier very_high",
        "incident",
        14,
        21,
        42,
        "an ultrasound 14 days or more after the incident",
        "action",
        "Ultrasound at day 14-21.",
        f"CLINICAL.md v2 tiers; {REVIEWS} (ultrasound detects MO before X-ray)",
    ),
    ReminderRule(
        "record_missing",
        "incomplete, and recording the fields could change the tier",
        "incident",
        0,
        2,
        7,
        "the fields recorded",
        "action",
        "Record the missing fields: the tier could change.",
        "CLINICAL.md v2: unknown never counts as absent",
    ),
    ReminderRule(
        "refer_specialist",
        "tier suspected_mo",
        "exam",
        0,
        1,
        None,
        "a later exam or a THM code",
        "action",
        "Refer to a sports physician or orthopaedic specialist.",
        REVIEWS,
    ),
    ReminderRule(
        "xray_3_4_weeks",
        "tier suspected_mo",
        "incident",
        21,
        28,
        None,
        "an X-ray or CT 21 days or more after the incident",
        "action",
        "X-ray at 3-4 weeks; repeat at 6-8 weeks if negative and symptoms persist.",
        f"{REVIEWS} (X-ray shows calcification from 3-4 weeks)",
    ),
    ReminderRule(
        "protect_mass",
        "tier suspected_mo or diagnosed_mo",
        "exam",
        0,
        None,
        "return",
        "return date recorded",
        "advice",
        "No massage or forced stretching over the mass; NSAIDs only as prescribed (the evidence "
        "comes from hip surgery, not sport).",
        REVIEWS,
    ),
    ReminderRule(
        "expectations",
        "tier suspected_mo or diagnosed_mo, without unresolved atypical imaging",
        "exam",
        0,
        None,
        "return",
        "return date recorded",
        "advice",
        "Most athletes return without surgery, many within 3-4 months, some need about 6; "
        "excision only for a mature lesion that still limits the athlete 6-12 months later.",
        REVIEWS,
    ),
    ReminderRule(
        "atypical_mri_referral",
        "atypical imaging, unresolved",
        "exam",
        0,
        1,
        None,
        "resolved by a later exam without atypical features or a THM code",
        "action",
        "MRI with contrast and referral to a musculoskeletal tumour service before anything "
        "else; no biopsy or excision locally.",
        MIMICS,
    ),
    ReminderRule(
        "atypical_repeat_imaging",
        "atypical imaging, unresolved",
        "exam",
        28,
        42,
        None,
        "a later exam",
        "action",
        "Repeat imaging in 4-6 weeks.",
        MIMICS,
    ),
)
REMINDER: dict[str, ReminderRule] = {r.rule: r for r in REMINDERS}

PREVENTION: tuple[tuple[str, str], ...] = (
    ("Thigh padding in collision sports.", "Mitchell 2000 (non-randomised)"),
    ("Take a player off after a significant blow to assess the thigh.", "CLINICAL.md v2"),
    (
        "No contact while a haematoma is unresolved or flexion is incomplete.",
        f"{REVIEWS} (repeated trauma to an unresolved haematoma)",
    ),
    ("Prompt medical attention after any significant muscle trauma.", RYAN),
    (
        "Warm-up as general injury prevention (no evidence specific to contusions).",
        "CLINICAL.md v2",
    ),
)
DISCLAIMER = "Decision support for qualified medical staff; not a diagnosis."


def _version() -> str:
    table = json.dumps(
        {
            "parameters": [asdict(p) for p in PARAMETERS],
            "reminders": [asdict(r) for r in REMINDERS],
            "tiers": TIER_ORDER,
            "factors": FACTOR_NAMES,
        },
        sort_keys=True,
    )
    return "mo-v2-" + hashlib.sha256(table.encode()).hexdigest()[:8]


MODEL_VERSION = _version()


def parameter_rows() -> list[tuple[str, str, str, str, str, str]]:
    """The parameter table as rows for `mo_parameters` (value as JSON), with the version."""
    return [
        (
            p.name,
            json.dumps(list(p.value) if isinstance(p.value, tuple) else p.value),
            p.unit,
            p.rule,
            p.evidence,
            MODEL_VERSION,
        )
        for p in PARAMETERS
    ]


def reminder_rows() -> list[tuple[object, ...]]:
    """The reminder table as rows for `mo_reminder_rules`."""
    return [
        (
            r.rule,
            r.applies,
            r.trigger,
            r.due_from,
            r.due_by,
            None if r.closes in (None, "return") else r.closes,
            r.closes == "return",
            r.done_when,
            r.kind,
            r.text,
            r.source,
            MODEL_VERSION,
        )
        for r in REMINDERS
    ]
