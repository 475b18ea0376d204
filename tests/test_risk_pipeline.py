"""Risk model v2 over stored data: scope, re-injury, mo_risk rows, the reminder lifecycle, the
parameter table the SQL reads, and re-scoring."""

from __future__ import annotations

from datetime import date, datetime, time

from .models import build, table

D = date.fromisoformat


def contusion(record: str, day: str, **extra: object) -> dict[str, object]:
    return {
        "record_id": record,
        "injury_date": D(day),
        "injury_time": time(15, 0),
        "body_region": "thigh",
        "tissue": "muscle_contusion",
        "mechanism": "direct_contact",
        "side": "left",
        "sport": "soccer",
        "knee_flexion_deg": 130,
        "knee_effusion": False,
        "first_treatment_at": datetime.fromisoformat(f"{day} 15:10"),
        **extra,
    }


RISK = """select record_id, reinjury, tier, score, incomplete from mo_risk order by record_id"""


def test_only_thigh_muscle_contusions_are_scored():
    con = build(
        [
            contusion("C1", "2026-09-06"),
            {
                "record_id": "HAM",
                "injury_date": D("2026-09-07"),
                "body_region": "thigh",
                "tissue": "muscle_injury",
            },
            {
                "record_id": "SHIN",
                "injury_date": D("2026-09-08"),
                "body_region": "lower_leg",
                "tissue": "muscle_contusion",
            },
            {  # an illness recorded by mistake in the injury export: never scored
                "record_id": "FLU",
                "injury_date": D("2026-09-10"),
                "body_region": "region_unspecified",
                "tissue": "non_specific",
                "mechanism": "unknown",
                "notes": "influenza",
            },
            {
                "record_id": "MO",
                "injury_date": D("2026-09-09"),
                "body_region": "thigh",
                "tissue": "unknown",
                "osiics_code": "THM",
            },
        ]
    )
    assert [r[0] for r in table(con, RISK)] == ["C1", "MO"]
    assert table(con, "select tier from mo_risk where record_id = 'MO'") == [("diagnosed_mo",)]


def test_reinjury_same_thigh_other_thigh_and_unrecorded_side():
    con = build(
        [
            contusion("L1", "2026-01-10", return_date=D("2026-02-01")),
            contusion("L2", "2026-01-20"),  # before L1's return: exacerbation
            contusion("R1", "2026-03-01", side="right"),  # the other thigh: not a re-injury
            contusion("L3", "2026-06-01"),  # within 12 months of L1's return: recurrence
            contusion("N1", "2026-07-01", side=None),  # side not recorded: unknown
        ]
    )
    assert table(con, RISK) == [
        ("L1", "absent", "low", 0, False),
        ("L2", "present", "moderate", 3, False),
        # L2 has no return date and is over 6 weeks old: it says nothing; L1's return was
        # within 12 months: recurrence
        ("L3", "present", "moderate", 2, False),
        ("N1", "unknown", "low", 0, True),
        ("R1", "absent", "low", 0, False),
    ]


def test_delayed_treatment_from_stored_times():
    con = build(
        [
            contusion("ON72", "2026-09-06", first_treatment_at=datetime(2026, 9, 9, 15, 0)),
            contusion("OVER72", "2026-09-06", first_treatment_at=datetime(2026, 9, 9, 15, 1)),
            contusion(
                "NOTIME",
                "2026-09-06",
                injury_time=None,
                first_treatment_at=datetime(2026, 9, 9, 23, 59),
            ),
        ]
    )
    assert table(con, "select record_id, delayed_treatment from mo_risk order by 1") == [
        ("NOTIME", "absent"),
        ("ON72", "absent"),
        ("OVER72", "present"),
    ]


def test_mo_risk_row_reasons_and_reminder_status():
    con = build(
        [
            contusion(
                "C1",
                "2026-11-20",
                knee_flexion_deg=None,
                sport="american_football",
                knee_effusion=None,
            )
        ],
        as_of=D("2026-11-25"),
    )
    row = table(
        con,
        """
        select team_id, record_id, athlete_id, deep_contusion, reinjury, delayed_treatment,
               knee_effusion, collision_sport, incomplete, score, tier, tier_max,
               atypical_imaging, days_since_incident, missing_fields
        from mo_risk""",
    )
    assert row == [
        (
            "eagles",
            "C1",
            "A1",
            "unknown",
            "absent",
            "absent",
            "unknown",
            "present",
            True,
            1,
            "low",
            "high",
            False,
            5,
            ["knee_flexion_deg", "contusion_grade", "knee_effusion"],
        )
    ]
    reminders = {
        r[0]: r[1:]
        for r in table(
            con,
            """
        select r.rule, r.due_from, r.due_by, r.status
        from (select unnest(reminders) as r from mo_risk)""",
        )
    }
    assert reminders == {
        "acute_care": (D("2026-11-20"), D("2026-11-21"), "elapsed"),
        # the 12-48 h window closed on day 2: missed, not overdue
        "measure_flexion": (D("2026-11-21"), D("2026-11-22"), "missed"),
        "compartment_watch": (D("2026-11-20"), D("2026-11-28"), "due"),
        "return_criteria": (D("2026-11-20"), None, "due"),
        "padding_on_return": (D("2026-11-20"), None, "due"),
        # low to high: recording could change the tier; closes on day 7
        "record_missing": (D("2026-11-20"), D("2026-11-22"), "overdue"),
    }


def test_rescored_only_when_inputs_change_and_imaging_rescores():
    con = build(
        [contusion("C1", "2026-09-06"), contusion("C2", "2026-09-06", athlete_id="A2")],
        run_id="run-1",
    )
    assert table(con, "select record_id, tier, scored_run_id from mo_risk order by 1") == [
        ("C1", "low", "run-1"),
        ("C2", "low", "run-1"),
    ]
    # a later run with a new ultrasound of C1 re-scores C1 only
    build(
        imaging=[
            {
                "record_id": "US1",
                "injury_record_id": "C1",
                "exam_date": D("2026-09-22"),
                "echogenicity": "hypoechoic",
                "calcification": "peripheral",
                "lesion_layer": "intramuscular",
            }
        ],
        run_id="run-2",
        con=con,
    )
    assert table(con, "select record_id, tier, scored_run_id from mo_risk order by 1") == [
        ("C1", "suspected_mo", "run-2"),
        ("C2", "low", "run-1"),
    ]


def test_a_correction_that_removes_a_factor_lowers_the_score():
    con = build([contusion("C1", "2026-09-06", knee_effusion=True)], run_id="run-1")
    assert table(con, "select knee_effusion, score from mo_risk") == [("present", 1)]
    build([contusion("C1", "2026-09-06", knee_effusion=False)], run_id="run-2", con=con)
    assert table(con, "select knee_effusion, score, scored_run_id from mo_risk") == [
        ("absent", 0, "run-2")
    ]


def test_analyst_types_and_mo_risk_columns():
    con = build([contusion("C1", "2026-11-20", osiics_code="THQ")])
    types = dict(con.execute("select column_name, column_type from (describe injuries)").fetchall())
    assert types["days_lost"] == "INTEGER"
    rates = dict(
        con.execute("select column_name, column_type from (describe injury_rates)").fetchall()
    )
    assert rates["days_lost"] == "BIGINT"
    assert con.execute("select side, osiics_code from mo_risk").fetchall() == [("left", "THQ")]


def reminders_of(con, record: str) -> dict[str, tuple[object, ...]]:
    """rule: (due_from, due_by, status, on_board) of one contusion's reminders."""
    return {
        r[0]: r[1:]
        for r in table(
            con,
            f"""
            select r.rule, r.due_from, r.due_by, r.status, r.on_board
            from (select unnest(reminders) as r from mo_risk where record_id = '{record}')""",  # noqa: S608
        )
    }


def test_scope_is_the_anterior_thigh_hamstring_and_adductor_not_validated():
    con = build(
        [
            contusion("NOCODE", "2026-09-01"),
            contusion("THQ", "2026-09-02", osiics_code="THQ", athlete_id="A2"),
            contusion("THT", "2026-09-03", osiics_code="tht", athlete_id="A3"),
            contusion("THH", "2026-09-04", osiics_code="THH", athlete_id="A4", sport="rugby_union"),
            contusion("THD", "2026-09-05", osiics_code="THD", athlete_id="A5"),
            contusion("STRAIN", "2026-09-06", tissue="muscle_injury", athlete_id="A6"),
        ]
    )
    rows = table(con, "select record_id, scope, tier, score from mo_risk order by record_id")
    assert rows == [
        ("NOCODE", "quadriceps", "low", 0),
        ("THD", "other_compartment", "not_validated", None),
        ("THH", "other_compartment", "not_validated", None),
        ("THQ", "quadriceps", "low", 0),
        ("THT", "quadriceps", "low", 0),
    ]
    (reasons,) = table(con, "select reasons from mo_risk where record_id = 'THH'")[0]
    assert reasons == ["coded THH: model validated for the quadriceps only, no score"]
    # acute care without the flexion advice, and the return reminders; nothing else
    assert set(reminders_of(con, "THH")) == {
        "acute_care_no_flexion",
        "return_criteria",
        "padding_on_return",
    }
    # data_completeness asks for risk fields of scored contusions only
    asked = table(
        con,
        "select distinct record_id from data_completeness where check_name = 'risk_field_missing'",
    )
    assert ("THH",) not in asked


def test_reinjury_counts_only_earlier_anterior_thigh_contusions():
    con = build(
        [
            # a strain and a hamstring haematoma of the same thigh: never a re-injury
            contusion("STRAIN", "2026-03-01", tissue="muscle_injury", return_date=D("2026-03-20")),
            contusion("HAM", "2026-04-01", osiics_code="THH", return_date=D("2026-04-20")),
            contusion("HIT", "2026-05-01"),
            # an open earlier contusion counts as exacerbation for 6 weeks ...
            contusion("OPEN", "2026-06-01", athlete_id="A2"),
            contusion("SOON", "2026-07-10", athlete_id="A2"),
            # ... and later re-injury is unknown: its return is not recorded
            contusion("OLD", "2026-06-01", athlete_id="A3"),
            contusion("LATE", "2026-08-01", athlete_id="A3"),
        ]
    )
    rows = table(
        con,
        """select record_id, reinjury, reinjury_points, incomplete, missing_fields
           from mo_risk where record_id in ('HIT', 'SOON', 'LATE') order by record_id""",
    )
    assert rows == [
        ("HIT", "absent", 0, False, []),
        ("LATE", "unknown", 0, True, ["prior_return_date"]),
        ("SOON", "present", 3, False, []),
    ]
    (reasons,) = table(con, "select reasons from mo_risk where record_id = 'LATE'")[0]
    assert any("OLD of this thigh has no return date" in r for r in reasons)


def test_reminder_lifecycle_due_missed_shown_a_week_then_gone_and_done():
    rows = [contusion("C1", "2026-11-01", knee_flexion_deg=None, contusion_grade="moderate")]
    lifecycle = {
        day: reminders_of(build(rows, as_of=D(day)), "C1")["measure_flexion"][2:]
        for day in ("2026-10-31", "2026-11-03", "2026-11-04", "2026-11-10", "2026-11-11")
    }
    assert lifecycle == {
        "2026-10-31": ("upcoming", False),
        "2026-11-03": ("due", True),  # day 2: 48 h after a 15:00 incident
        "2026-11-04": ("missed", True),  # the window closed on day 2
        "2026-11-10": ("missed", True),  # shown for 7 days after closing
        "2026-11-11": ("missed", False),  # then kept in mo_risk only
    }
    measured = [{**rows[0], "knee_flexion_deg": 70, "knee_flexion_at": datetime(2026, 11, 2, 9)}]
    assert reminders_of(build(measured, as_of=D("2026-11-03")), "C1")["measure_flexion"][2:] == (
        "done",
        False,
    )
    # moderate: the 2-3 week review, done by an exam from day 14
    review = reminders_of(build(rows, as_of=D("2026-11-23")), "C1")["review_2_3_weeks"]
    assert review == (D("2026-11-15"), D("2026-11-22"), "overdue", True)
    exam = {"record_id": "US", "injury_record_id": "C1", "exam_date": D("2026-11-23")}
    after = reminders_of(build(rows, imaging=[exam], as_of=D("2026-11-23")), "C1")
    assert after["review_2_3_weeks"][2] == "done"


def test_imaging_reminders_count_from_the_exam_and_never_close_by_time():
    returned = contusion("C1", "2026-06-01", return_date=D("2026-06-15"))
    suspect = {
        "record_id": "US1",
        "injury_record_id": "C1",
        "exam_date": D("2026-06-25"),
        "echogenicity": "hyperechoic",  # mature MO is bright: calcification is the sign
        "calcification": "peripheral",
    }
    on_exam_day = build([returned], imaging=[suspect], as_of=D("2026-06-25"))
    assert table(on_exam_day, "select tier, tier_on from mo_risk") == [
        ("suspected_mo", D("2026-06-25"))
    ]
    assert reminders_of(on_exam_day, "C1")["refer_specialist"] == (
        D("2026-06-25"),
        D("2026-06-26"),
        "due",
        True,
    )
    months_later = build([returned], imaging=[suspect], as_of=D("2026-11-25"))
    assert reminders_of(months_later, "C1")["refer_specialist"][2:] == ("overdue", True)
    followed = build(
        [returned],
        imaging=[
            suspect,
            {**suspect, "record_id": "XR", "modality": "xray", "exam_date": D("2026-07-01")},
        ],
        as_of=D("2026-11-25"),
    )
    got = reminders_of(followed, "C1")
    assert got["refer_specialist"][2] == "done"
    assert got["xray_3_4_weeks"][2] == "done"


def test_atypical_card_stays_on_the_board_until_a_later_exam_resolves_it():
    returned = contusion("C1", "2025-01-10", return_date=D("2025-01-30"))
    central = {
        "record_id": "US1",
        "injury_record_id": "C1",
        "exam_date": D("2025-01-30"),
        "calcification": "central",
    }
    from sideline.mo_params import MO_TIERS, TIER_ORDER

    values = {
        "team_ids": ["eagles"],
        "as_of": D("2026-11-25"),
        "tier_order": list(TIER_ORDER),
        "mo_tiers": list(MO_TIERS),
    }
    con = build([returned], imaging=[central], as_of=D("2026-11-25"))
    assert table(con, "select atypical_imaging, atypical_on from mo_risk") == [
        (True, D("2025-01-30"))
    ]
    assert reminders_of(con, "C1")["atypical_mri_referral"][2:] == ("overdue", True)
    from sideline.db import query

    board = query(con, "dashboards/board_risk", values)
    assert list(board["record_id"]) == ["C1"]  # 22 months on, still on the board
    (reasons,) = table(con, "select reasons from mo_risk")[0]
    assert not any("most athletes return" in r.lower() for r in reasons)
    assert "expectations" not in reminders_of(con, "C1")
    resolved = build(
        [returned],
        imaging=[
            central,
            {
                **central,
                "record_id": "US2",
                "exam_date": D("2025-03-01"),
                "calcification": "peripheral",
            },
        ],
        as_of=D("2026-11-25"),
    )
    assert table(resolved, "select atypical_imaging from mo_risk") == [(False,)]
    assert reminders_of(resolved, "C1")["atypical_mri_referral"][2] == "done"
    assert query(resolved, "dashboards/board_risk", values).empty


def with_parameter(name: str, value: object) -> tuple[object, ...]:
    """The risk model's parameter table with one value changed."""
    from dataclasses import replace

    from sideline import mo_params

    return tuple(replace(p, value=value) if p.name == name else p for p in mo_params.PARAMETERS)


def test_the_sql_reads_the_parameter_table(monkeypatch):
    from sideline import mo_params

    con = build([])
    assert table(con, "select * from mo_parameters order by name") == sorted(
        (name, json_value, unit, rule, evidence, version)
        for name, json_value, unit, rule, evidence, version in mo_params.parameter_rows()
    )
    rows = [
        contusion("OLD", "2026-06-01"),
        contusion("LATE", "2026-08-01"),  # 61 days after an open contusion
    ]
    assert table(build(rows), "select reinjury from mo_risk where record_id = 'LATE'") == [
        ("unknown",)
    ]
    # one entry changed: the SQL follows it, and the version changes with it
    monkeypatch.setattr(mo_params, "PARAMETERS", with_parameter("open_prior_days", 90))
    monkeypatch.setitem(mo_params.PARAM, "open_prior_days", 90)
    assert mo_params._version() != mo_params.MODEL_VERSION
    assert table(build(rows), "select reinjury from mo_risk where record_id = 'LATE'") == [
        ("present",)
    ]


def test_a_version_change_rescores_every_stored_contusion_once():
    from sideline.flows.score import score_contusions

    from sideline.mo_params import MODEL_VERSION

    con = build(
        [
            contusion("C1", "2026-09-06", knee_flexion_deg=40, sport="rugby_union"),
            contusion("C2", "2026-10-06", athlete_id="A2", return_date=D("2026-10-20")),
        ]
    )
    # as a v1 database left them
    con.execute("update mo_score set model_version = 'mo-v1-fff82573', inputs_hash = 'v1'")
    first = score_contusions(con, "run-2", D("2026-11-25"))
    assert first.rescored == 2
    assert table(con, "select distinct model_version from mo_risk") == [(MODEL_VERSION,)]
    assert score_contusions(con, "run-3", D("2026-11-25")).rescored == 0


def test_prevention_measures_per_team_and_season():
    con = build(
        [
            contusion(
                "P1",
                "2026-09-01",
                first_treatment_at=datetime(2026, 9, 1, 15, 30),
                knee_flexion_at=datetime(2026, 9, 2, 10, 0),
                return_date=D("2026-09-10"),
            ),
            contusion("P2", "2026-09-10", first_treatment_at=datetime(2026, 9, 11, 10, 0)),
            contusion(
                "P3",
                "2026-09-20",
                injury_time=None,
                first_treatment_at=datetime(2026, 9, 25, 9, 0),
                side="right",
            ),
            contusion("H1", "2026-09-21", osiics_code="THH", athlete_id="A2"),  # not scored
            contusion("OLD", "2025-09-01", athlete_id="A3", return_date=D("2025-09-15")),
        ]
    )
    rows = table(
        con,
        """select season, contusions, treated_promptly, treated_before_delay_limit,
                  incident_time_missing, flexion_measured_12_48h, flexion_time_missing
           from mo_prevention order by season""",
    )
    assert rows == [
        ("2025/2026", 1, 1, 1, 0, 0, 1),
        # P1 within 2 h; P2 at 19 h; P3 without an incident time, treated after 4 days
        ("2026/2027", 3, 1, 2, 1, 1, 2),
    ]
    lost = table(
        con,
        """select season, sum(days_lost) from injuries
           where record_id in ('P1', 'P2', 'P3', 'OLD') group by season order by season""",
    )
    assert table(con, "select season, days_lost from mo_prevention order by season") == lost


def test_outcome_for_calibration_is_unknown_without_a_late_exam():
    exam = {"injury_record_id": "C1", "exam_date": D("2026-06-20"), "calcification": "none"}
    con = build(
        [
            contusion("C1", "2026-06-01"),  # exam at day 19, no calcification: no MO
            contusion("C2", "2026-06-01", athlete_id="A2"),  # calcified at day 30: MO
            contusion("C3", "2026-06-01", athlete_id="A3"),  # only an early exam: unknown
            contusion("C4", "2026-06-01", athlete_id="A4", osiics_code="THM"),
        ],
        imaging=[
            {**exam, "record_id": "E1"},
            {
                **exam,
                "record_id": "E2",
                "athlete_id": "A2",
                "injury_record_id": "C2",
                "exam_date": D("2026-07-01"),
                "calcification": "peripheral",
            },
            {
                **exam,
                "record_id": "E3",
                "athlete_id": "A3",
                "injury_record_id": "C3",
                "exam_date": D("2026-06-05"),
            },
        ],
    )
    assert table(
        con, "select record_id, outcome, is_imaged_after_day_14 from mo_risk order by 1"
    ) == [
        ("C1", "no_mo", True),
        ("C2", "mo", True),
        ("C3", "unknown", False),
        ("C4", "mo", False),
    ]


def test_changing_any_parameter_or_reminder_changes_the_version_and_rescores(monkeypatch):
    from dataclasses import replace as changed

    from sideline.flows.score import score_contusions

    from sideline import mo_params, risk

    for i, p in enumerate(mo_params.PARAMETERS):
        value = p.value + 1 if isinstance(p.value, int) else (*p.value, "X")
        table_ = list(mo_params.PARAMETERS)
        table_[i] = changed(p, value=value)
        monkeypatch.setattr(mo_params, "PARAMETERS", tuple(table_))
        assert mo_params._version() != mo_params.MODEL_VERSION, p.name
        monkeypatch.undo()
    for i, r in enumerate(mo_params.REMINDERS):
        rules = list(mo_params.REMINDERS)
        rules[i] = changed(r, due_from=r.due_from + 1)
        monkeypatch.setattr(mo_params, "REMINDERS", tuple(rules))
        assert mo_params._version() != mo_params.MODEL_VERSION, r.rule
        monkeypatch.undo()
    con = build([contusion("C1", "2026-09-06"), contusion("C2", "2026-10-06", athlete_id="A2")])
    assert score_contusions(con, "run-2", D("2026-11-25")).rescored == 0
    monkeypatch.setattr(risk, "MODEL_VERSION", "mo-v2-changed")
    assert score_contusions(con, "run-3", D("2026-11-25")).rescored == 2
