"""Kepatuhan SOP: which branches meet the SOP in this period, and how have their zones moved?"""
import streamlit as st

from ui import blocks, charts, filters, queries, tables
from ui.i18n import t

f = filters.current()
blocks.header("page_compliance", "compliance_question", period=f.period_text)

st.subheader(t("heatmap_title"))
matrix = queries.compliance_matrix(f.granularity, f.region, f.period, f.picked)
if blocks.has_rows(matrix):
    blocks.chart(charts.kpi_heatmap(matrix, f.lang), key="kpi_heatmap")

st.subheader(t("ranking_title"))
ranked = queries.ranking(f.granularity, f.region, f.period, f.picked)
if blocks.has_rows(ranked):
    st.caption(t("click_hint"))
    zones = queries.sop()
    clicked = blocks.chart(charts.ranking_bars(ranked, zones.green_from, zones.yellow_from, f.lang), key="ranking",
                           on_select="rerun")
    points = clicked.selection.points if clicked else []
    if points:
        filters.drill_to_trend(points[0]["customdata"])

st.subheader(t("zone_history"))
history = queries.zone_strip(f.granularity, f.region, f.period, count=len(queries.periods(f.granularity)),
                             selected=f.picked)
if blocks.has_rows(history):
    blocks.chart(charts.zone_strip(history, f.granularity, f.lang), key="zone_history")
    blocks.table(tables.zones(history.sort("branch_code", "period_start", descending=[False, True]), f.granularity,
                              f.lang), key="zone_history_table")
