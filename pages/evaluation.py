"""Evaluasi: which differences between branches are real, and which branch changed beyond its normal noise?"""
import streamlit as st

from etl import stats
from etl.catalogue import KPIS
from etl.evaluation import FUNNEL_KPIS
from present import charts, formats, tables, words
from present.words import t
from service import annotations, evaluation, reference
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
blocks.header("page_evaluation", "evaluation_question", period=f.period_text)
st.info(t("evaluation_note"), icon=":material/balance:")

st.subheader(t("league_title"))
ranked = evaluation.league(r, f.granularity, f.region, f.period)
if f.picked:
    ranked = ranked.filter(ranked["code"].is_in(f.picked))
chosen_branch = None
if blocks.has_rows(ranked):
    st.caption(t("league_hint"))
    counts = {t(short): t("league_counts_help", what=t(header).lower()) for header, _, short in tables.LEAGUE_LISTS}
    picked = blocks.selected_row(blocks.table(tables.league_screen(ranked, f.lang), key="league", select_rows=True,
                                              column_config=blocks.widths({}, {t("index_short"): t("index_short_help"),
                                                                               **counts})))
    if picked is not None:
        chosen_branch = ranked["code"][picked]
        st.markdown("\n".join(f"- {blocks.plain(line)}" for line in tables.league_details(ranked.row(picked, named=True),
                                                                                          f.lang)))
        flagged = [*ranked["worse"][picked], *ranked["missed"][picked]]
        if st.button(t("follow_up_this"), type="primary", icon=":material/add_task:"):
            filters.draft_follow_up(chosen_branch, flagged[0] if flagged else None, f)

st.subheader(t("funnel_heading"))
rate_kpis = list(FUNNEL_KPIS)
filters.default_value("fk", rate_kpis, "wait_within_sop")
funnel_kpi = st.selectbox(t("funnel_kpi"), rate_kpis, format_func=words.kpi_label, key="fk")
filters.mirror("fk", funnel_kpi)
judged, curve = evaluation.funnel(r, f.granularity, f.region, f.period, funnel_kpi)
if blocks.has_rows(judged):
    phi = judged["phi"][0]
    if phi > 1:
        st.caption(t("overdispersed"), help=t("overdispersed_help", phi=formats.number(phi, 1, f.lang)))
    blocks.chart(charts.funnel_plot(judged, curve, funnel_kpi, f.lang, f.picked), key="funnel")

st.subheader(t("control_heading"))
names = reference.branch_names(r)
codes = ranked["code"].to_list() or list(f.scope)
left, right = st.columns(2)
# The branch picked in the league table wins; otherwise the last branch of the table (the one most behind).
if chosen_branch:
    st.session_state["cb"] = chosen_branch
filters.default_value("cb", codes, codes[-1] if codes else None)
branch = left.selectbox(t("control_branch"), codes, format_func=lambda c: names.get(c, c), key="cb")
kpis = [k.id for k in KPIS]
filters.default_value("ck", kpis, funnel_kpi)
kpi = right.selectbox(t("control_kpi"), kpis, format_func=words.kpi_label, key="ck")
if branch:
    chart = evaluation.control_chart(r, f.granularity, f.region, branch, kpi, f.period)
    if chart["centre"].drop_nulls().is_empty():
        st.info(t("control_short"))
    elif blocks.has_rows(chart):
        title = t("control_title", kpi=words.kpi_label(kpi), branch=blocks.plain(names.get(branch, branch)))
        st.markdown(f"**{title}**")
        st.caption(t("control_note"))
        blocks.chart(charts.control_chart(chart, kpi, f.granularity, f.lang, stats.BASELINE_PERIODS,
                                          events=annotations.chart_events(r, f.region, [branch])),
                     key="control_chart")
