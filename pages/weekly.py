"""Rapat Mingguan: how did the region do this period, and which branches need attention?"""
import streamlit as st

from etl.catalogue import HEADLINE_KPIS
from present import charts, sentences, tables
from present.words import t
from report.content import collect
from report.pack import file_stem, pack_zip
from report.pdf import find_chromium
from report.xlsx import xlsx_bytes
from service import evaluation, follow_ups, marts, reference
from ui import blocks, filters, session

DISCUSS_SHOWN = 6  # what a projected screen holds; the rest one click away


def plain_names(row: dict) -> dict:
    """A sentence's row with the names from the data (branch, events) as plain text inside the Markdown list."""
    return dict(row, name=blocks.plain(row["name"]), during=row["during"] and blocks.plain(row["during"]))


f = filters.current()
r = session.reader()
blocks.header("page_weekly" if f.granularity == "week" else "page_monthly", "weekly_question", period=f.period_text)
if find_chromium():
    # Built only when clicked: the PDF takes a few seconds in a headless browser.
    st.download_button(t("meeting_pack"), data=lambda: pack_zip(r, f.granularity, f.region, f.period, f.lang, f.picked),
                       file_name=f"{file_stem(f.region, f.period, f.granularity)}.zip", mime="application/zip",
                       icon=":material/picture_as_pdf:", help=t("meeting_pack_help"))
else:
    st.download_button(t("meeting_pack_xlsx"), file_name=f"{file_stem(f.region, f.period, f.granularity)}.xlsx",
                       data=lambda: xlsx_bytes(collect(r, f.granularity, f.region, f.period, f.lang, f.picked)),
                       icon=":material/table:", help=t("meeting_pack_no_pdf"))

st.subheader(t("discuss"))
discuss = evaluation.attention(r, f.granularity, f.region, f.period, f.picked)
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

tiles = marts.headline(r, f.granularity, f.region, f.period)
if f.picked:  # the tiles are the region's: say so, so that they are not read as the picked branch's
    st.caption(t("headline_region", region=blocks.plain(reference.branch_names(r).get(f.region, f.region))))
if blocks.has_rows(tiles):
    by_kpi = {row["kpi"]: row for row in tiles.iter_rows(named=True)}
    for start in range(0, len(HEADLINE_KPIS), 5):
        for column, kpi in zip(st.columns(5), HEADLINE_KPIS[start:start + 5]):
            with column:
                blocks.kpi_tile(kpi, by_kpi.get(kpi), f.lang)

st.subheader(t("what_changed"))
changed = evaluation.what_changed(r, f.granularity, f.region, f.period)
if changed.is_empty():
    st.success(t("nothing_changed"))
else:
    lines = [f"{':red[▼]' if row['direction'] == 'worse' else ':green[▲]'} "
             f"{sentences.change_sentence(plain_names(row), f.granularity, f.lang)}"
             for row in changed.iter_rows(named=True)]
    st.markdown("\n".join(f"- {line}" for line in lines))
st.caption(t("what_changed_note"))

st.subheader(t("zone_strip"))
strip = marts.zone_strip(r, f.granularity, f.region, f.period, selected=f.picked)
if blocks.has_rows(strip):
    blocks.chart(charts.zone_strip(strip, f.granularity, f.lang), key="zone_strip")

st.subheader(t("needs_attention"))
red = marts.red_branches(r, f.granularity, f.region, f.period, f.picked)


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


flagged("discuss_table", "discuss_none", tables.attention(discuss, f.lang), discuss["code"].to_list(),
        discuss["kpi"].to_list(), "attention",
        {t("region_value"): st.column_config.TextColumn(help=t("region_value_help"))})
flagged("red_branches", "none_red", tables.zones(red, f.granularity, f.lang), red["branch_code"].to_list(),
        [None] * red.height, "red_branches")

st.subheader(t("follow_ups"))
promised = follow_ups.open_follow_ups(r, f.region, f.period, f.granularity)
if f.picked:
    promised = promised.filter(promised["branch_code"].is_in(f.picked))
if promised.is_empty():
    st.info(t("no_follow_ups_due"))
else:
    blocks.table(tables.follow_ups(promised, f.lang), key="follow_ups_open")
