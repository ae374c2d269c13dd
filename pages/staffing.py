"""Kebutuhan Loket: how many counters each hour needed to meet the SOP, how many were open, and next week's plan."""
import datetime as dt

import streamlit as st

from etl.staffing_plan import PLAN_WEEKS, TRUSTED_ARRIVALS
from present import formats
from present.charts import staffing as charts
from present.words import t
from service import reference, staffing
from ui import blocks, filters, session

f = filters.current()
r = session.reader()
sop = session.sop()
names = reference.branch_names(r)
blocks.header("page_staffing", "staffing_question", period=f.period_text)


def percent(share: float | None) -> str:
    return "–" if share is None else f"{formats.number(share * 100, 0, f.lang)} %"


empty = staffing.empty_counter_days(r, f.scope, f.period, f.granularity)
if not empty.is_empty():
    st.warning(t("empty_days", days="; ".join(
        t("empty_day", branch=row["branch_name"], day=formats.date_long(row["day"], f.lang),
          active=row["counters_active"], counters=row["counters_available"]) for row in empty.iter_rows(named=True))),
        icon=":material/person_off:")

st.subheader(t("short_hours_title"))
short = staffing.short_hours(r, f.scope, f.period, f.granularity)
worst_first = short["branch_code"].to_list()
if short.is_empty():
    st.info(t("short_hours_none"))
else:
    blocks.chart(charts.short_hours_bars(short, f.lang), key="short_hours")

detail = staffing.detail_codes(r, f.scope)
if not detail:
    st.caption(t("staffing_detail_own"))
else:
    ordered = [c for c in worst_first if c in detail] + [c for c in detail if c not in worst_first]
    branch = st.selectbox(t("staffing_branch_pick"), ordered, format_func=names.get, key="staffing_branch")
    slots = staffing.branch_slots(r, branch, f.period, f.granularity)
    grid = staffing.day_hour_grid(slots)
    st.subheader(t("shortage_heatmap_title"))
    if blocks.has_rows(grid):
        blocks.chart(charts.shortage_heatmap(grid, f.lang), key="shortage_heatmap")
        target, _ = staffing.wait_targets(r, branch, f.period)
        st.caption(t("few_tickets_mark", n=TRUSTED_ARRIVALS) + " · " + t(
            "model_trust", target=percent(target), minutes=formats.number(sop.wait_minutes, 0, f.lang),
            priority=formats.number(sop.priority_wait_minutes, 0, f.lang), n=TRUSTED_ARRIVALS))
        stretch = staffing.worst_stretch(slots, sop.wait_minutes)
        if stretch is not None:
            st.markdown(t("extra_counter" if stretch.extra > 1 else "extra_counter_one", extra=stretch.extra,
                          day=formats.date_long(stretch.day, f.lang), first=formats.clock(stretch.first, f.lang),
                          last=formats.clock(stretch.last + dt.timedelta(hours=1), f.lang),
                          with_extra=percent(stretch.predicted_with_extra),
                          minutes=formats.number(sop.wait_minutes, 0, f.lang),
                          actual=percent(stretch.actual if stretch.actual is not None else stretch.predicted)))
            st.caption(t("extra_counter_note", tickets=formats.number(stretch.tickets, 0, f.lang)))
        st.subheader(t("day_line_title"))
        days = grid["day"].unique().sort().to_list()
        day = st.selectbox(t("pick_day"), days, index=days.index(staffing.worst_day(grid)),
                           format_func=lambda d: formats.date_long(d, f.lang), key="staffing_day")
        blocks.chart(charts.day_lines(grid.filter(grid["day"] == day), f.lang), key="day_lines")

plan = staffing.next_week_plan(r, f.scope)
if plan.is_empty():
    st.info(t("plan_none"))
else:
    first, last = plan["day"].min(), plan["day"].max()
    st.subheader(t("plan_title", first=formats.date_long(first, f.lang), last=formats.date_long(last, f.lang)))
    over = staffing.plan_over_capacity(plan)
    codes = over["branch_code"].to_list()
    plan_branch = st.selectbox(t("branch"), codes, format_func=names.get, key="plan_branch")
    chosen = plan.filter(plan["branch_code"] == plan_branch)
    st.caption(t("plan_caption", weeks=PLAN_WEEKS, counters=chosen["counters_available"][0]))
    blocks.chart(charts.plan_heatmap(chosen, f.lang), key="plan_heatmap")
    st.subheader(t("plan_region_title"))
    blocks.table(over.select(
        over["branch_code"].replace_strict(names, default=None).alias(t("branch")),
        over["peak_needed"].alias(t("plan_peak")), over["counters_available"].alias(t("counters_available")),
        over["hours_over"].alias(t("plan_hours_over")),
    ), key="plan_region")
