"""The shared sidebar: language, granularity, period, region and branches, mirrored in the URL.

The filters live in `st.query_params` as codes (`?lang=en&g=month&p=2026-10-01&r=…&b=…&b=…`), so a
copied URL opens the same view in either language. Widgets' own `bind="query-params"` would store
the displayed labels instead, which change with the language, hence the explicit mirroring here.
"""
from __future__ import annotations

import datetime as dt
import runpy
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from present import formats, words
from present.words import t
from service import reference
from ui import session

ENTRY = Path(__file__).resolve().parent.parent / "dashboard.py"
DRILL_KEY = "drill_branch"
DRAFT_KEY = "follow_up_draft"
FILTERS_KEY = "filters"


@dataclass(frozen=True)
class Filters:
    lang: str
    granularity: str
    period: dt.date
    region: str
    picked: tuple[str, ...]  # branches picked in the sidebar; empty means all of the region
    scope: tuple[str, ...]  # the branches every page shows: the picked ones, or all of the region

    @property
    def period_text(self) -> str:
        return formats.period_label(self.period, self.granularity, self.lang)


URL_READ_KEY = "url_read"
SINGLE_VALUED = ("lang", "g", "r", "p", "kpi", "fk")
MULTI_VALUED = ("b", "cmp")


def read_url_once() -> None:
    """Seed the widgets from the URL on a session's first run (later runs keep the user's picks)."""
    if st.session_state.get(URL_READ_KEY):
        return
    st.session_state[URL_READ_KEY] = True
    for key in SINGLE_VALUED:
        if key in st.query_params:
            st.session_state[key] = st.query_params[key]
    for key in MULTI_VALUED:
        if key in st.query_params:
            st.session_state[key] = st.query_params.get_all(key)


def mirror(key: str, value) -> None:
    """Write one filter's value into the URL (a list becomes a repeated parameter; empty removes it)."""
    if value in (None, [], ()):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = list(value) if isinstance(value, (list, tuple)) else str(value)


def default_value(key: str, allowed: list, fallback) -> None:
    """Set the widget's starting value, replacing one the options do not hold (an old URL, another region)."""
    if st.session_state.get(key) not in allowed:
        st.session_state[key] = fallback


def language_switch() -> str:
    """The language switch, first in the sidebar, because every other label depends on it."""
    read_url_once()
    default_value("lang", list(words.LANGUAGES), words.DEFAULT_LANGUAGE)
    lang = st.sidebar.segmented_control("Bahasa / Language", list(words.LANGUAGES), format_func=words.LANGUAGES.get,
                                        key="lang", required=True)
    mirror("lang", lang)
    words.set_language(lang)  # for this script run's thread: every word drawn from here on is in `lang`
    return lang


def sidebar(lang: str) -> Filters | None:
    """Draw the filters and return them; None when the database has no period yet."""
    _apply_drill()
    side = st.sidebar
    side.header(t("filters", lang))
    default_value("g", ["week", "month"], "week")
    granularity = side.segmented_control(t("granularity", lang), ["week", "month"], format_func=lambda g: t(g, lang),
                                         key="g", required=True)
    all_branches = reference.branches(session.reader())
    regions = all_branches.select("region_code", "region_name").unique(maintain_order=True)
    if regions.is_empty():
        return None
    default_value("r", regions["region_code"].to_list(), regions["region_code"][0])
    region = side.selectbox(t("region", lang), regions["region_code"].to_list(),
                            format_func=dict(zip(regions["region_code"], regions["region_name"])).get, key="r")
    period = _period_picker(granularity, lang)
    if period is None:
        return None
    in_region = all_branches.filter(pl.col("region_code") == region)
    names = dict(zip(in_region["branch_code"], in_region["branch_name"]))
    _drop_unknown("b", names)
    picked = side.multiselect(t("branches", lang), list(names), format_func=names.get, key="b",
                              placeholder=t("all_branches", lang))
    for key, value in (("g", granularity), ("r", region), ("p", period.isoformat()), ("b", picked)):
        mirror(key, value)
    scope = tuple(picked) if picked else tuple(names)
    filters = Filters(lang, granularity, period, region, tuple(picked), scope)
    st.session_state[FILTERS_KEY] = filters
    return filters


def _period_picker(granularity: str, lang: str) -> dt.date | None:
    frame = reference.periods(session.reader(), granularity)
    if frame.is_empty():
        return None
    options = [d.isoformat() for d in frame["period_start"]]
    incomplete = {d.isoformat() for d, complete in frame.select("period_start", "complete").iter_rows() if not complete}
    # A week picked before switching to months (or an old URL) falls back to the last complete period.
    default_value("p", options, reference.default_period(session.reader(), granularity).isoformat())

    def label(iso: str) -> str:
        text = formats.period_label(dt.date.fromisoformat(iso), granularity, lang)
        return f"{text} ({t('incomplete', lang)})" if iso in incomplete else text

    picked = st.sidebar.selectbox(t("period", lang), options, format_func=label, key="p")
    return dt.date.fromisoformat(picked)


def _drop_unknown(key: str, allowed: dict) -> None:
    """Forget picked values that the current options no longer hold (another region, an old URL)."""
    kept = [v for v in st.session_state.get(key) or [] if v in allowed]
    if key in st.session_state and kept != st.session_state[key]:
        st.session_state[key] = kept


def _apply_drill() -> None:
    """A branch (and KPI) clicked on another page become the picks before their widgets are drawn."""
    branch, kpi = st.session_state.pop(DRILL_KEY, (None, None))
    if branch:
        st.session_state["b"] = [branch]
    if kpi:
        st.session_state["kpi"] = kpi


def drill_to_trend(branch_code: str, kpi: str | None = None) -> None:
    """Open the trend page for one branch, and one KPI when given (called from click handlers)."""
    st.session_state[DRILL_KEY] = (branch_code, kpi)
    st.switch_page("pages/trends.py")


def draft_follow_up(branch_code: str, kpi: str | None, filters: Filters) -> None:
    """Open the follow-up form with the branch, KPI and period filled in (called from click handlers)."""
    st.session_state[DRAFT_KEY] = {"branch_code": branch_code, "kpi": kpi, "granularity": filters.granularity,
                                   "raised_period": filters.period}
    st.switch_page("pages/follow_ups.py")


def draft() -> dict | None:
    """The follow-up prefilled by another page; it stays until the item is created, so the form keeps its values."""
    return st.session_state.get(DRAFT_KEY)


def drop_draft() -> None:
    st.session_state.pop(DRAFT_KEY, None)


def current() -> Filters:
    """The filters the router drew in this run (taken, so that a page run without the router shows up)."""
    filters = st.session_state.pop(FILTERS_KEY, None)
    if filters is None:
        # Streamlit runs a `pages/` file by itself, without the router, while its old multipage mode is on:
        # on the first request after start-up, and in every AppTest run. Run the router in its place, in
        # this same run so that a button click is not lost, and stop here; the router runs this page.
        runpy.run_path(str(ENTRY), run_name="__main__")
        st.stop()
    return filters


def freshness_line(lang: str) -> str:
    """`Data sampai Minggu, 16 Nov 2026, dimuat 17 Nov 2026 06.00.`"""
    fresh = reference.freshness(session.reader())
    return t("freshness", lang, up_to=formats.date_long(fresh["up_to"], lang),
             loaded=formats.datetime_short(fresh["loaded_at"], lang))
