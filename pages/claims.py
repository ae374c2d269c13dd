"""Klaim: are claims paid within SLA, why are they rejected, and how old is the backlog?"""
import streamlit as st

from present import charts
from present.words import t
from service import annotations, claims, marts, records
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
blocks.header("page_claims", "claims_question")
blocks.own_records_note(session.own_records_branch_name())
events = annotations.chart_events(r, f.region, f.picked)  # known events, shaded on every time chart

st.subheader(t("sla_by_programme"))
sla = claims.claim_sla(r, f.scope, f.period, f.granularity)
if blocks.has_rows(sla):
    target = marts.target_in_force(r, f.granularity, f.region, f.period, "claim_paid_within_sla")
    blocks.chart(charts.sla_grid(sla, target, f.lang), key="sla_grid")

left, right = st.columns(2)
with left:
    st.subheader(t("processing_time"))
    processing = claims.claim_processing(r, f.scope, f.period, f.granularity)
    if blocks.has_rows(processing):
        blocks.chart(charts.processing_bars(processing, f.lang), key="processing")
with right:
    st.subheader(t("claim_backlog"))
    backlog = claims.claim_backlog(r, f.scope, f.period, f.granularity)
    if blocks.has_rows(backlog):
        blocks.chart(charts.age_bars(backlog, f.lang), key="claim_backlog")

left, right = st.columns(2)
with left:
    st.subheader(t("rejection_pareto"))
    reasons = claims.rejection_pareto(r, f.scope, f.period, f.granularity)
    if blocks.has_rows(reasons):
        blocks.chart(charts.pareto(reasons, "rejection_reason", f.lang), key="rejection_pareto")
with right:
    st.subheader(t("rejection_trend"))
    reason_trend = claims.rejection_trend(r, f.scope, f.period, f.granularity)
    if blocks.has_rows(reason_trend):
        blocks.chart(charts.counts_over_time(reason_trend, "rejection_reason", f.granularity, f.lang,
                                             highlight=records.mover(reason_trend, "rejection_reason"),
                                             events=events), key="rejection_trend")

st.subheader(t("channel_trend"))
channels = claims.channel_trend(r, f.scope, f.period, f.granularity)
if blocks.has_rows(channels):
    blocks.chart(charts.counts_over_time(channels, "channel", f.granularity, f.lang, highlight=records.mover(channels, "channel"),
                                         events=events),
                 key="channel_trend")
