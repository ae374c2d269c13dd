"""Tren Cabang: how does a KPI move over time for the picked branches, against target and region?"""
import streamlit as st

from etl.catalogue import KPIS
from present import charts, words
from present.words import t
from service import annotations, marts, reference
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
blocks.header("page_trends", "trends_question")

kpis = [k.id for k in KPIS]
filters.default_value("kpi", kpis, kpis[0])
kpi = st.selectbox(t("kpi"), kpis, format_func=words.kpi_label, key="kpi")
filters.mirror("kpi", kpi)
lines = marts.trend(r, f.granularity, f.region, kpi, f.picked)
if blocks.has_rows(lines):
    blocks.chart(charts.trend_lines(lines, kpi, f.granularity, f.lang,
                                    events=annotations.chart_events(r, f.region, f.picked)), key="trend")

if len(f.picked) == 1:
    branch = f.picked[0]
    profile = marts.branch_profile(r, f.granularity, f.region, branch)
    st.subheader(t("small_multiples", branch=blocks.plain(reference.branch_names(r).get(branch, branch))))
    if blocks.has_rows(profile):
        blocks.chart(charts.small_multiples(profile, branch, f.granularity, f.lang), key="small_multiples")
else:
    st.info(t("pick_one_branch"))
