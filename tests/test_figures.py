"""Figure builders are pure: a small query result in, a figure with the right data out. The
builders write plotly's JSON directly; `drawn` reads it back through plotly's own validators,
which reject any property plotly.js does not know."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sideline.dashboards import figures
from sideline.dashboards.html import show, table

RATES = pd.DataFrame(
    {
        "season": ["2025/2026", "2026/2027"],
        "incidence_per_1000h": [8.0, 6.0],
        "incidence_ci_low": [6.0, 4.5],
        "incidence_ci_high": [10.0, 7.5],
        "burden_per_1000h": [120.0, 90.0],
        "burden_ci_low": [110.0, 80.0],
        "burden_ci_high": [130.0, 100.0],
        "match_incidence_per_1000h": [27.5, 20.0],
        "training_incidence_per_1000h": [4.1, 3.0],
        "reinjury_share": [0.1, 0.12],
    }
)


# a closed injury and an open one; the first name would be markup if it were not escaped
TIMELINE = pd.DataFrame(
    {
        "athlete_id": ["A1", "A2"],
        "athlete_name": ["<b>Ann</b>", None],
        "injury_date": [date(2026, 9, 1), date(2026, 9, 5)],
        "end_date": [date(2026, 9, 10), date(2026, 11, 25)],
        "is_ongoing": [False, True],
        "severity": ["8-28", "ongoing"],
        "body_region": ["thigh", "knee"],
        "tissue": ["muscle_contusion", "ligament"],
    }
)


def drawn(fig: dict) -> go.Figure:
    """The figure as plotly validates it (a ValueError names any unknown property)."""
    return go.Figure(fig)


def test_incidence_carries_asymmetric_confidence_intervals():
    fig = drawn(figures.incidence_by_season(RATES))
    bar = fig.data[0]
    assert list(bar.x) == ["2025/2026", "2026/2027"] and list(bar.y) == [8.0, 6.0]
    assert list(bar.error_y.array) == [2.0, 1.5] and list(bar.error_y.arrayminus) == [2.0, 1.5]


def test_match_and_training_side_by_side():
    fig = drawn(figures.match_vs_training(RATES))
    assert [t.name for t in fig.data] == ["match", "training"]
    assert list(fig.data[0].y) == [27.5, 20.0]


def test_risk_matrix_has_iso_burden_curves_through_the_categories():
    categories = pd.DataFrame(
        {
            "dimension": ["body_region"] * 2,
            "category": ["thigh", "knee"],
            "injuries": [10, 4],
            "incidence_per_1000h": [2.0, 0.5],
            "mean_days_lost": [12.0, 30.0],
            "days_lost": [120, 120],
            "burden_per_1000h": [24.0, 15.0],
        }
    )
    fig = drawn(figures.risk_matrix(categories))
    curves = [t for t in fig.data if t.mode == "lines"]
    points = next(t for t in fig.data if t.mode == "markers+text")
    assert list(points.text) == ["thigh", "knee"]
    top = max(c.y[0] * c.x[0] for c in curves)
    assert round(top, 6) == 24.0  # the highest curve passes through the highest burden


def test_timeline_escapes_names_and_marks_open_injuries():
    fig = drawn(figures.athlete_timeline(TIMELINE))
    closed, ongoing = fig.data
    assert list(closed.y) == ["&lt;b&gt;Ann&lt;/b&gt;"] and list(ongoing.y) == ["A2"]
    # the hatched bars have a legend entry saying what they are
    assert (closed.marker.pattern.shape, ongoing.marker.pattern.shape) == ("", "/")
    assert ongoing.name == "ongoing (to today)" and closed.name == "closed (to the return)"


def test_empty_results_draw_a_labelled_empty_figure():
    fig = drawn(figures.incidence_by_season(RATES.iloc[0:0]))
    assert fig.layout.annotations[0].text == "no data yet"


def test_every_builder_writes_figures_plotly_validates():
    """Pages write the builders' JSON without validating it again (html.figure); here plotly's
    validators read every builder's output, with data and empty, so a misspelt property fails."""
    categories = pd.DataFrame(
        {
            "dimension": ["body_region", "tissue", "mechanism"],
            "category": ["thigh", "muscle_contusion", "contact"],
            "injuries": [3, 2, 1],
            "incidence_per_1000h": [1.5, 1.0, 0.5],
            "mean_days_lost": [9.0, 4.0, 2.0],
        }
    )
    prevalence = pd.DataFrame({"period_label": ["2026-09", "2026-10"], "prevalence": [0.1, 0.2]})
    trend = pd.DataFrame(
        {
            "started_at": pd.to_datetime(["2026-11-24 02:00", "2026-11-25 02:00"]),
            "rows_loaded": [100, 0],
            "rows_quarantined": [2, 0],
        }
    )
    built = [
        figures.incidence_by_season(RATES),
        figures.burden_by_season(RATES),
        figures.match_vs_training(RATES),
        figures.reinjury_share(RATES),
        figures.risk_matrix(categories),
        figures.monthly_prevalence(prevalence),
        *(figures.by_category(categories, d) for d in ("body_region", "tissue", "mechanism")),
        figures.athlete_timeline(TIMELINE),
        figures.runs_trend(trend),
        figures.incidence_by_season(RATES.iloc[0:0]),
        figures.risk_matrix(categories.iloc[0:0]),
        figures.athlete_timeline(TIMELINE.iloc[0:0]),
        figures.runs_trend(trend.iloc[0:0]),
    ]
    for fig in built:
        checked = drawn(fig)
        assert checked.layout.title.text == fig["layout"]["title"]["text"]
        assert checked.layout.template.layout.plot_bgcolor == "white"
    shares = drawn(figures.runs_trend(trend)).data[1]
    assert shares.y[0] == 2 / 102 * 100 and shares.y[1] is None  # no rows in: no share


def test_html_table_escapes_every_cell():
    out = table([("<script>alert(1)</script>", 'a "quote" & more')], ["note", "<b>h</b>"])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&#34;quote&#34;" in out
    assert "<b>" not in out
    assert show(None) == "" and show(float("nan")) == ""


def test_every_template_autoescapes():
    """Jinja2 with autoescape on: a value from the data never becomes markup, in any template
    (a template whose name does not end in .html would not autoescape under select_autoescape;
    here autoescape is on for every template)."""
    from sideline.dashboards.html import ENV

    assert ENV.autoescape is True
    names = ENV.list_templates()
    assert {"base.html", "board.html", "index.html", "quality.html", "surveillance.html"} <= set(
        names
    )
    assert ENV.from_string("{{ x }}").render(x="<i>") == "&lt;i&gt;"


def test_vendored_plotly_basic_matches_plotly_py_and_draws_every_trace_type():
    import re

    from plotly.offline import get_plotlyjs_version
    from sideline.dashboards.site import PLOTLY_BASIC

    head = PLOTLY_BASIC.read_text(encoding="utf-8")[:300]
    assert re.search(r"plotly\.js \(basic - minified\) v(\S+)", head).group(1) == (
        get_plotlyjs_version()
    )
    # the basic bundle draws bar, scatter and pie only: every builder must stay within them
    builders = [
        drawn(figures.incidence_by_season(RATES)),
        drawn(figures.match_vs_training(RATES)),
        drawn(figures.reinjury_share(RATES)),
        drawn(figures.burden_by_season(RATES)),
    ]
    assert {t.type for f in builders for t in f.data} <= {"bar", "scatter", "pie"}


def test_availability_counts_athletes_not_injuries():
    import pandas as pd
    from sideline.dashboards.site import availability_counts

    out = pd.DataFrame(
        {
            "athlete_id": ["A1", "A1", "A2", "A3", "A3"],
            "availability": ["unavailable", "modified", "modified", "modified", "modified"],
        }
    )
    # A1 is out (the worst of their two injuries), A2 and A3 are modified, once each
    assert availability_counts(out, 32) == (1, 2, 29)
    assert availability_counts(out.iloc[0:0], 32) == (0, 0, 32)


def test_todays_actions_put_overdue_first_then_by_due_day():
    import pandas as pd
    from sideline.dashboards.site import today_actions

    def reminder(
        rule: str, status: str, due_by: str | None, kind: str = "action"
    ) -> dict[str, object]:
        on_board = status in ("due", "overdue", "missed") and rule != "m_old"
        return {
            "rule": rule,
            "text": rule,
            "status": status,
            "due_by": due_by,
            "kind": kind,
            "on_board": on_board,
        }

    risk = pd.DataFrame(
        {
            "record_id": ["A", "B"],
            "reminders": [
                [reminder("a1", "due", "2026-11-28"), reminder("a2", "upcoming", "2026-12-09")],
                [
                    reminder("b1", "due", None),
                    reminder("b2", "overdue", "2026-11-20"),
                    reminder("b3", "due", "2026-11-26"),
                    reminder("b4", "done", "2026-11-01"),
                    reminder("m1", "missed", "2026-11-22"),  # missed this week: shown once
                    reminder("m_old", "missed", "2026-10-01"),  # missed long ago: gone
                    reminder("adv", "due", None, kind="advice"),  # advice: on the card only
                ],
            ],
        }
    )
    assert [a["rule"] for a in today_actions(risk)] == ["b2", "b3", "a1", "b1", "m1"]


def test_risk_matrix_names_only_the_largest_burdens_and_every_point_on_hover():
    regions = ["thigh", "knee", "ankle", "hip_groin", "head", "foot", "hand", "neck"]
    categories = pd.DataFrame(
        {
            "dimension": ["body_region"] * len(regions),
            "category": regions,
            "injuries": [8, 7, 6, 5, 4, 3, 2, 1],
            "incidence_per_1000h": [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
            "mean_days_lost": [10.0] * len(regions),
        }
    )
    points = next(
        t for t in drawn(figures.risk_matrix(categories)).data if t.mode == "markers+text"
    )
    named = [t for t in points.text if t]
    assert named == ["thigh", "knee", "ankle", "hip/groin", "head", "foot"]
    assert list(points.customdata)[-2:] == ["hand", "neck"]
    assert points.cliponaxis is False  # a name at the edge is not cut off
