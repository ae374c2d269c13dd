"""Evaluation charts: the funnel plot and the control chart."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from present import formats, words
from present.charts.events import mark_events
from present.charts.style import (
    FONT_SIZE, REGION_COLOUR, SERIES_COLOURS, ZONE_COLOURS, layout, parts_text, period_ticks,
)

VERDICT_STYLE = {"worse": (ZONE_COLOURS["red"], "diamond", 16), "better": (ZONE_COLOURS["green"], "star", 16),
                 "consistent": (REGION_COLOUR, "circle", 11)}


def funnel_plot(judged: pl.DataFrame, curve: pl.DataFrame, kpi: str, lang: str,
                picked: tuple[str, ...] = ()) -> go.Figure:
    """Branches (rate against cases) inside 95 % and 99.8 % bands around the region; flagged ones called out."""
    figure = go.Figure()
    x = curve["denominator"].to_list()
    for level, opacity, dash in (("998", 0.10, "dash"), ("95", 0.18, "dot")):
        figure.add_trace(go.Scatter(x=x, y=curve[f"upper_{level}"].to_list(), mode="lines", hoverinfo="skip",
                                    line={"color": REGION_COLOUR, "width": 1.5, "dash": dash}, showlegend=False))
        figure.add_trace(go.Scatter(x=x, y=curve[f"lower_{level}"].to_list(), mode="lines", hoverinfo="skip",
                                    line={"color": REGION_COLOUR, "width": 1.5, "dash": dash}, fill="tonexty",
                                    fillcolor=f"rgba(127,127,127,{opacity})", name=words.t(f"limit_{level}", lang)))
    pooled = judged["pooled"][0]
    figure.add_trace(go.Scatter(x=[x[0], x[-1]], y=[pooled, pooled], mode="lines", name=words.t("pooled_rate", lang),
                                line={"color": REGION_COLOUR, "width": 3}, hoverinfo="skip"))
    for verdict, (colour, symbol, size) in VERDICT_STYLE.items():
        rows = judged.filter(pl.col("verdict") == verdict).sort("denominator")
        if rows.is_empty():
            continue
        # Only the flagged (and picked) branches are named on the chart: eleven names crowd into each other;
        # every point names itself on hover. Neighbours take turns above and below their point.
        positions = ["top center" if i % 2 == 0 else "bottom center" for i in range(rows.height)]
        names = [n if verdict != "consistent" or c in picked else "" for n, c in zip(rows["name"], rows["code"])]
        hover = [f"<b>{r['name']}</b>: {formats.kpi_value(r['value'], kpi, lang)} "
                 f"({parts_text(r['numerator'], r['denominator'], lang, words.counted(kpi, lang))})<br>"
                 f"{words.t('pooled_rate', lang)}: {formats.kpi_value(pooled, kpi, lang)}<br>"
                 f"{words.t('verdict_' + verdict, lang)}" for r in rows.iter_rows(named=True)]
        figure.add_trace(go.Scatter(
            x=rows["denominator"].to_list(), y=rows["rate"].to_list(), mode="markers+text",
            text=names, textposition=positions, name=words.t(f"verdict_{verdict}", lang),
            marker={"color": colour, "symbol": symbol, "size": size, "line": {"color": "white", "width": 1}},
            textfont={"size": FONT_SIZE - 2 if verdict == "consistent" else FONT_SIZE, "color": colour},
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        ))
    figure.update_xaxes(title=f"{words.t('funnel_x', lang)}: {words.counted(kpi, lang)}", rangemode="tozero")
    figure.update_yaxes(title=words.kpi_label(kpi, lang), tickformat=formats.d3_format(kpi))
    return layout(figure, lang, height=520)


SIGNAL_STYLE = {"outside": ("diamond", 16), "run": ("square", 12)}


def control_chart(frame: pl.DataFrame, kpi: str, granularity: str, lang: str, baseline: int,
                  events: pl.DataFrame | None = None) -> go.Figure:
    """A branch's KPI with its centre line and control limits; points that signal a special cause are marked, and
    known events shaded, so a signal an outage explains reads as such."""
    shown = frame.tail(frame.height - baseline) if frame.height > baseline else frame
    x = shown["period_start"].to_list()
    figure = go.Figure()
    for column, name, dash in (("upper", words.t("control_limits", lang), "dash"), ("lower", None, "dash"),
                               ("centre", words.t("centre_line", lang), "solid")):
        figure.add_trace(go.Scatter(x=x, y=shown[column].to_list(), mode="lines", name=name, showlegend=bool(name),
                                    line={"color": REGION_COLOUR, "width": 2, "dash": dash, "shape": "hvh"},
                                    hoverinfo="skip"))
    hover = [f"{formats.period_label(p, granularity, lang)}: <b>{formats.kpi_value(v, kpi, lang)}</b>"
             + (f"<br>{words.t('signal_' + s, lang)}" if s else "")
             for p, v, s in shown.select("period_start", "value", "signal").iter_rows()]
    figure.add_trace(go.Scatter(x=x, y=shown["value"].to_list(), mode="lines+markers", name=words.kpi_label(kpi, lang),
                                line={"color": SERIES_COLOURS[0], "width": 3}, marker={"size": 8},
                                customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    for signal, (symbol, size) in SIGNAL_STYLE.items():
        points = shown.filter(pl.col("signal") == signal)
        if points.height:
            figure.add_trace(go.Scatter(
                x=points["period_start"].to_list(), y=points["value"].to_list(), mode="markers",
                name=words.t(f"signal_{signal}", lang), hoverinfo="skip",
                marker={"symbol": symbol, "size": size, "color": ZONE_COLOURS["red"],
                        "line": {"color": "white", "width": 1}}))
    figure.update_yaxes(tickformat=formats.d3_format(kpi), title=words.kpi_label(kpi, lang))
    period_ticks(figure, x, granularity, lang)
    return layout(mark_events(figure, events, x, granularity, lang), lang, height=440)
