"""Figure builders: a query result in, a plotly figure out, as the JSON plotly.js draws (a dict
of `data` and `layout`). Pure functions.

Figures are plain JSON, not `plotly.graph_objects`: building and validating graph objects
deep-copies the layout template on every change, which took half of the site's build time.
The tests check every builder's output against plotly's own validators instead.

Figures carry aggregates, never raw rows, so pages stay small. Labels that come from the data
are escaped (Plotly reads a few HTML tags inside text), so a name can never become markup.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.io as pio

from .words import words

Figure = dict[str, Any]

TIER_COLOURS = {
    "not_validated": "#4a5568",
    "low": "#4c9f70",
    "moderate": "#e0a526",
    "high": "#d9642b",
    "very_high": "#b3261e",
    "suspected_mo": "#6a3d9a",
    "diagnosed_mo": "#3b0f70",
}
# plotly's "plotly_white" look for the trace types these pages draw, resolved once
_WHITE = pio.templates["plotly_white"].to_plotly_json()
TEMPLATE = {
    "layout": _WHITE["layout"],
    "data": {kind: _WHITE["data"][kind] for kind in ("bar", "scatter")},
}
LAYOUT: dict[str, Any] = {
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    "height": 360,
    "template": TEMPLATE,
    "font": {"size": 13},
}


def _figure(traces: list[dict[str, Any]], title: str, **layout: Any) -> Figure:
    return {"data": traces, "layout": {**LAYOUT, "title": {"text": title}, **layout}}


def _title(text: str) -> dict[str, str]:
    return {"text": text}


def _list(values: Any) -> list[Any]:
    """A column as JSON values (NaN as null, as plotly writes it)."""
    return [None if pd.isna(v) else v for v in pd.Series(values).tolist()]


def _text(values: pd.Series) -> list[str]:
    return [html.escape(str(v)) for v in values]


def _words(values: pd.Series) -> list[str]:
    """Vocabulary codes in words, escaped."""
    return [html.escape(words(v)) for v in values]


def _empty(title: str) -> Figure:
    note = {"text": "no data yet", "showarrow": False, "x": 0.5, "y": 0.5}
    return _figure([], title, annotations=[{**note, "xref": "paper", "yref": "paper"}])


def _error_bars(frame: pd.DataFrame, value: str, low: str, high: str) -> dict[str, object]:
    return {
        "type": "data",
        "symmetric": False,
        "array": _list(frame[high] - frame[value]),
        "arrayminus": _list(frame[value] - frame[low]),
    }


def _rate_by_season(
    rates: pd.DataFrame, stem: str, title: str, axis: str, colour: str, hover: str
) -> Figure:
    """Bars of `<stem>_per_1000h` per season with its `<stem>_ci_low/high` interval."""
    if rates.empty:
        return _empty(title)
    value = f"{stem}_per_1000h"
    bar = {
        "type": "bar",
        "x": _text(rates["season"]),
        "y": _list(rates[value]),
        "error_y": _error_bars(rates, value, f"{stem}_ci_low", f"{stem}_ci_high"),
        "marker": {"color": colour},
        "hovertemplate": hover,
    }
    return _figure([bar], title, yaxis={"title": _title(axis)})


def incidence_by_season(rates: pd.DataFrame) -> Figure:
    return _rate_by_season(
        rates,
        "incidence",
        "Incidence per 1000 h by season (95% CI)",
        "injuries per 1000 h",
        "#2b6cb0",
        "%{x}: %{y:.1f} per 1000 h<extra></extra>",
    )


def burden_by_season(rates: pd.DataFrame) -> Figure:
    return _rate_by_season(
        rates,
        "burden",
        "Burden: days lost per 1000 h by season (95% CI)",
        "days lost per 1000 h",
        "#805ad5",
        "%{x}: %{y:.0f} days per 1000 h<extra></extra>",
    )


def match_vs_training(rates: pd.DataFrame) -> Figure:
    title = "Match and training incidence per 1000 h"
    if rates.empty:
        return _empty(title)
    seasons = _text(rates["season"])
    traces = [
        {
            "type": "bar",
            "name": name,
            "x": seasons,
            "y": _list(rates[f"{name}_incidence_per_1000h"]),
            "marker": {"color": colour},
        }
        for name, colour in (("match", "#c05621"), ("training", "#2f855a"))
    ]
    return _figure(traces, title, barmode="group", yaxis={"title": _title("injuries per 1000 h")})


def by_category(categories: pd.DataFrame, dimension: str) -> Figure:
    rows = categories[categories["dimension"] == dimension].sort_values("injuries")
    title = f"Injuries by {words(dimension)} (whole record)"
    if rows.empty:
        return _empty(title)
    bar = {
        "type": "bar",
        "x": _list(rows["injuries"]),
        "y": _words(rows["category"]),
        "orientation": "h",
        "customdata": [
            [a, b]
            for a, b in zip(
                _list(rows["incidence_per_1000h"]), _list(rows["mean_days_lost"]), strict=True
            )
        ],
        "hovertemplate": "%{y}: %{x} injuries, %{customdata[0]:.2f} per 1000 h, "
        "mean %{customdata[1]:.1f} days<extra></extra>",
        "marker": {"color": "#4a5568"},
    }
    return _figure(
        [bar],
        title,
        xaxis={"title": _title("injuries")},
        height=max(300, 28 * len(rows) + 100),
    )


RISK_LABELS = 6  # categories named on the risk matrix


def risk_matrix(categories: pd.DataFrame, dimension: str = "body_region") -> Figure:
    """Incidence against mean days lost per category, with iso-burden curves (Fuller 2018)."""
    rows = categories[(categories["dimension"] == dimension) & (categories["injuries"] > 0)]
    title = f"Risk matrix by {words(dimension)}: incidence x severity = burden"
    if rows.empty or rows["incidence_per_1000h"].isna().all():
        return _empty(title)
    burden = rows["incidence_per_1000h"] * rows["mean_days_lost"]
    labelled = (burden.rank(ascending=False, method="first") <= RISK_LABELS).to_numpy()
    names = _words(rows["category"])
    x_max = float(rows["incidence_per_1000h"].max()) * 1.2
    y_max = float(rows["mean_days_lost"].max()) * 1.2
    x = np.linspace(x_max / 200, x_max, 200)
    top = float((rows["incidence_per_1000h"] * rows["mean_days_lost"]).max())
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": x.tolist(),
            "y": (level / x).tolist(),
            "mode": "lines",
            "name": f"{level:g} days/1000 h",
            "line": {"dash": "dot", "width": 1, "color": "#a0aec0"},
            "hoverinfo": "skip",
        }
        for level in sorted({round(top * f, 1) for f in (0.25, 0.5, 1.0)})
    ]
    traces.append(
        {
            "type": "scatter",
            "x": _list(rows["incidence_per_1000h"]),
            "y": _list(rows["mean_days_lost"]),
            "mode": "markers+text",
            # names on the six largest burdens only: the small ones crowd the low-left
            # corner; every point names itself on hover
            "text": [n if big else "" for n, big in zip(names, labelled, strict=True)],
            "customdata": names,
            "textposition": "top center",
            "cliponaxis": False,
            "marker": {"size": _list(10 + 2 * np.sqrt(rows["injuries"])), "color": "#2b6cb0"},
            "name": words(dimension),
            "hovertemplate": "%{customdata}: %{x:.2f} per 1000 h, mean %{y:.1f} days"
            "<extra></extra>",
        }
    )
    return _figure(
        traces,
        title,
        xaxis={"title": _title("injuries per 1000 h"), "range": [0, x_max]},
        yaxis={"title": _title("mean days lost"), "range": [0, y_max]},
    )


def monthly_prevalence(prevalence: pd.DataFrame) -> Figure:
    title = "Monthly period prevalence (athletes injured / squad)"
    if prevalence.empty:
        return _empty(title)
    line = {
        "type": "scatter",
        "x": _text(prevalence["period_label"]),
        "y": _list(prevalence["prevalence"]),
        "mode": "lines+markers",
        "line": {"color": "#2c7a7b"},
        "hovertemplate": "%{x}: %{y:.0%}<extra></extra>",
    }
    return _figure([line], title, yaxis={"title": _title("prevalence"), "tickformat": ".0%"})


def reinjury_share(rates: pd.DataFrame) -> Figure:
    title = "Re-injury share by season (exacerbations and recurrences)"
    if rates.empty:
        return _empty(title)
    bar = {
        "type": "bar",
        "x": _text(rates["season"]),
        "y": _list(rates["reinjury_share"]),
        "marker": {"color": "#b7791f"},
        "hovertemplate": "%{x}: %{y:.0%}<extra></extra>",
    }
    return _figure([bar], title, yaxis={"title": _title("share of injuries"), "tickformat": ".0%"})


def athlete_timeline(timeline: pd.DataFrame, label: str = "athlete_name") -> Figure:
    """Each injury of the season as a bar from incident to return, per athlete (injurytools'
    injury photo); still-open injuries run to today and are drawn hatched."""
    title = "This season's injuries per athlete (incident to return)"
    if timeline.empty:
        return _empty(title)
    names = timeline[label].fillna(timeline["athlete_id"])
    start = pd.to_datetime(timeline["injury_date"])
    end = pd.to_datetime(timeline["end_date"]) + pd.Timedelta(days=1)
    traces = []
    # two traces, so the legend says what the hatched bars are
    for ongoing, name in ((False, "closed (to the return)"), (True, "ongoing (to today)")):
        rows = (timeline["is_ongoing"] == ongoing).to_numpy()
        if not rows.any():
            continue
        part = timeline[rows]
        traces.append(
            {
                "type": "bar",
                "name": name,
                "base": start[rows].dt.strftime("%Y-%m-%d").tolist(),
                "x": ((end - start).dt.total_seconds() * 1000)[rows].tolist(),
                "y": _text(names[rows]),
                "orientation": "h",
                "marker": {
                    "color": "#b3261e" if ongoing else "#2b6cb0",
                    "pattern": {"shape": "/" if ongoing else ""},
                },
                "customdata": [
                    list(c)
                    for c in zip(
                        _words(part["body_region"]),
                        _words(part["tissue"]),
                        _text(part["severity"]),
                        strict=True,
                    )
                ],
                "hovertemplate": "%{y}: %{customdata[0]} %{customdata[1]} (%{customdata[2]})"
                "<extra></extra>",
            }
        )
    return _figure(
        traces,
        title,
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        height=max(300, 24 * names.nunique() + 120),
    )


def runs_trend(trend: pd.DataFrame) -> Figure:
    title = "Rows loaded and quarantined per run"
    if trend.empty:
        return _empty(title)
    when = pd.to_datetime(trend["started_at"]).dt.strftime("%Y-%m-%d %H:%M").tolist()
    # the quarantined share on its own axis: 99 rows beside 44,000 loaded would not show
    rows_in = (trend["rows_loaded"] + trend["rows_quarantined"]).where(lambda n: n > 0)
    share = 100 * trend["rows_quarantined"] / rows_in
    traces = [
        {
            "type": "bar",
            "name": "rows loaded",
            "x": when,
            "y": _list(trend["rows_loaded"]),
            "marker": {"color": "#2f855a"},
        },
        {
            "type": "scatter",
            "name": "quarantined (% of rows in)",
            "x": when,
            "y": _list(share),
            "yaxis": "y2",
            "mode": "lines+markers",
            "marker": {"color": "#c53030"},
            "customdata": _list(trend["rows_quarantined"]),
            "hovertemplate": "%{x}: %{customdata} rows, %{y:.2f}%<extra></extra>",
        },
    ]
    return _figure(
        traces,
        title,
        xaxis={"type": "category"},
        yaxis={"title": _title("rows loaded")},
        yaxis2={
            "title": _title("quarantined, % of rows in"),
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
        },
        legend={"orientation": "h", "y": -0.25},
        margin={**LAYOUT["margin"], "r": 70, "b": 80},
    )
