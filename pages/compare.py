"""Bandingkan Cabang: where do two to four branches stand against each other, the region and the target?"""
import polars as pl
import streamlit as st

from present import charts, tables
from present.words import t
from service import marts, queue, reference
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
blocks.header("page_compare", "compare_question")

names = reference.branch_names(r)
ranked = marts.ranking(r, f.granularity, f.region, f.period)
options = list(f.scope) if len(f.scope) >= 2 else ranked["branch_code"].to_list()
if "cmp" in st.session_state:
    st.session_state["cmp"] = [code for code in st.session_state["cmp"] if code in options][:4]
else:
    # By default, the best and the worst branch of the period: the contrast the meeting asks about.
    st.session_state["cmp"] = list(f.picked[:4]) if len(f.picked) >= 2 else [ranked["branch_code"][0],
                                                                             ranked["branch_code"][-1]]
picked = st.multiselect(t("compare_pick"), options, max_selections=4, format_func=names.get, key="cmp")
filters.mirror("cmp", picked)
if len(picked) < 2:
    st.warning(t("compare_need_two"))
    st.stop()

long = marts.comparison(r, f.granularity, f.region, f.period, tuple(picked))
if blocks.has_rows(long):
    blocks.table(tables.comparison(long, [*picked, f.region], names, f.lang), key="comparison")

st.subheader(t("wait_distribution"))
histogram = queue.wait_histogram(r, tuple(picked), f.period, f.granularity)
if blocks.has_rows(histogram.filter(pl.col("tickets") > 0)):
    blocks.chart(charts.wait_histogram(histogram, names, session.sop().wait_minutes, f.lang), key="wait_histogram")

st.subheader(t("wait_heatmap"))
grids = {code: queue.hour_weekday(r, (code,), f.period, f.granularity) for code in picked}
top = charts.shared_top(list(grids.values()), "wait_min_mean")
for column, code in zip(st.columns(len(picked)), picked):
    with column:
        st.markdown(f"**{blocks.plain(names.get(code, code))}**")
        grid = grids[code]
        if blocks.has_rows(grid):
            blocks.chart(charts.hour_weekday_heatmap(grid, "wait_min_mean", t("minutes"), 0, f.lang, top),
                         key=f"wait_heatmap_{code}")
