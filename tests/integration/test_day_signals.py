"""The empty-counter story on the demo: Serang's bad days stand out although its weekly figures look ordinary."""
from __future__ import annotations

import datetime as dt
import html

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.db import make_engine
from etl.generate import stories
from present import sentences
from report import content, pdf
from service import days, marts, reference
from service.reader import Reader
from tests.integration.test_pages import ENTRY


@pytest.fixture(scope="module")
def r(demo_db_url) -> Reader:
    engine = make_engine(demo_db_url)
    yield Reader.for_process(engine, "tests")
    engine.dispose()


@pytest.fixture(scope="module")
def last_week(r) -> dt.date:
    return reference.default_period(r, "week")


def test_serangs_empty_counter_week_names_serang_first_with_its_worst_day(r, last_week):
    week = last_week - dt.timedelta(weeks=1)  # an empty-counter week (stories.EMPTY_COUNTER_WEEKS)
    found = days.breach_days(r, "week", "BTN", week)
    serang = found.row(0, named=True)
    assert serang["branch_code"] == stories.SERANG
    assert serang["breach_days"] == 1 and serang["days_seen"] >= 4
    # The day the story plants: Thursday of the week (or the next working day).
    assert serang["day"].weekday() >= 3 and week <= serang["day"] < week + dt.timedelta(days=5)
    assert serang["wait_p90_min"] > 120 and serang["wait_max_min"] > r.sop.day_wait_minutes
    assert serang["staffing"] < r.sop.day_staffing_below
    assert serang["waiting_at_close"] >= 10 and serang["after_close_min"] > 60
    # The marts hold the same worst day, and the week's own figure looks ordinary beside it.
    mart = marts.kpi_values(r, "week", "BTN", week, week, ("worst_day_wait_p90_min", "counter_staffing"))
    values = {row["kpi"]: row["value"] for row in mart.filter(pl.col("code") == stories.SERANG).iter_rows(named=True)}
    assert values["worst_day_wait_p90_min"] == pytest.approx(serang["wait_p90_min"])
    assert values["counter_staffing"] > 2 * serang["staffing"]
    text = sentences.day_breach_sentence(serang, "id")
    assert text.startswith("KC Serang: 1 dari ") and ("Kamis" in text or "Jumat" in text)


def test_serang_shows_only_in_its_empty_counter_weeks(r, last_week):
    for weeks in range(10):
        week = last_week - dt.timedelta(weeks=weeks)
        named = days.breach_days(r, "week", "BTN", week)["branch_code"].to_list()
        assert (stories.SERANG in named) == (weeks in stories.EMPTY_COUNTER_WEEKS), weeks
        if weeks in stories.EMPTY_COUNTER_WEEKS:
            assert named[0] == stories.SERANG, weeks


def test_a_pick_narrows_the_list_and_a_month_counts_the_bad_days_of_its_weeks(r, last_week):
    week = last_week - dt.timedelta(weeks=1)
    assert days.breach_days(r, "week", "BTN", week, (stories.CIKOKOL,)).is_empty()
    bad_days = [days.breach_days(r, "week", "BTN", last_week - dt.timedelta(weeks=w), (stories.SERANG,))["day"][0]
                for w in stories.EMPTY_COUNTER_WEEKS]
    for month in {dt.date(d.year, d.month, 1) for d in bad_days}:
        serang = days.breach_days(r, "month", "BTN", month, (stories.SERANG,)).row(0, named=True)
        in_month = [d for d in bad_days if (d.year, d.month) == (month.year, month.month)]
        assert serang["breach_days"] == len(in_month) and serang["day"] in in_month, month


def test_the_weekly_page_and_the_report_card_tell_the_empty_counter_day_in_both_languages(r, last_week, demo_db_url,
                                                                                         monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    app = AppTest.from_file(ENTRY, default_timeout=120).run()
    app.switch_page("pages/weekly.py").run().run()

    def serang_lines() -> list[str]:
        return [m.value for m in app.markdown if "KC Serang:" in m.value and "●" in m.value]

    app.selectbox(key="p").set_value((last_week - dt.timedelta(weeks=1)).isoformat()).run()
    assert not app.exception, app.exception
    assert len(serang_lines()) == 1 and "1 dari 5 hari melewati batas" in serang_lines()[0]
    # The hours short of counters that week, worst branch first: Serang's empty counters lead the list.
    short = next(m.value for m in app.markdown if "jam layanan kurang loket" in m.value)
    assert short.startswith("- KC Serang: "), short
    app.button_group(key="lang").set_value("en").run()
    assert "1 of 5 days over a hard limit" in serang_lines()[0]
    app.selectbox(key="p").set_value(last_week.isoformat()).run()
    assert serang_lines() == []
    app.selectbox(key="p").set_value((last_week - dt.timedelta(weeks=1)).isoformat()).run()
    app.switch_page("pages/report_card.py").run()
    app.selectbox(key="rc").set_value(stories.SERANG).run()
    assert not app.exception, app.exception
    assert any(m.value.startswith("KC Serang: 1 of 5 days") for m in app.markdown)


def test_the_meeting_pack_tells_the_empty_counter_day_under_the_brief(r, last_week):
    serang_week = content.collect(r, "week", "BTN", last_week - dt.timedelta(weeks=1), "en")
    page = pdf.document(serang_week)
    assert html.escape(sentences.day_breach_sentence(serang_week.day_breaches.row(0, named=True), "en")) in page
    assert page.index("Days over a hard limit") > page.index("What changed")
    ordinary = content.collect(r, "week", "BTN", last_week, "id", selected=(stories.SERANG,))
    assert ordinary.day_breaches.is_empty()
    assert "Tidak ada cabang dengan hari yang melewati batas." in pdf.document(ordinary)
