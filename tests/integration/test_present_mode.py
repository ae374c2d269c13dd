"""Presentation mode under AppTest: `?present=1` shows the meeting as panels, buttons and `?panel=N` step through
them, long lists are paged, and leaving brings the usual page back."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl import follow_ups
from etl.db import make_engine
from present.words import t
from service import reference
from service.reader import Reader
from tests.ui_db import copy_of_demo
from ui import present_mode

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")
PROMISES = 9  # three pages of the promises panel's four rows
PANEL_TITLES = ("panel_headline", "panel_attention", "panel_funnel", "panel_promises")


@pytest.fixture
def own_demo(demo_db_url, tmp_path, monkeypatch):
    """A private copy of the demo with PROMISES open follow-ups, due one a day from the meeting week on."""
    url = copy_of_demo(demo_db_url, tmp_path / "demo.db")
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    period = reference.default_period(Reader.for_process(engine, "tests"), "week")
    for i in range(PROMISES):
        follow_ups.create(engine, branch_code=f"BTN{i + 1:02d}", topic="Antrean", agreed=f"Janji nomor {i + 1}",
                          owner="Kepala Cabang", due_date=period + dt.timedelta(days=i), granularity="week",
                          raised_period=period, created_by="Kakanwil", kpi="wait_within_sop")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


def presenting(panel: str | None = None) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.query_params["present"] = "1"
    if panel is not None:
        at.query_params["panel"] = panel
    at.run()
    assert not at.exception, at.exception
    return at


def bar(at: AppTest) -> str:
    return at.main.markdown[0].value


def test_present_1_opens_the_first_panel_without_the_page_title(own_demo):
    at = presenting()
    assert t("panel_headline", "id") in bar(at) and t("panel_of", "id", index=1, count=4) in bar(at)
    assert not at.title, "the panel's title stands in the bar, not the page's"
    assert at.sidebar.toggle(key=present_mode.KEY).value is True
    assert at.query_params["panel"] == "1"


def test_next_and_previous_step_through_every_panel_and_the_url_follows(own_demo):
    at = presenting()
    for index, title in enumerate(PANEL_TITLES):
        assert t(title, "id") in bar(at), (index, bar(at))
        assert at.query_params["panel"] == str(index + 1)
        assert at.button(key="panel_previous").disabled == (index == 0)
        assert at.button(key="panel_next").disabled == (index == len(PANEL_TITLES) - 1)
        if index < len(PANEL_TITLES) - 1:
            at.button(key="panel_next").click().run()
            assert not at.exception, at.exception
    at.button(key="panel_previous").click().run()
    assert t(PANEL_TITLES[-2], "id") in bar(at)


@pytest.mark.parametrize(("panel", "title"), [("2", "panel_attention"), ("3", "panel_funnel"), ("99", "panel_promises"),
                                              ("x", "panel_headline")])
def test_a_panel_number_in_the_url_opens_that_panel(own_demo, panel, title):
    assert t(title, "id") in bar(presenting(panel))


def test_the_funnel_panel_draws_the_funnel(own_demo):
    at = presenting("3")
    assert len(at.get("plotly_chart")) == 1


def test_promises_are_paged_four_rows_at_a_time_with_buttons(own_demo):
    at = presenting("4")
    first = at.table[0].value
    assert len(first) == 4
    assert at.button(key="promises_previous").disabled and not at.button(key="promises_next").disabled
    seen = list(first[t("agreed", "id")])
    for _ in range(2):
        at.button(key="promises_next").click().run()
        seen += list(at.table[0].value[t("agreed", "id")])
    assert len(at.table[0].value) == PROMISES - 8  # the last page holds the rest
    assert at.button(key="promises_next").disabled
    assert sorted(seen) == sorted(f"Janji nomor {i + 1}" for i in range(PROMISES))  # each promise once


def test_exit_brings_the_usual_page_back_and_clears_the_url(own_demo):
    at = presenting("2")
    at.button(key="present_exit").click().run()
    assert at.title and at.title[0].value == t("page_weekly", "id")
    assert "present" not in at.query_params and "panel" not in at.query_params


def test_the_sidebar_toggle_switches_it_on(own_demo):
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert at.title, "the usual page by default"
    at.sidebar.toggle(key=present_mode.KEY).set_value(True).run()
    assert not at.title and t("panel_headline", "id") in bar(at)
    assert at.query_params["present"] == "1"
