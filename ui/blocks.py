"""Small building blocks that every page repeats: a chart, a table with its CSV, a page header, plain text."""
from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from present.tables import csv_text, inert_text
from etl.catalogue import KPI_BY_ID
from present.charts import status_label
from present.formats import kpi_change, kpi_value, target_text
from present.words import kpi_label, t

ZONE_BADGE = {"green": ("green", ":material/check_circle:"), "yellow": ("yellow", ":material/warning:"),
              "red": ("red", ":material/cancel:"), "none": ("gray", ":material/remove:")}
ROW_PX = 35  # st.dataframe's row height, header included
WRAPPED_ROW_PX = 66  # two lines of text: the grid wraps a cell's text only in rows taller than 4rem (64 px)
SHOWN_ROWS = 25
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
# Every ASCII punctuation character, which CommonMark lets a backslash make literal. Escaping all of them, not
# a chosen few, also covers what Streamlit adds to Markdown: `:red[…]` directives and `$` maths.
MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# GFM turns a bare `https://…` or `www.…` into a link after parsing, on the unescaped text, so escapes cannot stop
# it; an invisible WORD JOINER between `:` and `//`, or between `www` and `.`, can. E-mail addresses stay linkable.
BARE_ADDRESS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)")
WORD_JOINER = "\u2060"


def plain(text) -> str:
    """`text` (a name from the data, a login) as literal text inside Markdown: no link, image, HTML or formatting.

    For values put into st.info, st.caption, st.markdown, st.error and the like, which all read Markdown; never
    for a dataframe, a widget's options or a chart, which show text as it is.
    """
    unlinked = BARE_ADDRESS.sub(WORD_JOINER, "" if text is None else str(text))
    return MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)


def in_code(text) -> str:
    """`text` inside a Markdown code span (`…`), where escapes show as typed: only a backtick could end the span."""
    return ("" if text is None else str(text)).replace("`", "'").replace("\n", " ")


def header(title_key: str, question_key: str, **values) -> None:
    """The page title and the one question the page answers."""
    st.title(t(title_key))
    st.caption(t(question_key, **values))


def chart(figure: go.Figure, key: str, on_select: str = "ignore"):
    """A plotly chart at full width; returns the selection state when `on_select` is "rerun"."""
    return st.plotly_chart(figure, key=key, on_select=on_select, selection_mode="points", config=PLOTLY_CONFIG)


def has_rows(frame: pl.DataFrame) -> bool:
    """True when there is something to draw; otherwise says so in one sentence."""
    if frame.is_empty():
        st.info(t("no_data"))
        return False
    return True


def table(frame: pl.DataFrame, key: str, column_config: dict | None = None, select_rows: bool = False,
          height: int | str | None = None, wrap: bool = False):
    """A dataframe with a CSV download underneath; optionally lets the user pick one row.

    Every row shows without scrolling inside the grid up to SHOWN_ROWS (Streamlit's own default stops at 10,
    which hid the 11th branch of a region's league table below the fold); longer tables scroll. Text is made
    inert before it is shown, since the grid's own toolbar can download it as CSV too. `wrap` gives each row two
    lines, so that narrow columns (see `widths`) wrap their text instead of cutting it.
    """
    frame = inert_text(frame)
    row_px = WRAPPED_ROW_PX if wrap else ROW_PX
    height = height or ROW_PX + row_px * min(frame.height, SHOWN_ROWS) + 3
    state = st.dataframe(frame, key=key, hide_index=True, column_config=column_config, height=height,
                         on_select="rerun" if select_rows else "ignore", selection_mode="single-row",
                         row_height=row_px if wrap else None)
    # Written only when clicked: a page of tables would otherwise build every CSV on every rerun.
    st.download_button(t("download_csv"), lambda: csv_text(frame), file_name=f"pantau_{key}.csv", mime="text/csv",
                       key=f"{key}_csv", icon=":material/download:")
    return state


def widths(pixels: dict[str, int], help: dict[str, str] | None = None) -> dict:
    """column_config giving columns (by header) a width in pixels, and a help tooltip on their header."""
    help = help or {}
    return {column: st.column_config.Column(width=px, help=help.get(column)) for column, px in pixels.items()} | {
        column: st.column_config.Column(help=text) for column, text in help.items() if column not in pixels}


def own_records_note(branch_name: str | None) -> None:
    """Tells a branch manager that a page of records shows their own branch only."""
    if branch_name:
        st.info(t("records_own_branch", branch=plain(branch_name)), icon=":material/lock:")


def selected_row(state) -> int | None:
    """The index of the row picked in a `table(..., select_rows=True)`, if any."""
    rows = state.selection.rows if state is not None else []
    return rows[0] if rows else None


def zone_badge(zone: str, text: str) -> None:
    """A coloured badge that also carries an icon and a word, for colour-blind readers."""
    colour, icon = ZONE_BADGE[zone]
    st.badge(text, icon=icon, color=colour)


def kpi_tile(kpi: str, row: dict | None, lang: str) -> None:
    """One headline KPI in a bordered tile sized for a projector: the label wraps instead of being cut, the change
    against the previous period is coloured only when it moved, and the status is a short word with its symbol."""
    with st.container(border=True):
        st.markdown(f"**{kpi_label(kpi, lang)}**")
        if row is None:
            st.metric(kpi_label(kpi, lang), "–", label_visibility="collapsed")
            zone_badge("none", t("no_value", lang))
            return
        change = kpi_change(row["change"], kpi, lang)
        moved = change is not None and change[0] in "+-"
        colour = ("normal" if KPI_BY_ID[kpi].higher_is_better else "inverse") if moved else "off"
        st.metric(kpi_label(kpi, lang), kpi_value(row["value"], kpi, lang), delta=change, delta_color=colour,
                  label_visibility="collapsed", help=t("vs_previous_help", lang))
        zone_badge(row["status"], status_label(kpi, row["status"], lang, short=True))
        st.caption(f"{t('target', lang)} {target_text(kpi, row['target'], lang)}")
