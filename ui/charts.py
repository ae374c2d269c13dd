"""Chart builders: pure functions from a polars frame to a plotly figure.

One zone scheme everywhere: green, yellow, red and grey, each with a symbol, so
that colour-blind viewers and greyscale projectors read the same thing. Text is
large enough for a projected wall, and backgrounds stay transparent for dark themes.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from etl.catalogue import COMPLIANCE_INDEX
from ui import i18n

ZONE_COLOURS = {"green": "#009E73", "yellow": "#E6B400", "red": "#D55E00", "none": "#9E9E9E"}
ZONE_SYMBOLS = {"green": "✓", "yellow": "!", "red": "✗", "none": "–"}
ZONE_ORDER = ("none", "red", "yellow", "green")
# Colour-blind-safe qualitative palette (Paul Tol's "muted", its indigo swapped for his mid blue, which also
# reads on a dark theme), for branches and categories.
SERIES_COLOURS = ("#4477AA", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
                  "#AA4499", "#6699CC", "#661100")
REGION_COLOUR = "#7F7F7F"
TARGET_COLOUR = "#CC79A7"
FONT_SIZE = 16


def _layout(figure: go.Figure, lang: str, height: int = 420, title: str | None = None) -> go.Figure:
    """Projector-friendly defaults: big type, locale separators, legend on top."""
    figure.update_layout(
        height=height, separators=i18n.plotly_separators(lang), font={"size": FONT_SIZE},
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10}, title={"text": title} if title else None,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": FONT_SIZE - 1}},
        hoverlabel={"font_size": FONT_SIZE},
    )
    # Streamlit's theme shrinks axis text; a projected wall needs it big.
    axis_text = {"tickfont": {"size": FONT_SIZE - 2}, "title_font": {"size": FONT_SIZE - 1}}
    figure.update_xaxes(**axis_text)
    figure.update_yaxes(**axis_text)
    return figure


def _zone_scale() -> list:
    """A discrete colour scale for zone codes 0..3 (none, red, yellow, green)."""
    steps = len(ZONE_ORDER)
    scale = []
    for i, zone in enumerate(ZONE_ORDER):
        scale += [[i / steps, ZONE_COLOURS[zone]], [(i + 1) / steps, ZONE_COLOURS[zone]]]
    return scale


def _zone_code(zone: str) -> int:
    return ZONE_ORDER.index(zone)


def zone_label(zone: str, lang: str) -> str:
    """`✓ Hijau`: symbol and word, never hue alone."""
    return f"{ZONE_SYMBOLS[zone]} {i18n.code_label(zone, lang)}"


def status_label(kpi: str, status: str, lang: str) -> str:
    """`✓ Hijau` for the index's zone; `✓ Memenuhi target` / `✗ Tidak memenuhi target` for every other KPI."""
    if kpi == COMPLIANCE_INDEX or status == "none":
        return zone_label(status, lang)
    return f"{ZONE_SYMBOLS[status]} {i18n.t('meets' if status == 'green' else 'misses', lang)}"


def _parts_text(numerator: float | None, denominator: float | None, lang: str, noun: str = "") -> str:
    """`182 dari 200 tiket` for rates; empty for KPIs without a denominator."""
    if numerator is None or denominator is None:
        return ""
    return (f"{i18n.number(numerator, 0, lang)} {i18n.t('of', lang)} {i18n.number(denominator, 0, lang)}"
            + (f" {noun}" if noun else ""))


def zone_strip(frame: pl.DataFrame, granularity: str, lang: str) -> go.Figure:
    """Branch × period grid of compliance zones, each cell showing its symbol and index."""
    rows = frame["branch_name"].unique(maintain_order=True).to_list()
    columns = frame["period_start"].unique().sort().to_list()
    cell = {(r["branch_name"], r["period_start"]): r for r in frame.iter_rows(named=True)}
    # With many periods a cell only has room for its symbol; the value stays in the hover.
    with_value = len(columns) <= 16
    z, text, hover = [], [], []
    for name in rows:
        z.append([_zone_code(cell[(name, c)]["zone"]) for c in columns])
        text.append([ZONE_SYMBOLS[cell[(name, c)]["zone"]]
                     + (f" {i18n.number(cell[(name, c)]['value'], 0, lang)}" if with_value else "") for c in columns])
        hover.append([f"{name} · {i18n.period_label(c, granularity, lang)}<br>"
                      f"{i18n.kpi_label('sop_compliance_index', lang)}: {i18n.number(cell[(name, c)]['value'], 1, lang)}"
                      f"<br>{i18n.t('zone', lang)}: {zone_label(cell[(name, c)]['zone'], lang)}" for c in columns])
    figure = go.Figure(go.Heatmap(
        z=z, x=[i18n.period_short(c, granularity, lang) for c in columns], y=rows, text=text, customdata=hover,
        texttemplate="%{text}", hovertemplate="%{customdata}<extra></extra>", colorscale=_zone_scale(),
        zmin=0, zmax=len(ZONE_ORDER), showscale=False, xgap=3, ygap=3, textfont={"size": FONT_SIZE, "color": "black"},
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(type="category", side="top")
    return _layout(figure, lang, height=max(260, 48 * len(rows) + 80))


def ranking_bars(frame: pl.DataFrame, green_from: float, yellow_from: float, lang: str) -> go.Figure:
    """Compliance index per branch as ranked bars, coloured and labelled by zone."""
    ranked = frame.sort("value", descending=False, nulls_last=False)
    figure = go.Figure(go.Bar(
        x=ranked["value"].fill_null(0).to_list(), y=ranked["branch_name"].to_list(), orientation="h",
        marker_color=[ZONE_COLOURS[z] for z in ranked["zone"]],
        text=[f"{i18n.number(v, 0, lang)} · {zone_label(z, lang)}" for v, z in zip(ranked["value"], ranked["zone"])],
        textposition="outside", customdata=ranked["branch_code"].to_list(),
        hovertemplate="%{y}: %{x:.1f}<extra></extra>",
    ))
    for threshold, zone in ((green_from, "green"), (yellow_from, "yellow")):
        figure.add_vline(x=threshold, line_dash="dot", line_color=ZONE_COLOURS[zone], line_width=2)
    figure.update_xaxes(range=[0, 125], title=i18n.kpi_label("sop_compliance_index", lang))
    return _layout(figure, lang, height=max(260, 44 * ranked.height + 90))


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
            row_z.append(_zone_code(status))
            row_text.append(f"{ZONE_SYMBOLS[status]} {i18n.kpi_value(r['value'], kpi, lang)}" if r else "–")
            row_hover.append(_cell_hover(name, kpi, r, lang))
        z.append(row_z), text.append(row_text), hover.append(row_hover)
    figure = go.Figure(go.Heatmap(
        z=z, x=[_wrap(name, 14) for name in names], y=[i18n.kpi_label(k, lang) for k in kpis], text=text,
        customdata=hover, texttemplate="%{text}", hovertemplate="%{customdata}<extra></extra>",
        colorscale=_zone_scale(), zmin=0, zmax=len(ZONE_ORDER), showscale=False, xgap=2, ygap=2,
        textfont={"size": 14, "color": "black"},
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(side="top", type="category")
    return _layout(figure, lang, height=36 * len(kpis) + 140)


def _cell_hover(name: str, kpi: str, row: dict | None, lang: str) -> str:
    if row is None:
        return f"{name}<br>{i18n.kpi_label(kpi, lang)}: {i18n.t('no_value', lang)}"
    parts = _parts_text(row["numerator"], row["denominator"], lang, i18n.counted(kpi, lang))
    return (f"{name}<br>{i18n.kpi_label(kpi, lang)}: <b>{i18n.kpi_value(row['value'], kpi, lang)}</b>"
            + (f" ({parts})" if parts else "")
            + f"<br>{i18n.t('target', lang)}: {i18n.kpi_value(row['target'], kpi, lang)}")


def _wrap(label: str, width: int = 18) -> str:
    """Break a long axis label over lines so that 22 KPIs fit side by side."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def trend_lines(frame: pl.DataFrame, kpi: str, granularity: str, lang: str) -> go.Figure:
    """One KPI over time: a line per branch, the region as a thick dashed line, the target dotted."""
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
        x=target["period_start"].to_list(), y=target["target"].to_list(), mode="lines", name=i18n.t("target", lang),
        line={"color": TARGET_COLOUR, "width": 3, "dash": "dot", "shape": "hv"}, hoverinfo="skip",
    ))
    figure.update_yaxes(tickformat=i18n.d3_format(kpi), title=i18n.kpi_label(kpi, lang), rangemode="tozero")
    _period_ticks(figure, frame["period_start"].unique().sort().to_list(), granularity, lang)
    return _layout(figure, lang, height=480)


def _period_ticks(figure: go.Figure, starts: list, granularity: str, lang: str, count: int = 12) -> None:
    """Date-axis ticks named in the current language (plotly's own month names are English)."""
    step = max(1, len(starts) // count)
    shown = starts[::-1][::step][::-1]
    figure.update_xaxes(tickvals=shown, ticktext=[i18n.period_short(s, granularity, lang) for s in shown])


def _kpi_line(rows: pl.DataFrame, kpi: str, granularity: str, lang: str, colour: str, width: int, dash: str):
    name = rows["name"][0]
    hover = [f"{name} · {i18n.period_label(p, granularity, lang)}<br><b>{i18n.kpi_value(v, kpi, lang)}</b>"
             + (f" ({_parts_text(n, d, lang, i18n.counted(kpi, lang))})" if d is not None else "")
             + f"<br>{i18n.t('target', lang)}: {i18n.kpi_value(t, kpi, lang)}"
             for p, v, n, d, t in rows.select("period_start", "value", "numerator", "denominator", "target").iter_rows()]
    return go.Scatter(
        x=rows["period_start"].to_list(), y=rows["value"].to_list(), mode="lines+markers", name=name,
        line={"color": colour, "width": width, "dash": dash}, marker={"size": 7}, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    )


def kpi_lines(frame: pl.DataFrame, granularity: str, lang: str) -> go.Figure:
    """Several KPIs of the same unit for one code over time, each with its own dotted target."""
    figure = go.Figure()
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    for i, kpi in enumerate(kpis):
        rows = frame.filter(pl.col("kpi") == kpi).sort("period_start").with_columns(
            pl.lit(i18n.kpi_label(kpi, lang)).alias("name"))
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        figure.add_trace(_kpi_line(rows, kpi, granularity, lang, colour, 3, "solid"))
        figure.add_trace(go.Scatter(
            x=rows["period_start"].to_list(), y=rows["target"].to_list(), mode="lines", hoverinfo="skip",
            name=f"{i18n.t('target', lang)}: {i18n.kpi_label(kpi, lang)}", showlegend=False,
            line={"color": colour, "width": 2, "dash": "dot", "shape": "hv"}))
    figure.update_yaxes(tickformat=i18n.d3_format(kpis[0]) if kpis else None)
    _period_ticks(figure, frame["period_start"].unique().sort().to_list(), granularity, lang, count=6)
    return _layout(figure, lang, height=420)


def small_multiples(frame: pl.DataFrame, branch: str, granularity: str, lang: str, columns: int = 4) -> go.Figure:
    """Every KPI for one branch (solid) against its region (dashed), one small panel each."""
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    rows = math.ceil(len(kpis) / columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[_wrap(i18n.kpi_label(k, lang), 30) for k in kpis],
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
            name=i18n.t("target", lang), showlegend=i == 0, line={"color": TARGET_COLOUR, "dash": "dot", "shape": "hv"}),
            row=i // columns + 1, col=i % columns + 1)
        figure.update_yaxes(tickformat=i18n.d3_format(kpi), row=i // columns + 1, col=i % columns + 1)
    figure.update_annotations(font_size=14)
    _layout(figure, lang, height=240 * rows + 80)
    figure.update_xaxes(tickfont={"size": 12})
    figure.update_yaxes(tickfont={"size": 12})
    return figure


def hour_weekday_heatmap(frame: pl.DataFrame, value: str, value_label: str, decimals: int, lang: str) -> go.Figure:
    """Weekday × hour-of-day grid of `value`, labelled in each cell."""
    hours = list(range(int(frame["hour"].min()), int(frame["hour"].max()) + 1)) if frame.height else []
    days = sorted(frame["weekday"].unique().to_list())
    cell = {(r["weekday"], r["hour"]): r[value] for r in frame.iter_rows(named=True)}
    z = [[cell.get((d, h)) for h in hours] for d in days]
    text = [[i18n.number(v, decimals, lang) if v is not None else "" for v in row] for row in z]
    figure = go.Figure(go.Heatmap(
        z=z, x=[f"{h:02d}" for h in hours], y=[i18n.weekday_short(d, lang) for d in days], text=text,
        texttemplate="%{text}", colorscale="Cividis", colorbar={"title": {"text": value_label}},
        hovertemplate=f"%{{y}} %{{x}}:00<br>{value_label}: %{{text}}<extra></extra>", xgap=1, ygap=1,
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(title=i18n.t("hour", lang), type="category")
    return _layout(figure, lang, height=360)


def wait_histogram(frame: pl.DataFrame, names: dict[str, str], wait_limit: float, lang: str) -> go.Figure:
    """Share of tickets per wait bucket, one bar group per branch; buckets past the SOP are hatched."""
    figure = go.Figure()
    for i, (code,) in enumerate(frame.select("branch_code").unique(maintain_order=True).iter_rows()):
        rows = frame.filter(pl.col("branch_code") == code)
        over = [_bucket_low(b) >= wait_limit for b in rows["bucket"]]
        figure.add_trace(go.Bar(
            x=rows["bucket"].to_list(), y=rows["share"].to_list(), name=names.get(code, code),
            marker={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "pattern": {"shape": ["/" if o else "" for o in over]}},
            customdata=rows["tickets"].to_list(),
            hovertemplate=f"{names.get(code, code)} · %{{x}} {i18n.t('minutes', lang)}<br>%{{y:.1%}} (%{{customdata}} "
                          f"{i18n.t('tickets', lang)})<extra></extra>",
        ))
    figure.update_yaxes(tickformat=".0%", title=i18n.t("share_of_tickets", lang))
    figure.update_xaxes(title=i18n.t("wait_minutes", lang) + " — ▨ > SOP", type="category")
    return _layout(figure, lang, height=420)


def _bucket_low(bucket: str) -> float:
    return float(bucket.replace("+", "").split("–")[0])


def staffing_bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Counters available vs counters actually calling, averaged over hours when people were waiting."""
    names = frame["branch_name"].to_list()
    share = [a / c if a is not None else None for a, c in zip(frame["active_mean"], frame["counters"])]
    figure = go.Figure([
        go.Bar(x=names, y=frame["counters"].to_list(), name=i18n.t("counters_available", lang),
               marker_color=REGION_COLOUR, text=frame["counters"].to_list(), textposition="outside"),
        go.Bar(x=names, y=frame["active_mean"].to_list(), name=i18n.t("counters_active", lang),
               marker_color=SERIES_COLOURS[0],
               text=[f"{i18n.number(s * 100, 0, lang)} %" if s is not None else "–" for s in share],
               textposition="outside", textfont={"size": FONT_SIZE - 2},
               customdata=frame.select("busy_hours", "busy_hours_empty").rows(),
               hovertemplate="%{x}: %{y:.1f}<br>%{customdata[0]} h · ✗ %{customdata[1]}<extra></extra>"),
    ])
    figure.update_layout(barmode="group", uniformtext={"minsize": FONT_SIZE - 4, "mode": "show"})
    figure.update_yaxes(title=i18n.t("counters", lang), rangemode="tozero")
    return _layout(figure, lang, height=420)


def priority_boxes(frame: pl.DataFrame, limits: tuple[float, float], lang: str) -> go.Figure:
    """Wait quartiles per priority group and for everyone else, with the two SOP limits."""
    labels = [i18n.code_label(g, lang) if g != "everyone_else" else i18n.t("everyone_else", lang) for g in frame["group"]]
    figure = go.Figure(go.Box(
        x=labels, q1=frame["q1"].to_list(), median=frame["median"].to_list(), q3=frame["q3"].to_list(),
        lowerfence=frame["min"].to_list(), upperfence=frame["p90"].to_list(), marker_color=SERIES_COLOURS[0],
        name=i18n.t("wait_minutes", lang), showlegend=False,
    ))
    for limit, dash in zip(limits, ("dot", "dash")):
        figure.add_hline(y=limit, line_dash=dash, line_color=TARGET_COLOUR, line_width=2,
                         annotation_text=f"SOP {i18n.number(limit, 0, lang)} {i18n.t('minutes', lang)}")
    figure.update_yaxes(title=i18n.t("wait_minutes", lang) + " (min–P90)", rangemode="tozero")
    return _layout(figure, lang, height=420)


def transfer_sankey(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Desk-to-desk transfers within a visit, step by step (desk 1 → desk 2 → …)."""
    nodes: dict[tuple[int, str], int] = {}
    for step, source, target in frame.select("step", "source", "target").iter_rows():
        nodes.setdefault((step, source), len(nodes))
        nodes.setdefault((step + 1, target), len(nodes))
    labels = [f"{step + 1}. {i18n.code_label(desk, lang)}" for step, desk in nodes]
    desks = sorted({desk for _, desk in nodes})
    figure = go.Figure(go.Sankey(
        node={"label": labels, "pad": 18, "thickness": 18,
              "color": [SERIES_COLOURS[desks.index(desk) % len(SERIES_COLOURS)] for _, desk in nodes]},
        link={"source": [nodes[(s, a)] for s, a in frame.select("step", "source").iter_rows()],
              "target": [nodes[(s + 1, b)] for s, b in frame.select("step", "target").iter_rows()],
              "value": frame["visits"].to_list(), "color": "rgba(127, 127, 127, 0.3)"},
        textfont={"size": FONT_SIZE, "shadow": "none"},
    ))
    return _layout(figure, lang, height=460)


def pareto(frame: pl.DataFrame, column: str, lang: str) -> go.Figure:
    """Bars of counts, largest first, with the cumulative share as a line on a second axis."""
    labels = [i18n.code_label(c, lang) for c in frame[column]]
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Bar(x=labels, y=frame["count"].to_list(), name=i18n.t("count", lang),
                            marker_color=SERIES_COLOURS[0], text=frame["count"].to_list(), textposition="outside"))
    figure.add_trace(go.Scatter(x=labels, y=frame["cumulative_share"].to_list(), name=i18n.t("cumulative", lang),
                                mode="lines+markers", line={"color": TARGET_COLOUR, "width": 3}),
                     secondary_y=True)
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05], dtick=0.25, secondary_y=True, showgrid=False)
    figure.update_yaxes(title=i18n.t("count", lang), secondary_y=False)
    return _layout(figure, lang, height=420)


def counts_over_time(frame: pl.DataFrame, group: str, granularity: str, lang: str, highlight: str | None = None):
    """Counts per period, one line per group value; `highlight` is drawn thick so its story stands out."""
    figure = go.Figure()
    for i, (value,) in enumerate(frame.select(group).unique(maintain_order=True).sort(group).iter_rows()):
        rows = frame.filter(pl.col(group) == value).sort("period_start")
        emphasised = value == highlight
        figure.add_trace(go.Scatter(
            x=[i18n.period_short(p, granularity, lang) for p in rows["period_start"]], y=rows["count"].to_list(),
            mode="lines+markers", name=i18n.code_label(value, lang),
            line={"width": 5 if emphasised else 2, "color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
        ))
    figure.update_yaxes(title=i18n.t("count", lang), rangemode="tozero")
    figure.update_xaxes(type="category")
    return _layout(figure, lang, height=420)


def sla_grid(frame: pl.DataFrame, target: float, lang: str) -> go.Figure:
    """Programme × channel share of claims paid within SLA, ✓/✗ against the target."""
    programmes = frame["programme"].unique().sort().to_list()
    channels = frame["channel"].unique().sort().to_list()
    cell = {(r["programme"], r["channel"]): r for r in frame.iter_rows(named=True)}
    z, text = [], []
    for programme in programmes:
        row_z, row_text = [], []
        for channel in channels:
            r = cell.get((programme, channel))
            status = "none" if r is None else "green" if r["share"] >= target else "red"
            row_z.append(_zone_code(status))
            row_text.append("–" if r is None else
                            f"{ZONE_SYMBOLS[status]} {i18n.number(r['share'] * 100, 1, lang)} %<br>"
                            f"{_parts_text(r['within_sla'], r['paid'], lang, i18n.t('claims_counted', lang))}")
        z.append(row_z), text.append(row_text)
    figure = go.Figure(go.Heatmap(
        z=z, x=[i18n.code_label(c, lang) for c in channels], y=programmes, text=text, texttemplate="%{text}",
        hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>", colorscale=_zone_scale(), zmin=0,
        zmax=len(ZONE_ORDER), showscale=False, xgap=3, ygap=3, textfont={"size": 14, "color": "black"},
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(side="top", type="category")
    return _layout(figure, lang, height=max(300, 70 * len(programmes) + 80))


def processing_bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Paid claims by working days taken, split into within SLA (✓) and over SLA (✗)."""
    within = frame.filter(pl.col("days_working") <= pl.col("sla_days")).group_by("days_working").agg(pl.col("claims").sum())
    over = frame.filter(pl.col("days_working") > pl.col("sla_days")).group_by("days_working").agg(pl.col("claims").sum())
    figure = go.Figure()
    for part, status, label in ((within, "green", "✓ ≤ SLA"), (over, "red", "✗ > SLA")):
        part = part.sort("days_working")
        figure.add_trace(go.Bar(x=part["days_working"].to_list(), y=part["claims"].to_list(), name=label,
                                marker={"color": ZONE_COLOURS[status], "pattern": {"shape": "/" if status == "red" else ""}}))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title=i18n.t("working_days", lang), dtick=1)
    figure.update_yaxes(title=i18n.t("claims", lang))
    return _layout(figure, lang, height=400)


def age_bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Open records by age bucket, stacked by within (✓) or over (✗) their limit."""
    figure = go.Figure()
    for over, status, label in ((False, "green", "✓ ≤ SOP/SLA"), (True, "red", "✗ > SOP/SLA")):
        part = frame.filter(pl.col("over_limit") == over)
        figure.add_trace(go.Bar(x=part["bucket"].to_list(), y=part["count"].to_list(), name=label,
                                text=part["count"].to_list(), textposition="inside",
                                marker={"color": ZONE_COLOURS[status], "pattern": {"shape": "/" if over else ""}}))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title=i18n.t("age_working_days", lang), type="category",
                        categoryorder="array", categoryarray=frame.sort("bucket_order")["bucket"].unique(maintain_order=True).to_list())
    figure.update_yaxes(title=i18n.t("count", lang))
    return _layout(figure, lang, height=380)


def volume_bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Counts per channel, stacked by category."""
    figure = go.Figure()
    channels = frame.group_by("channel").agg(pl.col("count").sum()).sort("count", descending=True)["channel"].to_list()
    for i, (category,) in enumerate(frame.select("category").unique().sort("category").iter_rows()):
        rows = frame.filter(pl.col("category") == category)
        figure.add_trace(go.Bar(x=[i18n.code_label(c, lang) for c in rows["channel"]], y=rows["count"].to_list(),
                                name=i18n.code_label(category, lang), marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)]))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(categoryorder="array", categoryarray=[i18n.code_label(c, lang) for c in channels])
    figure.update_yaxes(title=i18n.t("complaints", lang))
    return _layout(figure, lang, height=420)



VERDICT_STYLE = {"worse": (ZONE_COLOURS["red"], "diamond", 16), "better": (ZONE_COLOURS["green"], "star", 16),
                 "consistent": (REGION_COLOUR, "circle", 11)}


def funnel_plot(judged: pl.DataFrame, curve: pl.DataFrame, kpi: str, lang: str) -> go.Figure:
    """Branches (rate against cases) inside 95 % and 99.8 % bands around the region; flagged ones called out."""
    figure = go.Figure()
    x = curve["denominator"].to_list()
    for level, opacity, dash in (("998", 0.10, "dash"), ("95", 0.18, "dot")):
        figure.add_trace(go.Scatter(x=x, y=curve[f"upper_{level}"].to_list(), mode="lines", hoverinfo="skip",
                                    line={"color": REGION_COLOUR, "width": 1.5, "dash": dash}, showlegend=False))
        figure.add_trace(go.Scatter(x=x, y=curve[f"lower_{level}"].to_list(), mode="lines", hoverinfo="skip",
                                    line={"color": REGION_COLOUR, "width": 1.5, "dash": dash}, fill="tonexty",
                                    fillcolor=f"rgba(127,127,127,{opacity})", name=i18n.t(f"limit_{level}", lang)))
    pooled = judged["pooled"][0]
    figure.add_trace(go.Scatter(x=[x[0], x[-1]], y=[pooled, pooled], mode="lines", name=i18n.t("pooled_rate", lang),
                                line={"color": REGION_COLOUR, "width": 3}, hoverinfo="skip"))
    for verdict, (colour, symbol, size) in VERDICT_STYLE.items():
        rows = judged.filter(pl.col("verdict") == verdict).sort("denominator")
        if rows.is_empty():
            continue
        # Neighbours along the x axis take turns above and below their point, so names do not overlap.
        positions = ["top center" if i % 2 == 0 else "bottom center" for i in range(rows.height)]
        hover = [f"<b>{r['name']}</b>: {i18n.kpi_value(r['value'], kpi, lang)} "
                 f"({_parts_text(r['numerator'], r['denominator'], lang, i18n.counted(kpi, lang))})<br>"
                 f"{i18n.t('pooled_rate', lang)}: {i18n.kpi_value(pooled, kpi, lang)}<br>"
                 f"{i18n.t('verdict_' + verdict, lang)}" for r in rows.iter_rows(named=True)]
        figure.add_trace(go.Scatter(
            x=rows["denominator"].to_list(), y=rows["rate"].to_list(), mode="markers+text",
            text=rows["name"].to_list(), textposition=positions, name=i18n.t(f"verdict_{verdict}", lang),
            marker={"color": colour, "symbol": symbol, "size": size, "line": {"color": "white", "width": 1}},
            textfont={"size": FONT_SIZE - 2 if verdict == "consistent" else FONT_SIZE, "color": colour},
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        ))
    figure.update_xaxes(title=f"{i18n.t('funnel_x', lang)}: {i18n.counted(kpi, lang)}", rangemode="tozero")
    figure.update_yaxes(title=i18n.kpi_label(kpi, lang), tickformat=i18n.d3_format(kpi))
    return _layout(figure, lang, height=520)


SIGNAL_STYLE = {"outside": ("diamond", 16), "run": ("square", 12)}


def control_chart(frame: pl.DataFrame, kpi: str, granularity: str, lang: str, baseline: int) -> go.Figure:
    """A branch's KPI with its centre line and control limits; points that signal a special cause are marked."""
    shown = frame.tail(frame.height - baseline) if frame.height > baseline else frame
    x = shown["period_start"].to_list()
    figure = go.Figure()
    for column, name, dash in (("upper", i18n.t("control_limits", lang), "dash"), ("lower", None, "dash"),
                               ("centre", i18n.t("centre_line", lang), "solid")):
        figure.add_trace(go.Scatter(x=x, y=shown[column].to_list(), mode="lines", name=name, showlegend=bool(name),
                                    line={"color": REGION_COLOUR, "width": 2, "dash": dash, "shape": "hvh"},
                                    hoverinfo="skip"))
    hover = [f"{i18n.period_label(p, granularity, lang)}: <b>{i18n.kpi_value(v, kpi, lang)}</b>"
             + (f"<br>{i18n.t('signal_' + s, lang)}" if s else "")
             for p, v, s in shown.select("period_start", "value", "signal").iter_rows()]
    figure.add_trace(go.Scatter(x=x, y=shown["value"].to_list(), mode="lines+markers", name=i18n.kpi_label(kpi, lang),
                                line={"color": SERIES_COLOURS[0], "width": 3}, marker={"size": 8},
                                customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    for signal, (symbol, size) in SIGNAL_STYLE.items():
        points = shown.filter(pl.col("signal") == signal)
        if points.height:
            figure.add_trace(go.Scatter(
                x=points["period_start"].to_list(), y=points["value"].to_list(), mode="markers",
                name=i18n.t(f"signal_{signal}", lang), hoverinfo="skip",
                marker={"symbol": symbol, "size": size, "color": ZONE_COLOURS["red"],
                        "line": {"color": "white", "width": 1}}))
    figure.update_yaxes(tickformat=i18n.d3_format(kpi), title=i18n.kpi_label(kpi, lang))
    _period_ticks(figure, x, granularity, lang)
    return _layout(figure, lang, height=440)
