"""Figure builders: a query result in, a `plotly.graph_objects.Figure` out. Pure functions.

Figures carry aggregates, never raw rows, so pages stay small. Labels that come from the data
are escaped (Plotly reads a few HTML tags inside text), so a name can never become markup.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .words import words

TIER_COLOURS = {
    "not_validated": "#4a5568",
    "low": "#4c9f70",
    "moderate": "#e0a526",
    "high": "#d9642b",
    "very_high": "#b3261e",
    "suspected_mo": "#6a3d9a",
    "diagnosed_mo": "#3b0f70",
}
LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    "height": 360,
    "template": "plotly_white",
    "font": {"size": 13},
}


def _text(values: pd.Series) -> list[str]:
    return [html.escape(str(v)) for v in values]


def _words(values: pd.Series) -> list[str]:
    """Vocabulary codes in words, escaped."""
    return [html.escape(words(v)) for v in values]


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, **LAYOUT)
    fig.add_annotation(
        text="no data yet", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    return fig


def _error_bars(frame: pd.DataFrame, value: str, low: str, high: str) -> dict[str, object]:
    return {
        "type": "data",
        "symmetric": False,
        "array": (frame[high] - frame[value]).tolist(),
        "arrayminus": (frame[value] - frame[low]).tolist(),
    }


def _rate_by_season(
    rates: pd.DataFrame, stem: str, title: str, axis: str, colour: str, hover: str
) -> go.Figure:
    """Bars of `<stem>_per_1000h` per season with its `<stem>_ci_low/high` interval."""
    if rates.empty:
        return _empty(title)
    value = f"{stem}_per_1000h"
    fig = go.Figure(
        go.Bar(
            x=_text(rates["season"]),
            y=rates[value],
            error_y=_error_bars(rates, value, f"{stem}_ci_low", f"{stem}_ci_high"),
            marker_color=colour,
            hovertemplate=hover,
        )
    )
    fig.update_layout(title=title, yaxis_title=axis, **LAYOUT)
    return fig


def incidence_by_season(rates: pd.DataFrame) -> go.Figure:
    return _rate_by_season(
        rates,
        "incidence",
        "Incidence per 1000 h by season (95% CI)",
        "injuries per 1000 h",
        "#2b6cb0",
        "%{x}: %{y:.1f} per 1000 h<extra></extra>",
    )


def burden_by_season(rates: pd.DataFrame) -> go.Figure:
    return _rate_by_season(
        rates,
        "burden",
        "Burden: days lost per 1000 h by season (95% CI)",
        "days lost per 1000 h",
        "#805ad5",
        "%{x}: %{y:.0f} days per 1000 h<extra></extra>",
    )


def match_vs_training(rates: pd.DataFrame) -> go.Figure:
    title = "Match and training incidence per 1000 h"
    if rates.empty:
        return _empty(title)
    fig = go.Figure(
        [
            go.Bar(
                name="match",
                x=_text(rates["season"]),
                y=rates["match_incidence_per_1000h"],
                marker_color="#c05621",
            ),
            go.Bar(
                name="training",
                x=_text(rates["season"]),
                y=rates["training_incidence_per_1000h"],
                marker_color="#2f855a",
            ),
        ]
    )
    fig.update_layout(title=title, barmode="group", yaxis_title="injuries per 1000 h", **LAYOUT)
    return fig


def by_category(categories: pd.DataFrame, dimension: str) -> go.Figure:
    rows = categories[categories["dimension"] == dimension].sort_values("injuries")
    title = f"Injuries by {words(dimension)} (whole record)"
    if rows.empty:
        return _empty(title)
    fig = go.Figure(
        go.Bar(
            x=rows["injuries"],
            y=_words(rows["category"]),
            orientation="h",
            customdata=np.stack([rows["incidence_per_1000h"], rows["mean_days_lost"]], axis=-1),
            hovertemplate="%{y}: %{x} injuries, %{customdata[0]:.2f} per 1000 h, "
            "mean %{customdata[1]:.1f} days<extra></extra>",
            marker_color="#4a5568",
        )
    )
    fig.update_layout(
        title=title, xaxis_title="injuries", **{**LAYOUT, "height": max(300, 28 * len(rows) + 100)}
    )
    return fig


RISK_LABELS = 6  # categories named on the risk matrix


def risk_matrix(categories: pd.DataFrame, dimension: str = "body_region") -> go.Figure:
    """Incidence against mean days lost per category, with iso-burden curves (Fuller 2018)."""
    rows = categories[(categories["dimension"] == dimension) & (categories["injuries"] > 0)]
    title = f"Risk matrix by {words(dimension)}: incidence x severity = burden"
    if rows.empty or rows["incidence_per_1000h"].isna().all():
        return _empty(title)
    fig = go.Figure()
    burden = rows["incidence_per_1000h"] * rows["mean_days_lost"]
    labelled = (burden.rank(ascending=False, method="first") <= RISK_LABELS).to_numpy()
    names = _words(rows["category"])
    x_max = float(rows["incidence_per_1000h"].max()) * 1.2
    y_max = float(rows["mean_days_lost"].max()) * 1.2
    x = np.linspace(x_max / 200, x_max, 200)
    top = float((rows["incidence_per_1000h"] * rows["mean_days_lost"]).max())
    for burden in sorted({round(top * f, 1) for f in (0.25, 0.5, 1.0)}):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=burden / x,
                mode="lines",
                name=f"{burden:g} days/1000 h",
                line={"dash": "dot", "width": 1, "color": "#a0aec0"},
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=rows["incidence_per_1000h"],
            y=rows["mean_days_lost"],
            mode="markers+text",
            # names on the six largest burdens only: the small ones crowd the low-left
            # corner; every point names itself on hover
            text=[n if big else "" for n, big in zip(names, labelled, strict=True)],
            customdata=names,
            textposition="top center",
            cliponaxis=False,
            marker={"size": 10 + 2 * np.sqrt(rows["injuries"]), "color": "#2b6cb0"},
            name=words(dimension),
            hovertemplate="%{customdata}: %{x:.2f} per 1000 h, mean %{y:.1f} days<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis={"title": "injuries per 1000 h", "range": [0, x_max]},
        yaxis={"title": "mean days lost", "range": [0, y_max]},
        **LAYOUT,
    )
    return fig


def monthly_prevalence(prevalence: pd.DataFrame) -> go.Figure:
    title = "Monthly period prevalence (athletes injured / squad)"
    if prevalence.empty:
        return _empty(title)
    fig = go.Figure(
        go.Scatter(
            x=_text(prevalence["period_label"]),
            y=prevalence["prevalence"],
            mode="lines+markers",
            line_color="#2c7a7b",
            hovertemplate="%{x}: %{y:.0%}<extra></extra>",
        )
    )
    fig.update_layout(title=title, yaxis={"title": "prevalence", "tickformat": ".0%"}, **LAYOUT)
    return fig


def reinjury_share(rates: pd.DataFrame) -> go.Figure:
    title = "Re-injury share by season (exacerbations and recurrences)"
    if rates.empty:
        return _empty(title)
    fig = go.Figure(
        go.Bar(
            x=_text(rates["season"]),
            y=rates["reinjury_share"],
            marker_color="#b7791f",
            hovertemplate="%{x}: %{y:.0%}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title, yaxis={"title": "share of injuries", "tickformat": ".0%"}, **LAYOUT
    )
    return fig


def athlete_timeline(timeline: pd.DataFrame, label: str = "athlete_name") -> go.Figure:
    """Each injury of the season as a bar from incident to return, per athlete (injurytools'
    injury photo); still-open injuries run to today and are drawn hatched."""
    title = "This season's injuries per athlete (incident to return)"
    if timeline.empty:
        return _empty(title)
    names = timeline[label].fillna(timeline["athlete_id"])
    start = pd.to_datetime(timeline["injury_date"])
    end = pd.to_datetime(timeline["end_date"]) + pd.Timedelta(days=1)
    fig = go.Figure()
    # two traces, so the legend says what the hatched bars are
    for ongoing, name in ((False, "closed (to the return)"), (True, "ongoing (to today)")):
        rows = (timeline["is_ongoing"] == ongoing).to_numpy()
        if not rows.any():
            continue
        part = timeline[rows]
        fig.add_trace(
            go.Bar(
                name=name,
                base=start[rows],
                x=((end - start).dt.total_seconds() * 1000)[rows],
                y=_text(names[rows]),
                orientation="h",
                marker={
                    "color": "#b3261e" if ongoing else "#2b6cb0",
                    "pattern": {"shape": "/" if ongoing else ""},
                },
                customdata=np.stack(
                    [
                        _words(part["body_region"]),
                        _words(part["tissue"]),
                        _text(part["severity"]),
                    ],
                    axis=-1,
                ),
                hovertemplate="%{y}: %{customdata[0]} %{customdata[1]} (%{customdata[2]})"
                "<extra></extra>",
            )
        )
    fig.update_layout(
        title=title,
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        **{**LAYOUT, "height": max(300, 24 * names.nunique() + 120)},
    )
    return fig


def runs_trend(trend: pd.DataFrame) -> go.Figure:
    title = "Rows loaded and quarantined per run"
    if trend.empty:
        return _empty(title)
    when = pd.to_datetime(trend["started_at"]).dt.strftime("%Y-%m-%d %H:%M")
    # the quarantined share on its own axis: 99 rows beside 44,000 loaded would not show
    rows_in = (trend["rows_loaded"] + trend["rows_quarantined"]).where(lambda n: n > 0)
    share = 100 * trend["rows_quarantined"] / rows_in
    fig = go.Figure(
        [
            go.Bar(name="rows loaded", x=when, y=trend["rows_loaded"], marker_color="#2f855a"),
            go.Scatter(
                name="quarantined (% of rows in)",
                x=when,
                y=share,
                yaxis="y2",
                mode="lines+markers",
                marker_color="#c53030",
                customdata=trend["rows_quarantined"],
                hovertemplate="%{x}: %{customdata} rows, %{y:.2f}%<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        title=title,
        xaxis={"type": "category"},
        yaxis={"title": "rows loaded"},
        yaxis2={
            "title": "quarantined, % of rows in",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
        },
        legend={"orientation": "h", "y": -0.25},
        **{**LAYOUT, "margin": {**LAYOUT["margin"], "r": 70, "b": 80}},
    )
    return fig
