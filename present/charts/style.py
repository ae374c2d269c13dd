"""What every chart shares: colours, zone symbols, projector-sized type and the period axis.

One zone scheme everywhere: green, yellow, red and grey, each with a symbol, so
that colour-blind viewers and greyscale projectors read the same thing. Text is
large enough for a projected wall, and backgrounds stay transparent for dark themes.
"""
from __future__ import annotations

import plotly.graph_objects as go

from etl.catalogue import COMPLIANCE_INDEX
from present import formats, words

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
NUMBER_TICKS = ",.6~g"  # d3: thousands grouped, no trailing zeros; plotly's separators localise it


def layout(figure: go.Figure, lang: str, height: int = 420, title: str | None = None) -> go.Figure:
    """Projector-friendly defaults: big type, locale separators, legend on top."""
    figure.update_layout(
        height=height, separators=formats.plotly_separators(lang), font={"size": FONT_SIZE},
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10}, title={"text": title} if title else None,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": FONT_SIZE - 1}},
        hoverlabel={"font_size": FONT_SIZE},
    )
    # Streamlit's theme shrinks axis text; a projected wall needs it big.
    axis_text = {"tickfont": {"size": FONT_SIZE - 2}, "title_font": {"size": FONT_SIZE - 1}}
    figure.update_xaxes(**axis_text)
    figure.update_yaxes(**axis_text)
    # Numbers on an axis group thousands like every table does (1.500, not 1500); a chart that names its own
    # format keeps it. Dates get their labels from period_ticks, in the viewer's language.
    figure.for_each_xaxis(lambda axis: axis.update(tickformat=NUMBER_TICKS) if _plain_numbers(axis) else None)
    figure.for_each_yaxis(lambda axis: axis.update(tickformat=NUMBER_TICKS) if _plain_numbers(axis) else None)
    return figure


def _plain_numbers(axis) -> bool:
    return axis.tickformat is None and axis.type in (None, "-", "linear") and axis.tickvals is None


def whole_number_ticks(figure: go.Figure, values, **axis) -> None:
    """Counts never get a tick at 0,5: below 7 every whole number is a tick, above that plotly's own steps
    are whole already. `axis` selects the y axis (e.g. secondary_y=False)."""
    top = max((v for v in values if v is not None), default=0)
    figure.update_yaxes(tickformat=",d", rangemode="tozero", **({"dtick": 1} if top < 7 else {}), **axis)


def zone_scale() -> list:
    """A discrete colour scale for zone codes 0..3 (none, red, yellow, green)."""
    steps = len(ZONE_ORDER)
    scale = []
    for i, zone in enumerate(ZONE_ORDER):
        scale += [[i / steps, ZONE_COLOURS[zone]], [(i + 1) / steps, ZONE_COLOURS[zone]]]
    return scale


def zone_code(zone: str) -> int:
    return ZONE_ORDER.index(zone)


def zone_label(zone: str, lang: str) -> str:
    """`✓ Hijau`: symbol and word, never hue alone."""
    return f"{ZONE_SYMBOLS[zone]} {words.code_label(zone, lang)}"


def status_label(kpi: str, status: str, lang: str, short: bool = False) -> str:
    """`✓ Hijau` for the index's zone; `✓ Memenuhi target` / `✗ Tidak memenuhi target` for every other KPI
    (`✓ Memenuhi` / `✗ Meleset` when `short`, for a tile)."""
    if kpi == COMPLIANCE_INDEX or status == "none":
        return zone_label(status, lang)
    key = ("meets" if status == "green" else "misses") + ("_tile" if short else "")
    return f"{ZONE_SYMBOLS[status]} {words.t(key, lang)}"


def parts_text(numerator: float | None, denominator: float | None, lang: str, noun: str = "") -> str:
    """`182 dari 200 tiket` for rates; empty for KPIs without a denominator."""
    if numerator is None or denominator is None:
        return ""
    return (f"{formats.number(numerator, 0, lang)} {words.t('of', lang)} {formats.number(denominator, 0, lang)}"
            + (f" {noun}" if noun else ""))


def wrap(label: str, width: int = 18) -> str:
    """Break a long axis label over lines so that 22 KPIs fit side by side."""
    parts, lines, line = label.split(), [], ""
    for word in parts:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def period_ticks(figure: go.Figure, starts: list, granularity: str, lang: str, count: int = 12) -> None:
    """Date-axis ticks named in the current language (plotly's own month names are English)."""
    step = max(1, len(starts) // count)
    shown = starts[::-1][::step][::-1]
    figure.update_xaxes(tickvals=shown, ticktext=[formats.period_short(s, granularity, lang) for s in shown])


