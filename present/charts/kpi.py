"""KPI charts: zones, rankings, heatmaps and lines over periods."""
from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from present import formats, words
from present.charts.events import mark_events
from present.charts.style import (
    FONT_SIZE, REGION_COLOUR, SERIES_COLOURS, TARGET_COLOUR, ZONE_COLOURS, ZONE_ORDER, ZONE_SYMBOLS, layout, parts_text,
    period_ticks, wrap, zone_code, zone_label, zone_scale,
)


def zone_strip(frame: pl.DataFrame, granularity: str, lang: str) -> go.Figure:
    """Branch × period grid of compliance zones, each cell showing its symbol and index."""
    rows = frame["branch_name"].unique(maintain_order=True).to_list()
    columns = frame["period_start"].unique().sort().to_list()
    cell = {(r["branch_name"], r["period_start"]): r for r in frame.iter_rows(named=True)}
    # With many periods a cell only has room for its symbol; the value stays in the hover.
    with_value = len(columns) <= 16
    z, text, hover = [], [], []
    for name in rows:
        z.append([zone_code(cell[(name, c)]["zone"]) for c in columns])
        text.append([ZONE_SYMBOLS[cell[(name, c)]["zone"]]
                     + (f" {formats.number(cell[(name, c)]['value'], 0, lang)}" if with_value else "") for c in columns])
        hover.append([f"{name} · {formats.period_label(c, granularity, lang)}<br>"
                      f"{words.kpi_label('sop_compliance_index', lang)}: "
                      f"{formats.kpi_value(cell[(name, c)]['value'], 'sop_compliance_index', lang)}"
                      f"<br>{words.t('zone', lang)}: {zone_label(cell[(name, c)]['zone'], lang)}" for c in columns])
    figure = go.Figure(go.Heatmap(
        z=z, x=[formats.period_short(c, granularity, lang) for c in columns], y=rows, text=text, customdata=hover,
        texttemplate="%{text}", hovertemplate="%{customdata}<extra></extra>", colorscale=zone_scale(),
        zmin=0, zmax=len(ZONE_ORDER), showscale=False, xgap=3, ygap=3, textfont={"size": FONT_SIZE, "color": "black"},
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(type="category", side="top")
    return layout(figure, lang, height=max(260, 48 * len(rows) + 80))


def ranking_bars(frame: pl.DataFrame, green_from: float, yellow_from: float, lang: str) -> go.Figure:
    """Compliance index per branch as ranked bars, coloured and labelled by zone."""
    ranked = frame.sort("value", descending=False, nulls_last=False)
    figure = go.Figure(go.Bar(
        x=ranked["value"].fill_null(0).to_list(), y=ranked["branch_name"].to_list(), orientation="h",
        marker_color=[ZONE_COLOURS[z] for z in ranked["zone"]],
        text=[f"{formats.number(v, 0, lang)} · {zone_label(z, lang)}" for v, z in zip(ranked["value"], ranked["zone"])],
        textposition="outside", customdata=ranked["branch_code"].to_list(),
        hovertemplate="%{y}: %{x:.0f}<extra></extra>",
    ))
    for threshold, zone in ((green_from, "green"), (yellow_from, "yellow")):
        figure.add_vline(x=threshold, line_dash="dot", line_color=ZONE_COLOURS[zone], line_width=2)
    # The index runs to 100; the extra room is for the labels outside the bars, not for ticks past 100.
    figure.update_xaxes(range=[0, 128], tickvals=[0, 20, 40, 60, 80, 100], title=words.kpi_label("sop_compliance_index", lang))
    return layout(figure, lang, height=max(260, 44 * ranked.height + 90))


def kpi_heatmap(frame: pl.DataFrame, lang: str) -> go.Figure:
    """KPI × branch cells for one period: the value, ✓/✗ against target, hover with parts and target."""
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    names = frame.sort("level", "code", descending=[True, False])["name"].unique(maintain_order=True).to_list()
    cell = {(r["name"], r["kpi"]): r for r in frame.iter_rows(named=True)}
    z, text, hover = [], [], []
    for kpi in kpis:
        row_z, row_text, row_hover = [], [], []
        for name in names:
            r = cell.get((name, kpi))
            status = r["status"] if r else "none"
            row_z.append(zone_code(status))
            # The row label names the unit; the cell keeps only the number, so it fits a projector's column.
            row_text.append(f"{ZONE_SYMBOLS[status]} {formats.kpi_number(r['value'], kpi, lang)}" if r else "–")
            row_hover.append(_cell_hover(name, kpi, r, lang))
        z.append(row_z), text.append(row_text), hover.append(row_hover)
    figure = go.Figure(go.Heatmap(
        z=z, x=names, y=[words.kpi_label(k, lang) for k in kpis], text=text,
        customdata=hover, texttemplate="%{text}", hovertemplate="%{customdata}<extra></extra>",
        colorscale=zone_scale(), zmin=0, zmax=len(ZONE_ORDER), showscale=False, xgap=2, ygap=2,
        textfont={"size": 14 if len(names) <= 8 else 12, "color": "black"},
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    # Eleven branches leave a column too narrow for a name across it: names run upwards, each on one line
    # (a rotated name broken over lines reads as two branches).
    figure.update_xaxes(side="top", type="category", tickangle=-90, tickfont={"size": 13})
    return layout(figure, lang, height=36 * len(kpis) + 230)


def _cell_hover(name: str, kpi: str, row: dict | None, lang: str) -> str:
    if row is None:
        return f"{name}<br>{words.kpi_label(kpi, lang)}: {words.t('no_value', lang)}"
    parts = parts_text(row["numerator"], row["denominator"], lang, words.counted(kpi, lang))
    return (f"{name}<br>{words.kpi_label(kpi, lang)}: <b>{formats.kpi_value(row['value'], kpi, lang)}</b>"
            + (f" ({parts})" if parts else "")
            + f"<br>{words.t('target', lang)}: {formats.kpi_value(row['target'], kpi, lang)}")


def trend_lines(frame: pl.DataFrame, kpi: str, granularity: str, lang: str,
                events: pl.DataFrame | None = None) -> go.Figure:
    """One KPI over time: a line per branch, the region as a thick dashed line, the target dotted; known events
    (present.charts.events) shaded."""
    figure = go.Figure()
    branch_rows = frame.filter(pl.col("level") == "branch")
    codes = branch_rows["code"].unique(maintain_order=True).to_list()
    # Many branches at once are context for the region line, so they are drawn thin.
    width = 3 if len(codes) <= 4 else 1.5
    for i, code in enumerate(codes):
        rows = branch_rows.filter(pl.col("code") == code).sort("period_start")
        figure.add_trace(_kpi_line(rows, kpi, granularity, lang, SERIES_COLOURS[i % len(SERIES_COLOURS)], width, "solid"))
    region = frame.filter(pl.col("level") == "region").sort("period_start")
    if region.height:
        figure.add_trace(_kpi_line(region, kpi, granularity, lang, REGION_COLOUR, 5, "dash"))
    target = frame.sort("period_start").unique("period_start", keep="last", maintain_order=True)
    figure.add_trace(go.Scatter(
        x=target["period_start"].to_list(), y=target["target"].to_list(), mode="lines", name=words.t("target", lang),
        line={"color": TARGET_COLOUR, "width": 3, "dash": "dot", "shape": "hv"}, hoverinfo="skip",
    ))
    figure.update_yaxes(tickformat=formats.d3_format(kpi), title=words.kpi_label(kpi, lang), rangemode="tozero")
    starts = frame["period_start"].unique().sort().to_list()
    period_ticks(figure, starts, granularity, lang)
    return layout(mark_events(figure, events, starts, granularity, lang), lang, height=480)


def _kpi_line(rows: pl.DataFrame, kpi: str, granularity: str, lang: str, colour: str, width: int, dash: str):
    name = rows["name"][0]
    hover = [f"{name} · {formats.period_label(p, granularity, lang)}<br><b>{formats.kpi_value(v, kpi, lang)}</b>"
             + (f" ({parts_text(n, d, lang, words.counted(kpi, lang))})" if d is not None else "")
             + f"<br>{words.t('target', lang)}: {formats.kpi_value(t, kpi, lang)}"
             for p, v, n, d, t in rows.select("period_start", "value", "numerator", "denominator", "target").iter_rows()]
    return go.Scatter(
        x=rows["period_start"].to_list(), y=rows["value"].to_list(), mode="lines+markers", name=name,
        line={"color": colour, "width": width, "dash": dash}, marker={"size": 7}, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    )


def kpi_lines(frame: pl.DataFrame, granularity: str, lang: str, events: pl.DataFrame | None = None) -> go.Figure:
    """Several KPIs of the same unit for one code over time, each with its own dotted target; known events shaded."""
    figure = go.Figure()
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    for i, kpi in enumerate(kpis):
        rows = frame.filter(pl.col("kpi") == kpi).sort("period_start").with_columns(
            pl.lit(words.kpi_label(kpi, lang)).alias("name"))
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        figure.add_trace(_kpi_line(rows, kpi, granularity, lang, colour, 3, "solid"))
        figure.add_trace(go.Scatter(
            x=rows["period_start"].to_list(), y=rows["target"].to_list(), mode="lines", hoverinfo="skip",
            name=f"{words.t('target', lang)}: {words.kpi_label(kpi, lang)}", showlegend=False,
            line={"color": colour, "width": 2, "dash": "dot", "shape": "hv"}))
    figure.update_yaxes(tickformat=formats.d3_format(kpis[0]) if kpis else None)
    starts = frame["period_start"].unique().sort().to_list()
    period_ticks(figure, starts, granularity, lang, count=6)
    return layout(mark_events(figure, events, starts, granularity, lang), lang, height=420)


def small_multiples(frame: pl.DataFrame, branch: str, granularity: str, lang: str, columns: int = 4) -> go.Figure:
    """Every KPI for one branch (solid) against its region (dashed), one small panel each."""
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    rows = math.ceil(len(kpis) / columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[wrap(words.kpi_label(k, lang), 30) for k in kpis],
                           vertical_spacing=0.6 / rows, horizontal_spacing=0.06)
    for i, kpi in enumerate(kpis):
        of_kpi = frame.filter(pl.col("kpi") == kpi).sort("period_start")
        for level, colour, dash in (("branch", SERIES_COLOURS[0], "solid"), ("region", REGION_COLOUR, "dash")):
            rows_of = of_kpi.filter(pl.col("level") == level)
            if rows_of.height:
                trace = _kpi_line(rows_of, kpi, granularity, lang, colour, 2, dash)
                trace.update(showlegend=i == 0, marker={"size": 4})
                figure.add_trace(trace, row=i // columns + 1, col=i % columns + 1)
        figure.add_trace(go.Scatter(
            x=of_kpi["period_start"].to_list(), y=of_kpi["target"].to_list(), mode="lines", hoverinfo="skip",
            name=words.t("target", lang), showlegend=i == 0, line={"color": TARGET_COLOUR, "dash": "dot", "shape": "hv"}),
            row=i // columns + 1, col=i % columns + 1)
        figure.update_yaxes(tickformat=formats.d3_format(kpi), row=i // columns + 1, col=i % columns + 1)
    figure.update_annotations(font_size=14)
    # Month names in the viewer's language on every panel (plotly's own are English).
    period_ticks(figure, frame["period_start"].unique().sort().to_list(), granularity, lang, count=3)
    layout(figure, lang, height=240 * rows + 80)
    figure.update_xaxes(tickfont={"size": 12})
    figure.update_yaxes(tickfont={"size": 12})
    return figure


