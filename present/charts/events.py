"""Known events on time charts: a shaded band over the periods an event touches, a short label, the text on hover.

One helper for every chart with periods on its x axis (trend, control chart, counts and KPIs over time), so an
outage reads the same wherever its dip shows.
"""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from present import formats, words
from present.charts.style import FONT_SIZE, SERIES_COLOURS

# One hue per category, from the series palette's far end so a band is not mistaken for a branch's line.
CATEGORY_COLOURS = {"outage": SERIES_COLOURS[7], "closure": SERIES_COLOURS[4], "staffing": SERIES_COLOURS[8],
                    "policy": SERIES_COLOURS[10], "other": "#7F7F7F"}
BAND_OPACITY = 0.15
LABEL_ROOM = 8  # half-periods a label needs to the right of its band's start before the next label may sit level
HALF_PERIOD = {"week": dt.timedelta(days=3.5), "month": dt.timedelta(days=15)}


def mark_events(figure: go.Figure, events: pl.DataFrame | None, starts: list[dt.date], granularity: str,
                lang: str) -> go.Figure:
    """Draw `events` (etl.annotations columns) that touch the charted periods `starts` on `figure`.

    A point is drawn at its period's first day, so a band runs from half a period before the first period the
    event touches to half a period after the last one: the points inside the band are the periods it touched.
    """
    if events is None or events.is_empty() or not starts:
        return figure
    first, last = min(starts), max(starts)
    half = HALF_PERIOD[granularity]
    previous_end = None
    for row in events.sort("starts_on").iter_rows(named=True):
        x0 = _period_start(row["starts_on"], granularity)
        x1 = _period_start(row["ends_on"], granularity)
        if x1 < first or x0 > last:
            continue
        colour = CATEGORY_COLOURS.get(row["category"], CATEGORY_COLOURS["other"])
        left, right = _moment(max(x0, first)) - half, _moment(min(x1, last)) + half
        # A label that would run into the one before it (within a few periods) drops below it.
        crowded = previous_end is not None and left - previous_end < LABEL_ROOM * half
        previous_end = right
        hover = (f"<b>{row['label']}</b> · {words.code_label(row['category'], lang)}<br>"
                 f"{formats.date_span(row['starts_on'], row['ends_on'], lang)}"
                 + (f"<br>{row['text']}" if row["text"] else "")
                 + f"<br>{words.t('event_author', lang)}: {row['author']}")
        figure.add_vrect(
            x0=left, x1=right, fillcolor=colour, opacity=BAND_OPACITY, line_width=0, layer="below",
            annotation_text=f"▼ {row['label']}", annotation_position="top left", annotation_xanchor="left",
            annotation_yshift=-22 if crowded else 0, annotation_hovertext=hover,
            annotation_font={"size": FONT_SIZE - 3, "color": "#222222"}, annotation_bgcolor="rgba(255,255,255,0.8)",
            annotation_bordercolor=colour, annotation_borderwidth=1,
            annotation_hoverlabel={"bgcolor": "white", "bordercolor": colour, "font": {"color": "#222222"}})
    return figure


def _period_start(day: dt.date, granularity: str) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if granularity == "week" else day.replace(day=1)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())
