"""Presentation mode: the meeting as a sequence of panels, each one projector screen (1280×720) without scrolling.

Switched on by a toggle in the sidebar or by `?present=1`; the panel shown is `?panel=N` (1-based), so a link
opens the meeting at the slide being discussed. While it is on, the sidebar, Streamlit's header and the demo
banner are hidden and the type is larger; a bar at the top steps between panels and leaves the mode, and says
how fresh the data is on hover. Long lists
are paged with buttons (a static table that wraps its text), never a grid that scrolls inside itself.
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st

from present import paging
from present.words import current_language, t
from ui.blocks import chart as full_width_chart
from ui.blocks import plain
from ui.filters import freshness_line, mirror

KEY = "present"  # the toggle's state, mirrored as ?present=1
PANEL_KEY = "panel"  # 0-based index of the panel shown, mirrored 1-based as ?panel=N
CHART_PX = 440  # a chart's height under the bar and one control (a KPI picker), inside 720 px
PER_PAGE = 8  # rows of a paged list: what a 1280×720 screen holds under a panel's heading, in large type
# The sidebar (and the button that reopens it), Streamlit's header bar, the demo banner and the freshness line (the
# bar says it on hover) make room for the panel; text grows for a room reading a wall. The selectors are
# Streamlit's own test ids, which its e2e suite relies on too, and the keys dashboard.py gives its containers.
CSS = """<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"],
[data-testid="stHeader"], .st-key-demo_banner, .st-key-freshness { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.5rem 2.5rem 0.5rem; max-width: none; }
.st-key-present_bar h3 { padding: 0; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p:not([data-testid="stMetricValue"] p),
[data-testid="stMain"] li,
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.2rem; }
[data-testid="stMain"] [data-testid="stTable"] td, [data-testid="stMain"] [data-testid="stTable"] th {
  font-size: 1.1rem; line-height: 1.35; overflow-wrap: anywhere; padding: 0.3rem 0.5rem; }
</style>"""

Panel = tuple[str, Callable[[], None]]  # (title key in present.strings, function that draws the panel)


def switch() -> bool:
    """The sidebar toggle, seeded from the URL on a session's first view of the page; True while presenting."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(KEY) == "1"
    on = st.sidebar.toggle(t("present_mode"), key=KEY, help=t("present_mode_help"),
                           on_change=lambda: st.session_state.pop(PANEL_KEY, None))  # a new show starts at 1
    mirror(KEY, "1" if on else None)
    if on:
        st.html(CSS)
    else:
        mirror(PANEL_KEY, None)
    return on


def show(panels: list[Panel], heading: str) -> None:
    """The bar (meeting, panel n of N, previous/next, exit), then the current panel under its title."""
    if PANEL_KEY not in st.session_state:
        st.session_state[PANEL_KEY] = paging.from_url(st.query_params.get(PANEL_KEY), len(panels))
    index = paging.clamp(st.session_state[PANEL_KEY], len(panels))
    mirror(PANEL_KEY, index + 1)
    title, draw = panels[index]
    with st.container(horizontal=True, vertical_alignment="center", key="present_bar"):
        # The panel's title heads the bar, so that the panel keeps the rest of the screen.
        st.markdown(f"### {t(title)}\n{heading} · {t('panel_of', index=index + 1, count=len(panels))}",
                    width="stretch", help=freshness_line(current_language()))
        st.button(t("panel_previous"), key="panel_previous", icon=":material/chevron_left:", disabled=index == 0,
                  on_click=_go, args=(index - 1,))
        st.button(t("panel_next"), key="panel_next", icon=":material/chevron_right:", type="primary",
                  disabled=index == len(panels) - 1, on_click=_go, args=(index + 1,))
        st.button(t("present_exit"), key="present_exit", icon=":material/close_fullscreen:",
                  help=t("present_exit_help"), on_click=_leave)
    draw()


def _go(index: int) -> None:
    st.session_state[PANEL_KEY] = index


def _leave() -> None:
    st.session_state[KEY] = False
    st.session_state.pop(PANEL_KEY, None)


def paged_table(frame: pl.DataFrame, key: str, per_page: int = PER_PAGE) -> None:
    """`frame` a page at a time in a static table whose cells wrap, with page buttons when it needs more than one.

    Cells are Markdown in st.table: every value is made plain text first, whatever it holds.
    """
    pages = paging.page_count(frame.height, per_page)
    page = paging.clamp(st.session_state.get(f"{key}_page", 0), pages)
    start, stop = paging.page_bounds(page, frame.height, per_page)
    shown = frame.slice(start, stop - start).with_columns(pl.all().cast(pl.String).fill_null("–"))
    st.table({plain(column): [plain(v) for v in shown[column]] for column in shown.columns}, hide_index=True)
    if pages == 1:
        return
    with st.container(horizontal=True, vertical_alignment="center", key=f"{key}_pager"):
        st.button(t("page_previous"), key=f"{key}_previous", icon=":material/chevron_left:", disabled=page == 0,
                  on_click=_turn, args=(key, page - 1))
        st.markdown(paging.rows_text(page, frame.height, per_page), width="content")
        st.button(t("page_next"), key=f"{key}_next", icon=":material/chevron_right:", disabled=page == pages - 1,
                  on_click=_turn, args=(key, page + 1))


def _turn(key: str, page: int) -> None:
    st.session_state[f"{key}_page"] = page


def chart(figure, key: str) -> None:
    """A chart as tall as a panel leaves room for (the pages' own charts are taller, for a scrolled page)."""
    full_width_chart(figure.update_layout(height=CHART_PX), key=key)
