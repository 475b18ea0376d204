"""Hostile inbox files, as a new user or an attacker would drop them (issue 8), each with the
athlete names it hides. The per-item tests and the one-run hostile inbox test share them."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

import openpyxl
from openpyxl.styles import Font

INJURY_COLUMNS = [
    "record_id",
    "team_id",
    "athlete_id",
    "athlete_name",
    "injury_date",
    "activity",
    "body_region",
    "tissue",
    "mechanism",
    "notes",
]
EXPOSURE_HEADER = "team_id,athlete_id,date,activity,minutes"


def injury(
    record_id: str, athlete: str, name: str, notes: str = "", team: str = "hawks"
) -> list[str]:
    return [
        record_id,
        team,
        athlete,
        name,
        "2026-09-06",
        "match",
        "thigh",
        "muscle_contusion",
        "direct_contact",
        notes,
    ]


def csv_text(columns: list[str], rows: list[list[str]]) -> str:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n') else v

    return "\n".join(",".join(cell(v) for v in r) for r in [columns, *rows]) + "\n"


@dataclass(frozen=True)
class Hostile:
    name: str
    content: bytes
    names: tuple[str, ...] = ()  # athlete names the file holds
    good_rows: int = 0  # rows of it that must load


def field_count() -> Hostile:
    """athlete_name first, and one row with an extra field."""
    columns = ["athlete_name", *[c for c in INJURY_COLUMNS if c != "athlete_name"]]
    good = ["Olga Okayrow", "H-FC1", "hawks", "HAWK-01", "2026-09-06", "match", "thigh"]
    good += ["muscle_contusion", "direct_contact", ""]
    bad = ["Yolanda Fennimore", "H-FC2", "hawks", "HAWK-02", "2026-09-06", "match", "thigh"]
    bad += ["muscle_contusion", "direct_contact", "", "surplus"]
    text = ",".join(columns) + "\n" + ",".join(good) + "\n" + ",".join(bad) + "\n"
    return Hostile(
        "injuries_fieldcount.csv", text.encode(), ("Yolanda Fennimore", "Olga Okayrow"), 1
    )


def jsonl_broken() -> Hostile:
    good = dict(zip(INJURY_COLUMNS, injury("H-J1", "HAWK-03", "Jasper Goodline"), strict=True))
    cut = json.dumps(
        dict(zip(INJURY_COLUMNS, injury("H-J2", "HAWK-04", "Jasmine Cutline"), strict=True))
    )
    array = json.dumps(injury("H-J3", "HAWK-05", "Arnold Arrayline"))
    lines = [json.dumps(good), cut[: len(cut) // 2 + 20], array]
    return Hostile(
        "injuries_broken.jsonl",
        ("\n".join(lines) + "\n").encode(),
        ("Jasper Goodline", "Jasmine Cutline", "Arnold Arrayline"),
        1,
    )


def headerless() -> Hostile:
    rows = [["P3_1", "eagles", "EAG-001", "Rupert Headerless", "2026-09-06", "match", "thigh"]]
    text = "\n".join(",".join(r) for r in rows) + "\n"
    return Hostile("export_noheader.csv", text.encode(), ("Rupert Headerless",))


def unquoted_comma() -> Hostile:
    """A name with a comma nobody quoted: every value after it shifts right."""
    header = ",".join(INJURY_COLUMNS)
    row = (
        "H-UC1,hawks,HAWK-06,Commasplit, Petra,2026-09-06,match,thigh,"
        "muscle_contusion,direct_contact,"
    )
    good = ",".join(injury("H-UC2", "HAWK-07", "Gina Straight"))
    return Hostile(
        "injuries_comma.csv",
        f"{header}\n{row}\n{good}\n".encode(),
        ("Commasplit", "Petra", "Gina Straight"),
        1,
    )


def extra_columns() -> Hostile:
    """Names in columns the contract does not have, on a row that fails a rule."""
    columns = [*INJURY_COLUMNS, "AthleteName", "Physio"]
    bad = [*injury("H-EX1", "HAWK-08", ""), "Walter Extracol", "Phyllis Physioname"]
    bad[4] = "not-a-date"
    good = [*injury("H-EX2", "HAWK-09", ""), "Edna Extragood", "Phyllis Physioname"]
    return Hostile(
        "injuries_extra.csv",
        csv_text(columns, [bad, good]).encode(),
        ("Walter Extracol", "Phyllis Physioname", "Edna Extragood"),
        1,
    )


def name_in_notes() -> Hostile:
    rows = [injury("H-N1", "HAWK-10", "Zed Quokkason", notes="Zed Quokkason hit by knee")]
    return Hostile(
        "injuries_notes.csv", csv_text(INJURY_COLUMNS, rows).encode(), ("Zed Quokkason",), 1
    )


def long_note() -> Hostile:
    rows = [injury("H-LN1", "HAWK-11", "Lorna Lindqvist", notes="thigh hit. " * 20_000)]
    return Hostile(
        "injuries_longnote.csv", csv_text(INJURY_COLUMNS, rows).encode(), ("Lorna Lindqvist",), 1
    )


def cut_inside_quotes() -> Hostile:
    good = csv_text(INJURY_COLUMNS, [injury("H-CQ1", "HAWK-12", "Carla Beforecut")])
    cut = ",".join(injury("H-CQ2", "HAWK-13", "Quentin Quillon")[:-1]) + ',"iced in flexion, then'
    return Hostile(
        "injuries_cutquote.csv",
        (good + cut + "\nH-CQ3,hawks,HAWK-14,Rest Oflines\n").encode(),
        ("Carla Beforecut", "Quentin Quillon", "Rest Oflines"),
        1,
    )


def deep_json() -> Hostile:
    good = json.dumps(
        {
            "team_id": "hawks",
            "athlete_id": "HAWK-15",
            "date": "2026-09-06",
            "activity": "training",
            "minutes": 60,
        }
    )
    deep = (
        '{"team_id": "hawks", "athlete_id": "HAWK-16", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    digits = json.dumps(
        {"team_id": "hawks", "athlete_id": "HAWK-17", "date": "2026-09-06", "activity": "match"}
    )
    digits = digits[:-1] + ', "minutes": ' + "9" * 5000 + "}"
    return Hostile("exposures_deep.jsonl", f"{good}\n{deep}\n{digits}\n".encode(), (), 1)


def workbook(rows: list[list[object]], styled_after_header: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if styled_after_header:
        sheet.cell(row=1, column=len(rows[0]) + 1).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change: callable) -> bytes:  # type: ignore[valid-type]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def exposure_rows(first: int, count: int) -> list[list[object]]:
    header: list[object] = ["team_id", "athlete_id", "date", "activity", "minutes"]
    return [header] + [
        ["hawks", f"HAWK-X{i}", "2026-09-07", "training", 45] for i in range(first, first + count)
    ]


def xlsx_dimension_lie() -> Hostile:
    """Declares A1:E3 and holds 5 data rows."""
    data = workbook(exposure_rows(1, 5))
    data = rewrite_sheet(
        data, lambda x: x.replace(b'<dimension ref="A1:E6" />', b'<dimension ref="A1:E3" />')
    )
    return Hostile("exposures_dimension.xlsx", data, (), 5)


def xlsx_formula() -> Hostile:
    rows = exposure_rows(10, 2)
    rows[2][4] = "=30+15"  # written by a program, never calculated
    return Hostile("exposures_formula.xlsx", workbook(rows), (), 1)


def xlsx_styled_cell() -> Hostile:
    return Hostile(
        "exposures_styled.xlsx", workbook(exposure_rows(20, 3), styled_after_header=True), (), 3
    )


def xlsx_cut() -> Hostile:
    rows = [INJURY_COLUMNS] + [
        injury(f"H-XC{i}", f"HAWK-C{i}", "Xavier Xlsxcut") for i in range(40)
    ]
    data = rewrite_sheet(workbook(rows), lambda x: x[: len(x) // 2])  # type: ignore[arg-type]
    return Hostile("injuries_cut.xlsx", data, ("Xavier Xlsxcut",))


def key_collision() -> Hostile:
    a = dict(zip(INJURY_COLUMNS, injury("b\x1fc", "HAWK-20", "", team="a"), strict=True))
    b = dict(zip(INJURY_COLUMNS, injury("c", "HAWK-21", "", team="a\x1fb"), strict=True))
    return Hostile("injuries_keys.jsonl", (json.dumps(a) + "\n" + json.dumps(b) + "\n").encode())


def team_all() -> Hostile:
    rows = [injury("ALL-1", "ALL-01", "", team="all")]
    return Hostile("injuries_team_all.csv", csv_text(INJURY_COLUMNS, rows).encode(), (), 1)


def blank_lines() -> Hostile:
    """Header on line 1, blank lines, and a bad row on line 6."""
    good = "hawks,HAWK-30,2026-09-07,training,60"
    text = f"{EXPOSURE_HEADER}\n\n{good}\n\n\nhawks,HAWK-31,2026-09-07,training,lots\n"
    return Hostile("exposures_blank.csv", text.encode(), (), 1)


def two_a_day() -> Hostile:
    text = (
        f"{EXPOSURE_HEADER}\n"
        "hawks,HAWK-40,2026-09-08,training,60\nhawks,HAWK-40,2026-09-08,training,75\n"
    )
    return Hostile("exposures_twoaday.csv", text.encode(), (), 2)


def every_file() -> list[Hostile]:
    return [
        field_count(),
        jsonl_broken(),
        headerless(),
        unquoted_comma(),
        extra_columns(),
        name_in_notes(),
        long_note(),
        cut_inside_quotes(),
        deep_json(),
        xlsx_dimension_lie(),
        xlsx_formula(),
        xlsx_styled_cell(),
        xlsx_cut(),
        key_collision(),
        team_all(),
        blank_lines(),
        two_a_day(),
    ]
