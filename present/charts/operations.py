"""Charts of the records: queue, claims and complaints."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from present import formats, words
from present.charts.events import mark_events
from present.charts.style import (
    FONT_SIZE, REGION_COLOUR, SERIES_COLOURS, TARGET_COLOUR, ZONE_COLOURS, ZONE_ORDER, ZONE_SYMBOLS, layout, parts_text,
    period_ticks, whole_number_ticks, zone_code, zone_scale,
)


def hour_weekday_heatmap(frame: pl.DataFrame, value: str, value_label: str, decimals: int, lang: str,
                         top: float | None = None) -> go.Figure:
    """Weekday × hour-of-day grid of `value`, labelled in each cell. Grids shown side by side pass the same `top`
    (shared_top) so that one colour means one value in all of them."""
    hours = list(range(int(frame["hour"].min()), int(frame["hour"].max()) + 1)) if frame.height else []
    days = sorted(frame["weekday"].unique().to_list())
    cell = {(r["weekday"], r["hour"]): r[value] for r in frame.iter_rows(named=True)}
    z = [[cell.get((d, h)) for h in hours] for d in days]
    text = [[formats.number(v, decimals, lang) if v is not None else "" for v in row] for row in z]
    figure = go.Figure(go.Heatmap(
        z=z, x=[f"{h:02d}" for h in hours], y=[formats.weekday_short(d, lang) for d in days], text=text,
        texttemplate="%{text}", colorscale="Cividis", colorbar={"title": {"text": value_label}}, zmin=0, zmax=top,
        hovertemplate=f"%{{y}} %{{x}}:00<br>{value_label}: %{{text}}<extra></extra>", xgap=1, ygap=1,
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(title=words.t("hour", lang), type="category")
    return layout(figure, lang, height=360)


def shared_top(frames: list[pl.DataFrame], value: str) -> float | None:
    """The largest `value` over several grids: the top of their common colour scale."""
    tops = [f[value].max() for f in frames if f.height]
    return max((t for t in tops if t is not None), default=None)


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
            hovertemplate=f"{names.get(code, code)} · %{{x}} {words.t('minutes', lang)}<br>%{{y:.1%}} (%{{customdata}} "
                          f"{words.t('tickets', lang)})<extra></extra>",
        ))
    figure.update_yaxes(tickformat=".0%", title=words.t("share_of_tickets", lang))
    figure.update_xaxes(title=words.t("wait_minutes", lang) + " — ▨ > SOP", type="category")
    return layout(figure, lang, height=420)


def _bucket_low(bucket: str) -> float:
    return float(bucket.replace("+", "").split("–")[0])


def staffing_bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Counters available vs counters actually calling, averaged over hours when people were waiting."""
    names = frame["branch_name"].to_list()
    share = [a / c if a is not None else None for a, c in zip(frame["active_mean"], frame["counters"])]
    figure = go.Figure([
        go.Bar(x=names, y=frame["counters"].to_list(), name=words.t("counters_available", lang),
               marker_color=REGION_COLOUR, text=frame["counters"].to_list(), textposition="outside"),
        go.Bar(x=names, y=frame["active_mean"].to_list(), name=words.t("counters_active", lang),
               marker_color=SERIES_COLOURS[0],
               text=[f"{formats.percent(s, 0, lang)}" if s is not None else "–" for s in share],
               textposition="outside", textfont={"size": FONT_SIZE - 2},
               customdata=frame.select("busy_hours", "busy_hours_empty").rows(),
               hovertemplate="%{x}: %{y:.1f}<br>%{customdata[0]} h · ✗ %{customdata[1]}<extra></extra>"),
    ])
    figure.update_layout(barmode="group", uniformtext={"minsize": FONT_SIZE - 4, "mode": "show"})
    figure.update_yaxes(title=words.t("counters", lang), rangemode="tozero")
    return layout(figure, lang, height=420)


def priority_boxes(frame: pl.DataFrame, limits: tuple[float, float], lang: str) -> go.Figure:
    """Wait quartiles per priority group and for everyone else, with the two SOP limits."""
    labels = [words.code_label(g, lang) if g != "everyone_else" else words.t("everyone_else", lang) for g in frame["group"]]
    figure = go.Figure(go.Box(
        x=labels, q1=frame["q1"].to_list(), median=frame["median"].to_list(), q3=frame["q3"].to_list(),
        lowerfence=frame["min"].to_list(), upperfence=frame["p90"].to_list(), marker_color=SERIES_COLOURS[0],
        name=words.t("wait_minutes", lang), showlegend=False,
    ))
    for limit, dash in zip(limits, ("dot", "dash")):
        figure.add_hline(y=limit, line_dash=dash, line_color=TARGET_COLOUR, line_width=2,
                         annotation_text=f"SOP {formats.number(limit, 0, lang)} {words.t('minutes', lang)}")
    figure.update_yaxes(title=words.t("wait_minutes", lang) + " (min–P90)", rangemode="tozero")
    return layout(figure, lang, height=420)


def transfer_sankey(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Desk-to-desk transfers within a visit, step by step (desk 1 → desk 2 → …)."""
    nodes: dict[tuple[int, str], int] = {}
    for step, source, target in frame.select("step", "source", "target").iter_rows():
        nodes.setdefault((step, source), len(nodes))
        nodes.setdefault((step + 1, target), len(nodes))
    # A node's count is the larger of what flows in and out (a first desk has no inflow, a last no outflow).
    inflow = {(s + 1, b): v for s, b, v in frame.group_by("step", "target").agg(pl.col("visits").sum()).iter_rows()}
    outflow = {(s, a): v for s, a, v in frame.group_by("step", "source").agg(pl.col("visits").sum()).iter_rows()}
    counts = {node: max(inflow.get(node, 0), outflow.get(node, 0)) for node in nodes}
    labels = [f"{step + 1}. {words.code_label(desk, lang)} ({formats.number(counts[(step, desk)], 0, lang)})"
              for step, desk in nodes]
    desks = sorted({desk for _, desk in nodes})
    colour = {desk: SERIES_COLOURS[desks.index(desk) % len(SERIES_COLOURS)] for desk in desks}
    figure = go.Figure(go.Sankey(
        node={"label": labels, "pad": 18, "thickness": 18, "color": [colour[desk] for _, desk in nodes],
              "hovertemplate": "%{label}<extra></extra>"},
        link={"source": [nodes[(s, a)] for s, a in frame.select("step", "source").iter_rows()],
              "target": [nodes[(s + 1, b)] for s, b in frame.select("step", "target").iter_rows()],
              "value": frame["visits"].to_list(), "color": [_translucent(colour[a]) for a in frame["source"]],
              "customdata": [formats.number(v, 0, lang) for v in frame["visits"]],
              "hovertemplate": f"%{{source.label}} → %{{target.label}}: %{{customdata}} {words.t('visits', lang)}"
                               "<extra></extra>"},
        textfont={"size": FONT_SIZE, "shadow": "none"},
    ))
    return layout(figure, lang, height=460)


def _translucent(hex_colour: str, alpha: float = 0.45) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def pareto(frame: pl.DataFrame, column: str, lang: str) -> go.Figure:
    """Bars of counts, largest first, with the cumulative share as a line on a second axis."""
    labels = [words.code_label(c, lang) for c in frame[column]]
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Bar(x=labels, y=frame["count"].to_list(), name=words.t("count", lang),
                            marker_color=SERIES_COLOURS[0], text=frame["count"].to_list(), textposition="outside"))
    figure.add_trace(go.Scatter(x=labels, y=frame["cumulative_share"].to_list(), name=words.t("cumulative", lang),
                                mode="lines+markers", line={"color": TARGET_COLOUR, "width": 3}),
                     secondary_y=True)
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05], dtick=0.25, secondary_y=True, showgrid=False)
    figure.update_yaxes(title=words.t("count", lang), secondary_y=False)
    whole_number_ticks(figure, frame["count"].to_list(), secondary_y=False)
    return layout(figure, lang, height=420)


def counts_over_time(frame: pl.DataFrame, group: str, granularity: str, lang: str, highlight: str | None = None,
                     events: pl.DataFrame | None = None):
    """Counts per period on a date axis, one line per group value; `highlight` is drawn thick so it stands out;
    known events shaded."""
    figure = go.Figure()
    for i, (value,) in enumerate(frame.select(group).unique(maintain_order=True).sort(group).iter_rows()):
        rows = frame.filter(pl.col(group) == value).sort("period_start")
        emphasised = value == highlight
        figure.add_trace(go.Scatter(
            x=rows["period_start"].to_list(), y=rows["count"].to_list(), mode="lines+markers",
            name=words.code_label(value, lang),
            line={"width": 5 if emphasised else 2, "color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
        ))
    figure.update_yaxes(title=words.t("count", lang))
    whole_number_ticks(figure, frame["count"].to_list())
    starts = frame["period_start"].unique().sort().to_list()
    period_ticks(figure, starts, granularity, lang)
    return layout(mark_events(figure, events, starts, granularity, lang), lang, height=420)


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
            row_z.append(zone_code(status))
            row_text.append("–" if r is None else
                            f"{ZONE_SYMBOLS[status]} {formats.percent(r['share'], 1, lang)}<br>"
                            f"{parts_text(r['within_sla'], r['paid'], lang, words.t('claims_counted', lang))}")
        z.append(row_z), text.append(row_text)
    figure = go.Figure(go.Heatmap(
        z=z, x=[words.code_label(c, lang) for c in channels], y=programmes, text=text, texttemplate="%{text}",
        hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>", colorscale=zone_scale(), zmin=0,
        zmax=len(ZONE_ORDER), showscale=False, xgap=3, ygap=3, textfont={"size": 14, "color": "black"},
    ))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(side="top", type="category")
    return layout(figure, lang, height=max(300, 70 * len(programmes) + 80))


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
    figure.update_xaxes(title=words.t("working_days", lang), dtick=1)
    figure.update_yaxes(title=words.t("claims", lang))
    whole_number_ticks(figure, [*within["claims"], *over["claims"]])
    return layout(figure, lang, height=400)


def age_bars(frame: pl.DataFrame, lang: str) -> go.Figure:
    """Open records by age bucket, stacked by within (✓) or over (✗) their limit."""
    figure = go.Figure()
    for over, status, label in ((False, "green", "✓ ≤ SOP/SLA"), (True, "red", "✗ > SOP/SLA")):
        part = frame.filter(pl.col("over_limit") == over)
        figure.add_trace(go.Bar(x=part["bucket"].to_list(), y=part["count"].to_list(), name=label,
                                text=part["count"].to_list(), textposition="inside",
                                marker={"color": ZONE_COLOURS[status], "pattern": {"shape": "/" if over else ""}}))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title=words.t("age_working_days", lang), type="category",
                        categoryorder="array", categoryarray=frame.sort("bucket_order")["bucket"].unique(maintain_order=True).to_list())
    figure.update_yaxes(title=words.t("count", lang))
    whole_number_ticks(figure, frame.group_by("bucket").agg(pl.col("count").sum())["count"].to_list())
    return layout(figure, lang, height=380)


OTHER = "__other__"  # the categories past the largest few, drawn as one grey block


def volume_bars(frame: pl.DataFrame, lang: str, shown: int = 5) -> go.Figure:
    """Counts per channel (busiest first), stacked by category: the `shown` largest categories in their own
    colours, the rest together in grey, so that the stack reads at a glance instead of in ten similar hues."""
    figure = go.Figure()
    channels = frame.group_by("channel").agg(pl.col("count").sum()).sort("count", "channel", descending=[True, False])
    ranked = frame.group_by("category").agg(pl.col("count").sum()).sort("count", "category", descending=[True, False])
    top = ranked["category"].head(shown).to_list()
    grouped = frame.with_columns(pl.when(pl.col("category").is_in(top)).then(pl.col("category"))
                                 .otherwise(pl.lit(OTHER)).alias("category")).group_by("channel", "category").agg(
        pl.col("count").sum())
    grid = channels.select("channel").join(pl.DataFrame({"category": [*top, OTHER]}), how="cross").join(
        grouped, on=["channel", "category"], how="left").with_columns(pl.col("count").fill_null(0))
    for i, category in enumerate([*top, OTHER]):
        rows = grid.filter(pl.col("category") == category)  # every channel, in the axis order, 0 where none
        if category == OTHER and rows["count"].sum() == 0:
            continue
        figure.add_trace(go.Bar(
            x=[words.code_label(c, lang) for c in rows["channel"]], y=rows["count"].to_list(),
            name=words.t("other_categories", lang) if category == OTHER else words.code_label(category, lang),
            marker_color=REGION_COLOUR if category == OTHER else SERIES_COLOURS[i % len(SERIES_COLOURS)]))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(categoryorder="array", categoryarray=[words.code_label(c, lang) for c in channels["channel"]])
    figure.update_yaxes(title=words.t("complaints", lang))
    whole_number_ticks(figure, channels["count"].to_list())
    return layout(figure, lang, height=420)
