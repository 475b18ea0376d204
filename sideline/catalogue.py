"""The column catalogue of CONTRACT.md section 1, written once.

It feeds the reader (header matching, table detection, parsing), the expectation suites, the
generator and the database schema checks. Change the contract here and everywhere follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "date", "time", "timestamp", "integer", "number", "boolean", "enum"]

UNKNOWN = "unknown"

ACTIVITY = ("match", "training", "other")
SIDE = ("left", "right", "bilateral", "central", "na")
MECHANISM = ("direct_contact", "indirect_contact", "non_contact")
CONTUSION_GRADE = ("mild", "moderate", "severe")
MODALITY = ("ultrasound", "xray", "mri", "ct")
ECHOGENICITY = ("hypoechoic", "anechoic", "isoechoic", "hyperechoic", "mixed")
CALCIFICATION = ("none", "peripheral", "central", "diffuse")
LESION_LAYER = ("subcutaneous", "intramuscular", "deep_muscle", "periosteal")

# IOC 2020 body areas (Bahr et al. 2020, Table 4) with their OSIICS region letters, which the
# contract accepts in place of the name.
BODY_REGION_LETTERS: dict[str, str] = {
    "H": "head",
    "N": "neck",
    "S": "shoulder",
    "U": "upper_arm",
    "E": "elbow",
    "R": "forearm",
    "W": "wrist",
    "P": "hand",
    "C": "chest",
    "D": "thoracic_spine",
    "L": "lumbosacral",
    "O": "abdomen",
    "G": "hip_groin",
    "T": "thigh",
    "K": "knee",
    "Q": "lower_leg",
    "A": "ankle",
    "F": "foot",
    "Z": "region_unspecified",
    "X": "multiple_regions",
}
BODY_REGION = tuple(BODY_REGION_LETTERS.values())

# IOC 2020 tissue and pathology types (Bahr et al. 2020, Table 5).
TISSUE = (
    "muscle_injury",
    "muscle_contusion",
    "muscle_compartment_syndrome",
    "tendinopathy",
    "tendon_rupture",
    "brain_spinal_cord",
    "nerve",
    "fracture",
    "bone_stress_injury",
    "bone_contusion",
    "avascular_necrosis",
    "physis",
    "cartilage",
    "arthritis",
    "synovitis_capsulitis",
    "bursitis",
    "ligament",
    "chronic_instability",
    "superficial_contusion",
    "laceration",
    "abrasion",
    "vessels",
    "stump",
    "internal_organs",
    "non_specific",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    letters: dict[str, str] | None = None
    # the range applies to this derived column instead (a period total is judged per day)
    range_of: str | None = None
    # an identifier: part of a record key, so it may hold no control characters
    identifier: bool = False

    @property
    def allowed(self) -> tuple[str, ...]:
        """Enum values a cell may hold after normalisation; every enum accepts `unknown`."""
        return (*self.values, UNKNOWN)


@dataclass(frozen=True)
class Order:
    """`later` must not come before `earlier` in the same row (both present)."""

    later: str
    earlier: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    orders: tuple[Order, ...] = ()
    # what no two rows of one file may share (rows with any of these empty are not compared);
    # the record key unless a table says otherwise
    unique: tuple[str, ...] = ()

    @property
    def unique_key(self) -> tuple[str, ...]:
        return self.unique or self.key

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _text(name: str, required: bool = False) -> Column:
    return Column(name, "text", required)


def _id(name: str, required: bool = True) -> Column:
    return Column(name, "text", required, identifier=True)


def _enum(name: str, values: tuple[str, ...], required: bool = False) -> Column:
    return Column(name, "enum", required, values)


INJURIES = Table(
    name="injuries",
    columns=(
        _id("record_id"),
        _id("team_id"),
        _id("athlete_id"),
        _text("athlete_name"),
        Column("injury_date", "date", True),
        Column("injury_time", "time"),
        _enum("activity", ACTIVITY, True),
        _text("sport"),
        Column("body_region", "enum", True, BODY_REGION, letters=BODY_REGION_LETTERS),
        _enum("side", SIDE),
        _enum("tissue", TISSUE, True),
        _text("osiics_code"),
        _enum("mechanism", MECHANISM, True),
        _text("contact_source"),
        Column("time_loss_start", "date"),
        Column("return_date", "date"),
        Column("first_treatment_at", "timestamp"),
        Column("knee_flexion_deg", "integer", minimum=0, maximum=160),
        # when the flexion was measured (risk model v2: it grades only within 7 days)
        Column("knee_flexion_at", "timestamp"),
        _enum("contusion_grade", CONTUSION_GRADE),
        Column("knee_effusion", "boolean"),
        _text("notes"),
        # Extension: intermittent time loss (IOC 2020 Table 10) cannot be told by one start and
        # one return date; when given, the whole days actually missed are the days lost.
        Column("days_missed", "integer", minimum=0, maximum=3660),
    ),
    key=("team_id", "record_id"),
    orders=(
        Order("time_loss_start", "injury_date"),
        Order("return_date", "injury_date"),
        Order("return_date", "time_loss_start"),
        Order("first_treatment_at", "incident_at"),
        Order("knee_flexion_at", "incident_at"),
    ),
)

EXPOSURES = Table(
    name="exposures",
    columns=(
        _id("team_id"),
        _id("athlete_id"),
        Column("date", "date", True),
        _enum("activity", ACTIVITY, True),
        Column("minutes", "number", True, minimum=0, maximum=1440, range_of="minutes_per_day"),
        # a row may total a period, from `date` to `period_end` inclusive; its minutes are then
        # limited to 1440 per day of the period
        Column("period_end", "date"),
        # tells apart sessions of one day (two-a-day training); optional
        _id("session_id", required=False),
    ),
    # No record id in the contract (section 1): an athlete's rows for one date and activity are
    # one record, and a later file's rows for it replace the earlier ones (a re-sent export
    # corrects, never doubles). Rows without a session_id are separate sessions; two rows of one
    # file with the same session_id are a duplicate.
    key=("team_id", "athlete_id", "date", "activity"),
    unique=("team_id", "athlete_id", "date", "activity", "session_id"),
    orders=(Order("period_end", "date"),),
)

IMAGING = Table(
    name="imaging",
    columns=(
        _id("record_id"),
        _id("team_id"),
        _id("athlete_id"),
        _id("injury_record_id", required=False),
        Column("exam_date", "date", True),
        _enum("modality", MODALITY, True),
        _enum("echogenicity", ECHOGENICITY),
        _enum("calcification", CALCIFICATION),
        _enum("lesion_layer", LESION_LAYER),
        Column("lesion_size_mm", "number", minimum=0, maximum=1000),
        _text("impression"),
    ),
    key=("team_id", "record_id"),
)

TABLES: dict[str, Table] = {t.name: t for t in (INJURIES, EXPOSURES, IMAGING)}

# Health data: kept in the pipeline database for the medical pages, never in analyst relations.
NAME_COLUMNS = ("athlete_name",)
# Free text: clinicians write names into it, so it stays in the pipeline database unless a team
# opts its analysts in (SIDELINE_ANALYST_FREE_TEXT).
FREE_TEXT_COLUMNS = ("notes", "impression")


def normalise_header(name: str) -> str:
    """CONTRACT 1: case-insensitive after trimming; spaces and dashes count as underscores."""
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")
