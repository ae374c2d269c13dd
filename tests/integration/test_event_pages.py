"""Known events through the dashboard: recorded on the events page, drawn on the trend chart at once."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.db import make_engine
from service import annotations
from service.reader import Reader
from tests.ui_db import copy_of_demo

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")


@pytest.fixture
def own_demo(demo_db_url, tmp_path, monkeypatch):
    """A private copy of the demo database, so events written here stay out of other tests."""
    url = copy_of_demo(demo_db_url, tmp_path / "demo.db")
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = make_engine(url)
    yield Reader.for_process(engine, "tests")
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


def test_an_event_recorded_on_the_page_is_listed_and_drawn_on_the_trend(own_demo):
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("pages/events.py").run()
    assert not at.exception, at.exception
    listed = at.dataframe[0].value.to_csv()
    assert "JMO gangguan" in listed and "Libur Lebaran" in listed  # the demo's own events
    at.text_input(key="me").set_value("Kakanwil")
    at.main.date_input[0].set_value(dt.date(2026, 11, 3))
    at.main.date_input[1].set_value(dt.date(2026, 11, 4))
    at.main.text_input[1].set_value("Pelatihan SDM")
    at.get("form_submit_button")[0].click()
    at.run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    saved = annotations.events(own_demo, "BTN").filter(pl.col("label") == "Pelatihan SDM")
    assert saved.row(0, named=True)["author"] == "Kakanwil" and saved["branch_code"][0] is None
    assert "Pelatihan SDM" in at.dataframe[0].value.to_csv()
    at.switch_page("pages/trends.py").run()
    assert "Pelatihan SDM" in at.get("plotly_chart")[0].proto.spec
