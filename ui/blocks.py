"""Small building blocks that every page repeats: a chart, a table with its CSV, a page header, plain text."""
from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from present.tables import csv_text, inert_text
from present.words import t

ZONE_BADGE = {"green": ("green", ":material/check_circle:"), "yellow": ("yellow", ":material/warning:"),
              "red": ("red", ":material/cancel:"), "none": ("gray", ":material/remove:")}
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
          height: int | str = "auto"):
    """A dataframe with a CSV download underneath; optionally lets the user pick one row.

    Text is made inert before it is shown, since the grid's own toolbar can download it as CSV too.
    """
    frame = inert_text(frame)
    state = st.dataframe(frame, key=key, hide_index=True, column_config=column_config, height=height,
                         on_select="rerun" if select_rows else "ignore", selection_mode="single-row")
    # Written only when clicked: a page of tables would otherwise build every CSV on every rerun.
    st.download_button(t("download_csv"), lambda: csv_text(frame), file_name=f"pantau_{key}.csv", mime="text/csv",
                       key=f"{key}_csv", icon=":material/download:")
    return state


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
