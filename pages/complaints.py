"""Pengaduan: what do participants complain about, through which channel, and how fast is it handled?"""
import polars as pl
import streamlit as st

from present import charts, tables
from present.words import t
from service import annotations, complaints, marts, records, reference
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
blocks.header("page_complaints", "complaints_question")
blocks.own_records_note(session.own_records_branch_name())
events = annotations.chart_events(r, f.region, f.picked)  # known events, shaded on every time chart
names = reference.branch_names(r)

left, right = st.columns(2)
with left:
    st.subheader(t("by_channel"))
    volume = complaints.complaint_volume(r, f.scope, f.period, f.granularity)
    if blocks.has_rows(volume):
        blocks.chart(charts.volume_bars(volume, f.lang), key="by_channel")
with right:
    st.subheader(t("category_pareto"))
    categories = complaints.category_pareto(r, f.scope, f.period, f.granularity)
    if blocks.has_rows(categories):
        blocks.chart(charts.pareto(categories, "category", f.lang), key="category_pareto")

st.subheader(t("category_trend"))
trend = complaints.category_trend(r, f.scope, f.period, f.granularity)
if blocks.has_rows(trend):
    blocks.chart(charts.counts_over_time(trend, "category", f.granularity, f.lang, highlight=records.mover(trend, "category"),
                                         events=events),
                 key="category_trend")

left, right = st.columns(2)
with left:
    # One branch picked: its own lines; otherwise the region's, and the title says whose they are.
    shown = f.picked[0] if len(f.picked) == 1 else f.region
    st.subheader(f"{t('handling_sop')} · {blocks.plain(names.get(shown, shown))}")
    handling = pl.concat([marts.trend(r, f.granularity, f.region, kpi, f.picked).filter(pl.col("code") == shown)
                          for kpi in ("complaint_response_within_sop", "complaint_resolved_within_sop")])
    if blocks.has_rows(handling):
        blocks.chart(charts.kpi_lines(handling, f.granularity, f.lang, events=events), key="handling")
with right:
    st.subheader(t("complaint_backlog"))
    backlog = complaints.complaint_backlog(r, f.scope, f.period, f.granularity)
    if blocks.has_rows(backlog):
        blocks.chart(charts.age_bars(backlog, f.lang), key="complaint_backlog")

# Widths that fit a 1280 px screen beside the sidebar; names, channels and times wrap onto a second line.
record_columns = blocks.widths({t("complaint_id"): 180, t("branch"): 125, t("channel_category"): 140, t("received"): 95,
                                t("first_response"): 95, t("resolved"): 95, t("status"): 85})

st.subheader(t("escalations"))
public = complaints.escalations(r, f.scope, f.period, f.granularity)
if blocks.has_rows(public):
    blocks.table(tables.complaint_records(public, names, f.lang), key="escalations", column_config=record_columns,
                 wrap=True)

st.subheader(t("records"))
search = st.text_input(t("search"), key="complaint_search")
found = complaints.search_complaints(r, f.scope, f.period, f.granularity, search)
if blocks.has_rows(found):
    blocks.table(tables.complaint_records(found, names, f.lang), key="complaint_records",
                 column_config=record_columns, wrap=True)
