"""Rapor Cabang: one branch in one period — zone, every KPI against target and region, promises, and why."""
import polars as pl
import streamlit as st

from etl.catalogue import COMPLIANCE_INDEX
from present import charts, formats, sentences, tables, words
from present.words import t
from service import claims, complaints, days, evaluation, follow_ups, reference, staffing
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
names = reference.branch_names(r)
codes = list(f.scope)
st.title(t("page_report_card"))
filters.default_value("rc", codes, codes[0])
branch = st.selectbox(t("branch"), codes, format_func=lambda c: names.get(c, c), key="rc")
st.caption(t("report_card_question", branch=blocks.plain(names.get(branch, branch)), period=f.period_text))

card = evaluation.report_card(r, f.granularity, f.region, f.period, branch)
if blocks.has_rows(card):
    league = evaluation.league(r, f.granularity, f.region, f.period)
    standing = league.filter(pl.col("code") == branch)
    index = card.filter(pl.col("kpi") == COMPLIANCE_INDEX)
    left, middle, right = st.columns(3)
    if index.height:
        left.metric(words.kpi_label(COMPLIANCE_INDEX), formats.kpi_value(index["value"][0], COMPLIANCE_INDEX))
        with left:
            blocks.zone_badge(index["status"][0], charts.zone_label(index["status"][0], f.lang))
    if standing.height:
        row = standing.row(0, named=True)
        middle.metric(t("rank"), f"{row['rank']} / {league.height}",
                      delta=None if row["rank_change"] is None else row["rank_change"],
                      delta_description=t("vs_previous"))
        right.metric(t("worse_than_region"), len(row["worse"]))
    st.caption(t("evaluation_note"))
    blocks.table(tables.report_card(card, f.lang), key="report_card", height="content",
                 column_config={t("recent"): st.column_config.ImageColumn(t("recent"), help=t("recent_help"))})

st.subheader(t("day_breaches"))
breaches = days.breach_days(r, f.granularity, f.region, f.period, (branch,))
if breaches.is_empty():
    st.success(t("day_breaches_none_branch"))
else:
    worst = dict(breaches.row(0, named=True), name=blocks.plain(names.get(branch, branch)))
    st.markdown(sentences.day_breach_sentence(worst, f.lang))
st.caption(sentences.day_limits_note(r.sop.day_wait_minutes, r.sop.day_staffing_below, f.lang))
short = staffing.short_hours(r, (branch,), f.period, f.granularity)
if short.is_empty():
    st.markdown(t("short_hours_none"))
else:
    own = dict(short.row(0, named=True), branch_name=blocks.plain(names.get(branch, branch)))
    st.markdown(sentences.short_hours_sentence(own))

st.subheader(t("open_follow_ups"))
promised = follow_ups.open_follow_ups(r, f.region, f.period, f.granularity).filter(pl.col("branch_code") == branch)
if promised.is_empty():
    st.info(t("no_follow_ups_due"))
else:
    blocks.table(tables.follow_ups(promised, f.lang), key="report_card_follow_ups")

left, right = st.columns(2)
with left:
    st.subheader(t("category_pareto"))
    categories = complaints.category_pareto(r, (branch,), f.period, f.granularity)
    if blocks.has_rows(categories):
        blocks.chart(charts.pareto(categories.head(5), "category", f.lang), key="card_categories")
with right:
    st.subheader(t("rejection_pareto"))
    reasons = claims.rejection_pareto(r, (branch,), f.period, f.granularity)
    if blocks.has_rows(reasons):
        blocks.chart(charts.pareto(reasons.head(5), "rejection_reason", f.lang), key="card_reasons")
