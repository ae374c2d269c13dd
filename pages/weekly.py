"""Rapat Mingguan: how did the region do this period, and which branches need attention?

The page is a list of sections, drawn in order (SECTIONS); presentation mode shows some of them as panels, one
projector screen each (PANELS). A new section is one function added to either list, or both.
"""
import streamlit as st

from etl.catalogue import HEADLINE_KPIS
from etl.evaluation import FUNNEL_KPIS
from present import charts, formats, sentences, tables, words
from present.words import t
from service import days, evaluation, follow_ups, marts, reference, staffing
from ui import blocks, filters, pack_download, present_mode, session

DISCUSS_SHOWN = 6  # what a projected screen holds; the rest one click away
PROMISES_PER_PAGE = 4  # what was agreed runs to three or four lines in a projected panel's type


def plain_names(row: dict) -> dict:
    """A sentence's row with the names from the data (branch, events) as plain text inside the Markdown list."""
    return dict(row, name=blocks.plain(row["name"]), during=row["during"] and blocks.plain(row["during"]))


f = filters.current()
r = session.reader()
presenting = present_mode.switch()
title_key = "page_weekly" if f.granularity == "week" else "page_monthly"


def meeting_pack() -> None:
    pack_download.offer(r, f)


def discuss_rows():
    return evaluation.attention(r, f.granularity, f.region, f.period, f.picked)


def discuss_list() -> None:
    st.subheader(t("discuss"))
    discuss = discuss_rows()
    if discuss.is_empty():
        st.success(t("discuss_none"))
    else:
        # Branch, event and people's names are data: plain text inside the Markdown list, whatever they hold.
        safe = [dict(plain_names(row), raised_by=blocks.plain(row["raised_by"] or "–"))
                for row in discuss.iter_rows(named=True)]
        lines = [f"- :red[▼] {sentences.attention_sentence(row, f.granularity, f.lang)}" for row in safe]
        st.markdown("\n".join(lines[:DISCUSS_SHOWN]))
        if len(lines) > DISCUSS_SHOWN:
            with st.expander(t("discuss_more", count=len(lines) - DISCUSS_SHOWN)):
                st.markdown("\n".join(lines[DISCUSS_SHOWN:]))
    st.caption(t("discuss_note"))


def day_breaches() -> None:
    st.subheader(t("day_breaches"))
    breaches = days.breach_days(r, f.granularity, f.region, f.period, f.picked)
    if breaches.is_empty():
        st.success(t("day_breaches_none"))
    else:
        # The branch name is data: plain text inside the Markdown list, whatever it holds.
        lines = [sentences.day_breach_sentence(dict(row, name=blocks.plain(row["name"])), f.lang)
                 for row in breaches.iter_rows(named=True)]
        st.markdown("\n".join(f"- :red[●] {line}" for line in lines))
    st.caption(sentences.day_limits_note(r.sop.day_wait_minutes, r.sop.day_staffing_below, f.lang))


def short_of_counters() -> None:
    st.subheader(t("short_hours_title"))
    short = staffing.short_hours(r, f.scope, f.period, f.granularity)
    if short.is_empty():
        st.success(t("short_hours_none"))
    else:
        st.markdown("\n".join(
            f"- {sentences.short_hours_sentence(dict(row, branch_name=blocks.plain(row['branch_name'])))}"
            for row in short.head(DISCUSS_SHOWN).iter_rows(named=True)))
    st.page_link("pages/staffing.py", label=t("short_hours_more"), icon=":material/groups:")


def headline_tiles() -> None:
    tiles = marts.headline(r, f.granularity, f.region, f.period)
    if f.picked:  # the tiles are the region's: say so, so that they are not read as the picked branch's
        st.caption(t("headline_region", region=blocks.plain(reference.branch_names(r).get(f.region, f.region))))
    if blocks.has_rows(tiles):
        by_kpi = {row["kpi"]: row for row in tiles.iter_rows(named=True)}
        for start in range(0, len(HEADLINE_KPIS), 5):
            for column, kpi in zip(st.columns(5), HEADLINE_KPIS[start:start + 5]):
                with column:
                    blocks.kpi_tile(kpi, by_kpi.get(kpi), f.lang)


def what_changed() -> None:
    st.subheader(t("what_changed"))
    changed = evaluation.what_changed(r, f.granularity, f.region, f.period)
    if changed.is_empty():
        st.success(t("nothing_changed"))
    else:
        # The branch name is data: plain text inside the Markdown list, whatever it holds.
        lines = [f"{':red[▼]' if row['direction'] == 'worse' else ':green[▲]'} "
                 f"{sentences.change_sentence(plain_names(row), f.granularity, f.lang)}"
                 for row in changed.iter_rows(named=True)]
        st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("what_changed_note"))


def zone_strip() -> None:
    st.subheader(t("zone_strip"))
    strip = marts.zone_strip(r, f.granularity, f.region, f.period, selected=f.picked)
    if blocks.has_rows(strip):
        blocks.chart(charts.zone_strip(strip, f.granularity, f.lang), key="zone_strip")


def flagged(title: str, when_none: str, shown, codes: list[str], kpis: list[str | None], key: str,
            column_config: dict | None = None) -> None:
    """A table of flagged rows; a picked row offers what a meeting does next: look closer, or record a promise."""
    st.markdown(f"**{t(title)}**")
    if not codes:
        st.success(t(when_none))
        return
    st.caption(t("select_to_act"))
    picked = blocks.selected_row(blocks.table(shown, key=key, select_rows=True, column_config=column_config))
    if picked is None:
        return
    left, right = st.columns(2)
    if left.button(t("open_trend"), key=f"{key}_trend", icon=":material/show_chart:"):
        filters.drill_to_trend(codes[picked], kpis[picked])
    if right.button(t("follow_up_this"), key=f"{key}_follow_up", type="primary", icon=":material/add_task:"):
        filters.draft_follow_up(codes[picked], kpis[picked], f)


def needs_attention() -> None:
    st.subheader(t("needs_attention"))
    discuss = discuss_rows()
    red = marts.red_branches(r, f.granularity, f.region, f.period, f.picked)
    flagged("discuss_table", "discuss_none", tables.attention(discuss, f.lang), discuss["code"].to_list(),
            discuss["kpi"].to_list(), "attention",
            {t("region_value"): st.column_config.TextColumn(help=t("region_value_help"))})
    flagged("red_branches", "none_red", tables.zones(red, f.granularity, f.lang), red["branch_code"].to_list(),
            [None] * red.height, "red_branches")


def open_promises() -> None:
    """Every open follow-up of the region (or of the picked branches), due or not."""
    if not presenting:
        st.subheader(t("follow_ups"))
    promised = follow_ups.open_follow_ups(r, f.region, f.period, f.granularity)
    if f.picked:
        promised = promised.filter(promised["branch_code"].is_in(f.picked))
    if promised.is_empty():
        st.info(t("no_follow_ups_due"))
    elif presenting:  # the id and the period raised make room on a projected screen; the rest is what was promised
        present_mode.paged_table(tables.follow_ups(promised, f.lang).drop("#", t("raised_in")), key="promises",
                                 per_page=PROMISES_PER_PAGE)
    else:
        blocks.table(tables.follow_ups(promised, f.lang), key="follow_ups_open")


def attention_panel() -> None:
    """The meeting's list to act on, a page at a time; acting on a row happens outside presentation mode."""
    discuss = discuss_rows()
    if discuss.is_empty():
        st.success(t("discuss_none"))
    else:
        present_mode.paged_table(tables.attention(discuss, f.lang), key="attention_panel")
        st.caption(t("region_value_help"))


def funnel_panel() -> None:
    """Which branches are really different from the region on one KPI (the evaluation page's funnel)."""
    rate_kpis = list(FUNNEL_KPIS)
    filters.default_value("fk", rate_kpis, "wait_within_sop")
    kpi = st.selectbox(t("funnel_kpi"), rate_kpis, format_func=words.kpi_label, key="fk", width=420)
    filters.mirror("fk", kpi)
    judged, curve = evaluation.funnel(r, f.granularity, f.region, f.period, kpi)
    if blocks.has_rows(judged):
        if judged["phi"][0] > 1:
            st.caption(t("overdispersed"), help=t("overdispersed_help", phi=formats.number(judged["phi"][0], 1)))
        present_mode.chart(charts.funnel_plot(judged, curve, kpi, f.lang, f.picked), key="funnel_panel")


SECTIONS = [meeting_pack, discuss_list, day_breaches, short_of_counters, headline_tiles, what_changed, zone_strip,
            needs_attention, open_promises]
PANELS = [("panel_headline", headline_tiles), ("panel_attention", attention_panel), ("panel_funnel", funnel_panel),
          ("panel_promises", open_promises)]

if presenting:
    present_mode.show(PANELS, f"{t(title_key)} · {f.period_text}")
else:
    blocks.header(title_key, "weekly_question", period=f.period_text)
    for section in SECTIONS:
        section()
