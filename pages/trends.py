"""Tren Cabang: how does a KPI move over time for the picked branches, against target and region?"""
import streamlit as st

from etl.catalogue import KPIS
from ui import blocks, charts, filters, i18n, queries
from ui.i18n import t

f = filters.current()
blocks.header("page_trends", "trends_question")

kpis = [k.id for k in KPIS]
filters.default_value("kpi", kpis, kpis[0])
kpi = st.selectbox(t("kpi"), kpis, format_func=i18n.kpi_label, key="kpi")
filters.mirror("kpi", kpi)
lines = queries.trend(f.granularity, f.region, kpi, f.picked)
if blocks.has_rows(lines):
    blocks.chart(charts.trend_lines(lines, kpi, f.granularity, f.lang), key="trend")

if len(f.picked) == 1:
    branch = f.picked[0]
    profile = queries.branch_profile(f.granularity, f.region, branch)
    st.subheader(t("small_multiples", branch=queries.branch_names().get(branch, branch)))
    if blocks.has_rows(profile):
        blocks.chart(charts.small_multiples(profile, branch, f.granularity, f.lang), key="small_multiples")
else:
    st.info(t("pick_one_branch"))
