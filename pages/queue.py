"""Antrean: when does the queue build up, are the counters staffed, and who gets sent from desk to desk?"""
import streamlit as st

from present import charts
from present.words import t
from service import queue
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
blocks.header("page_queue", "queue_question")

grid = queue.hour_weekday(r, f.scope, f.period, f.granularity)
if blocks.has_rows(grid):
    volume, wait = st.columns(2)
    with volume:
        st.subheader(t("volume_heatmap"))
        blocks.chart(charts.hour_weekday_heatmap(grid, "tickets", t("tickets"), 0, f.lang), key="volume_heatmap")
    with wait:
        st.subheader(t("wait_heatmap"))
        blocks.chart(charts.hour_weekday_heatmap(grid, "wait_min_mean", t("minutes"), 0, f.lang), key="wait_heatmap")

st.subheader(t("staffing_title"))
staffing = queue.staffing_by_hour(r, f.scope, f.period, f.granularity)
if blocks.has_rows(staffing.drop_nulls("active_mean")):
    st.caption(t("click_hint"))
    clicked = blocks.chart(charts.staffing_bars(staffing, f.lang), key="staffing", on_select="rerun")
    points = clicked.selection.points if clicked else []
    if points:
        filters.drill_to_trend(staffing["branch_code"][points[0]["point_index"]], "counter_staffing")

st.subheader(t("priority_title"))
waits = queue.priority_waits(r, f.scope, f.period, f.granularity)
if blocks.has_rows(waits):
    limits = session.sop()
    blocks.chart(charts.priority_boxes(waits, (limits.priority_wait_minutes, limits.wait_minutes), f.lang),
                 key="priority")

st.subheader(t("transfers_title"))
flows = queue.transfer_flows(r, f.scope, f.period, f.granularity)
if flows.is_empty():
    st.info(t("no_transfers"))
else:
    blocks.chart(charts.transfer_sankey(flows, f.lang), key="transfers")
