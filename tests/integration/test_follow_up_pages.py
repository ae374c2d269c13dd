"""Follow-ups through the dashboard: created from a flag, shown in the meeting, never silently overwritten."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.db import make_engine
from service import follow_ups, reference
from service.reader import Reader
from tests.ui_db import copy_of_demo
from ui import filters

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")


@pytest.fixture
def own_demo(demo_db_url, tmp_path, monkeypatch):
    """A private copy of the demo database, so items written here stay out of other tests."""
    url = copy_of_demo(demo_db_url, tmp_path / "demo.db")
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = make_engine(url)
    yield Reader.for_process(engine, "tests")
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


def app_on(page: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def create_from_flag(at: AppTest, branch: str, kpi: str, period: dt.date, name: str = "Kakanwil") -> AppTest:
    """What the weekly page's "create a follow-up" button does, then the form filled in and sent."""
    at.session_state[filters.DRAFT_KEY] = {"branch_code": branch, "kpi": kpi, "granularity": "week",
                                           "raised_period": period}
    at.switch_page("pages/follow_ups.py").run()
    assert (at.main.selectbox[0].value, at.main.selectbox[1].value) == (branch, kpi)  # prefilled from the flag
    at.text_input(key="me").set_value(name)
    at.main.text_area[0].set_value("Tambah petugas loket pada jam sibuk")
    at.main.text_input[2].set_value("Kepala Cabang")
    at.get("form_submit_button")[0].click()
    return at.run()


def test_a_follow_up_from_a_flag_is_prefilled_and_shows_in_the_meeting(own_demo):
    at = app_on("weekly")
    period = reference.default_period(own_demo, "week")
    at = create_from_flag(at, "BTN03", "wait_within_sop", period)
    assert not at.exception, at.exception
    assert any("#1" in s.value for s in at.success), [s.value for s in at.success]
    items = follow_ups.follow_up_list(own_demo, "BTN")
    item = items.row(0, named=True)
    assert (item["branch_code"], item["kpi"], item["raised_period"], item["created_by"]) == (
        "BTN03", "wait_within_sop", period, "Kakanwil")
    assert item["due_date"] == follow_ups.meeting_week_end(period, "week") + dt.timedelta(days=7)
    # At the next meeting (a week later) the item is due and shows on the weekly page.
    # Open items show whether due or not; at the next meeting (a week later) this one is due.
    due = follow_ups.open_follow_ups(own_demo, "BTN", period + dt.timedelta(weeks=1), "week")
    assert due.select("follow_up_id", "due_state").rows() == [(1, "due")]
    assert follow_ups.open_follow_ups(own_demo, "BTN", period, "week")["due_state"].to_list() == ["later"]
    assert follow_ups.open_follow_ups(own_demo, "BTN", period + dt.timedelta(weeks=2), "week")[
        "due_state"].to_list() == ["overdue"]


def test_two_editors_of_one_item_do_not_overwrite_each_other(own_demo):
    at = app_on("weekly")
    create_from_flag(at, "BTN01", "counter_staffing", reference.default_period(own_demo, "week"))
    first, second = app_on("follow_ups"), app_on("follow_ups")
    for editor, name in ((first, "Ani"), (second, "Budi")):
        editor.text_input(key="me").set_value(name)
        editor.selectbox(key="edit_item").set_value(1).run()
        editor.main.text_area[-1].set_value(f"{name}: sudah dicek ke cabang")  # notes, on version 1 in both
    first.get("form_submit_button")[-1].click().run()
    assert any("versi 2" in s.value for s in first.success), [s.value for s in first.success]
    second.get("form_submit_button")[-1].click().run()
    assert any("Ani" in e.value for e in second.error), [e.value for e in second.error]
    history = follow_ups.follow_up_history(own_demo, 1)
    assert history["changed_by"].to_list() == ["Kakanwil", "Ani"]


def test_a_second_promise_on_the_same_branch_and_kpi_asks_first(own_demo):
    period = reference.default_period(own_demo, "week")
    create_from_flag(app_on("weekly"), "BTN03", "wait_within_sop", period)
    again = create_from_flag(app_on("weekly"), "BTN03", "wait_within_sop", period, name="Budi")
    assert any("#1" in w.value and "Kakanwil" in w.value for w in again.warning), [w.value for w in again.warning]
    assert follow_ups.follow_up_list(own_demo, "BTN")["follow_up_id"].to_list() == [1]
    again.checkbox(key="also_if_open").check()
    again.get("form_submit_button")[0].click()
    again.run()
    assert any("#2" in s.value for s in again.success), [s.value for s in again.success]
    assert sorted(follow_ups.follow_up_list(own_demo, "BTN")["follow_up_id"].to_list()) == [1, 2]
