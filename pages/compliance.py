"""Kepatuhan SOP: which branches meet the SOP in this period, and how have their zones moved?"""
import streamlit as st

from present import charts, tables
from present.words import t
from service import marts, reference
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
blocks.header("page_compliance", "compliance_question", period=f.period_text)

st.subheader(t("heatmap_title"))
matrix = marts.compliance_matrix(r, f.granularity, f.region, f.period, f.picked)
if blocks.has_rows(matrix):
    blocks.chart(charts.kpi_heatmap(matrix, f.lang), key="kpi_heatmap")

st.subheader(t("ranking_title"))
ranked = marts.ranking(r, f.granularity, f.region, f.period, f.picked)
if blocks.has_rows(ranked):
    st.caption(t("click_hint"))
    zones = session.sop()
    clicked = blocks.chart(charts.ranking_bars(ranked, zones.green_from, zones.yellow_from, f.lang), key="ranking",
                           on_select="rerun")
    points = clicked.selection.points if clicked else []
    if points:
        filters.drill_to_trend(points[0]["customdata"])

st.subheader(t("zone_history"))
history = marts.zone_strip(r, f.granularity, f.region, f.period, count=len(reference.periods(r, f.granularity)),
                             selected=f.picked)
if blocks.has_rows(history):
    blocks.chart(charts.zone_strip(history, f.granularity, f.lang), key="zone_history")
    blocks.table(tables.zones(history.sort("branch_code", "period_start", descending=[False, True]), f.granularity,
                              f.lang), key="zone_history_table")
