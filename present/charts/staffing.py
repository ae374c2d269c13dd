"""Charts of counters needed against counters open (the staffing page)."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from present import formats, words
from present.charts.style import FONT_SIZE, REGION_COLOUR, SERIES_COLOURS, ZONE_COLOURS, layout

# White where nothing is short, deepening to the red zone colour; colour-blind readers get the figures too.
SHORT_SCALE = [[0.0, "#F7F7F7"], [0.01, "#FBE3D6"], [1.0, ZONE_COLOURS["red"]]]


def day_label(day: dt.date, lang: str) -> str:
    return f"{formats.weekday_short(day.weekday(), lang)} {day.day:02d}/{day.month:02d}"


def short_hours_bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Hours short of counters per branch, worst on top."""
    rows = frame.reverse()
    hover = [words.t("short_hours_hover", lang, short=r["short_hours"], hours=r["hours"], days=r["short_days"],
                     missing=formats.number(r["counter_hours_missing"], 0, lang)) for r in rows.iter_rows(named=True)]
    figure = go.Figure(go.Bar(
        x=rows["short_hours"].to_list(), y=rows["branch_name"].to_list(), orientation="h",
        marker_color=ZONE_COLOURS["red"], text=[formats.number(v, 0, lang) for v in rows["short_hours"]],
        textposition="outside", customdata=hover, hovertemplate="%{y}: %{customdata}<extra></extra>",
    ))
    figure.update_xaxes(title=words.t("short_hours_axis", lang), rangemode="tozero")
    figure.update_yaxes(type="category")
    return layout(figure, lang, height=max(260, 34 * frame.height + 90))


def shortage_heatmap(grid: pl.DataFrame, lang: str) -> go.Figure:
    """Day × hour slot: colour = counters short, text = needed / active (○ where the slot has few tickets)."""
    days = sorted(grid["day"].unique().to_list())
    slots = sorted(grid["slot"].unique().to_list())
    cell = {(r["day"], r["slot"]): r for r in grid.iter_rows(named=True)}
    shown = [[_shortage_cell(cell.get((day, slot)), lang) for slot in slots] for day in days]
    z, text, hover = ([[c[i] for c in row] for row in shown] for i in range(3))
    figure = go.Figure(go.Heatmap(
        z=z, x=slots, y=[day_label(d, lang) for d in days], text=text, texttemplate="%{text}", customdata=hover,
        colorscale=SHORT_SCALE, zmin=0, colorbar={"title": {"text": words.t("counters_short", lang)}},
        hovertemplate="%{y} %{x}<br>%{customdata}<extra></extra>", xgap=1, ygap=1,
        textfont={"size": FONT_SIZE - 4},
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(title=words.t("hour", lang), type="category", side="top")
    return layout(figure, lang, height=max(300, 26 * len(days) + 120))


def _shortage_cell(r: dict | None, lang: str) -> tuple[int | None, str, str]:
    """(counters short, "needed/active" with ○ on a slot of few tickets, hover text); blank without tickets."""
    if r is None or r["arrivals"] == 0:
        return None, "", ""
    needed = "–" if r["counters_needed"] is None else str(r["counters_needed"])
    hover = (f"{words.t('counters_needed', lang)}: {needed}<br>{words.t('counters_open', lang)}: {r['counters_active']}"
             f"<br>{words.t('counters_available', lang)}: {r['counters_available']}<br>"
             f"{words.t('tickets_issued', lang)}: {r['arrivals']}")
    return r["short_by"], f"{needed}/{r['counters_active']}" + ("" if r["trusted"] else "○"), hover


def day_lines(grid: pl.DataFrame, lang: str) -> go.Figure:
    """One day by hour: counters needed, active and available."""
    x = grid["slot"].to_list()
    figure = go.Figure([
        go.Scatter(x=x, y=grid["counters_needed"].to_list(), name=words.t("counters_needed", lang),
                   mode="lines+markers", line={"color": ZONE_COLOURS["red"], "width": 3}),
        go.Scatter(x=x, y=grid["counters_active"].to_list(), name=words.t("counters_open", lang), mode="lines+markers",
                   line={"color": SERIES_COLOURS[0], "width": 3}),
        go.Scatter(x=x, y=grid["counters_available"].to_list(), name=words.t("counters_available", lang),
                   mode="lines", line={"color": REGION_COLOUR, "dash": "dash"}),
    ])
    figure.update_xaxes(title=words.t("hour", lang), type="category")
    figure.update_yaxes(title=words.t("counters", lang), rangemode="tozero")
    return layout(figure, lang, height=340)


def plan_heatmap(plan: pl.DataFrame, lang: str) -> go.Figure:
    """Weekday × hour slot of next week: counters needed, red where more than the branch has."""
    days = sorted(plan["day"].unique().to_list())
    slots = sorted(plan["slot"].unique().to_list())
    cell = {(r["day"], r["slot"]): r for r in plan.iter_rows(named=True)}
    z = [[_over(cell.get((d, s))) for s in slots] for d in days]
    text = [["" if cell.get((d, s)) is None or cell[(d, s)]["counters_needed"] is None
             else str(cell[(d, s)]["counters_needed"]) for s in slots] for d in days]
    figure = go.Figure(go.Heatmap(
        z=z, x=slots, y=[day_label(d, lang) for d in days], text=text, texttemplate="%{text}",
        colorscale=[[0.0, "#F7F7F7"], [0.5, "#F7F7F7"], [0.5, ZONE_COLOURS["red"]], [1.0, ZONE_COLOURS["red"]]],
        zmin=0, zmax=1, showscale=False, xgap=1, ygap=1,
        hovertemplate=f"%{{y}} %{{x}}<br>{words.t('counters_needed', lang)}: %{{text}}<extra></extra>",
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(title=words.t("hour", lang), type="category", side="top")
    return layout(figure, lang, height=max(260, 30 * len(days) + 120))


def _over(row: dict | None) -> int | None:
    if row is None or row["counters_needed"] is None:
        return None
    return int(row["counters_needed"] > row["counters_available"])
