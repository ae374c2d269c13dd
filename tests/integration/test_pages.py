"""Every page under AppTest: it runs without an exception, and changing a filter changes what it shows."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from etl import schema
from etl.db import make_engine
from present.words import t
from tests.ui_db import DEMO_SECRET

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")
PAGES = ("weekly", "follow_ups", "evaluation", "report_card", "trends", "compliance", "compare", "queue", "claims",
         "complaints", "data", "staffing", "events")


def first_branch(url: str) -> str:
    with make_engine(url).connect() as conn:
        return conn.execute(select(func.min(schema.branches.c.branch_code))).scalar()


@pytest.fixture
def app(demo_db_url, monkeypatch):
    """The router, run once against the demo database, with fresh caches."""
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> list:
    """What a page shows: chart specs, table contents, titles and captions."""
    charts = [chart.proto.spec for chart in at.get("plotly_chart")]
    tables = [frame.value.to_string() for frame in at.dataframe]
    texts = [element.value for element in (*at.title, *at.caption, *at.subheader, *at.info, *at.markdown)]
    return [*charts, *tables, *texts]


# Pages that draw nothing from the picked period, and why.
PERIOD_FREE_PAGES = {
    "trends": "draws each KPI's whole history, whatever period is picked (marts.trend takes no period)",
    "follow_ups": "lists the region's items whatever the period; the period only fills in a new item's raised week",
    "data": "shows ETL batches, source freshness and quarantine, which belong to loads, not periods",
    "events": "lists every known event of the region; the period only fills in a new event's first day",
}
# Charts on the other pages that draw every period, like the trend page: the region's complaint handling.
# And next week's plan, which comes from the data's last weeks whatever period is picked.
PERIOD_FREE_CHARTS = {"handling", "plan_heatmap"}
# Tables (named by their position when AppTest gives no key) that draw every period, per page.
PERIOD_FREE_TABLES = {"staffing": {"table 0"}}  # every branch's plan for next week


def drawn(at: AppTest) -> dict[str, str]:
    """What a page draws from the data, by element key: each plotly figure and each table's values (a table without
    a key by its position). Not the titles and captions around them, nor a figure's own title: those name the
    period whatever the charts show."""
    figures = {}
    for chart in at.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        figure["layout"].pop("title", None)
        figures[chart.proto.id.split("-", 2)[2]] = json.dumps(figure, sort_keys=True)  # id: $$ID-<hash>-<key>
    tables = {frame.proto.id.split("-", 2)[2] if frame.proto.id else f"table {i}": frame.value.to_csv()
              for i, frame in enumerate(at.dataframe)}
    return figures | tables


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_an_exception(app, page):
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_switching_language_translates_the_page(app, page):
    app.switch_page(f"pages/{page}.py").run()
    indonesian = app.title[0].value
    app.button_group(key="lang").set_value("en").run()
    assert not app.exception, app.exception
    assert app.title[0].value != indonesian or page == "data"  # "Data & ETL" reads the same in both
    assert app.caption[0].value.startswith("Data up to")


@pytest.mark.parametrize("page", [page for page in PAGES if page not in PERIOD_FREE_PAGES])
def test_changing_the_period_changes_the_page(app, page):
    """Every chart and table a page draws in both periods changes with the period (the period-free ones aside)."""
    # The first run after switching pages goes through Streamlit's old `pages/` mode, where the language switch gives
    # None and the charts fall back to English number separators: settle first, or that alone sets the charts apart.
    app.switch_page(f"pages/{page}.py").run().run()
    before = drawn(app)
    period = app.selectbox(key="p")
    period.select_index(period.index + 1).run()
    assert not app.exception, app.exception
    after = drawn(app)
    compared = sorted((before.keys() & after.keys()) - PERIOD_FREE_CHARTS - PERIOD_FREE_TABLES.get(page, set()))
    assert compared, "the page draws a chart or table in both periods"
    assert [key for key in compared if after[key] == before[key]] == []


@pytest.mark.parametrize("page", ["weekly", "trends", "compliance", "queue", "claims", "complaints"])
def test_picking_one_branch_changes_the_page(app, page, demo_db_url):
    app.switch_page(f"pages/{page}.py").run()
    before = shown(app)
    app.multiselect(key="b").set_value([first_branch(demo_db_url)]).run()
    assert not app.exception, app.exception
    assert shown(app) != before


def test_one_branch_on_the_trend_page_adds_small_multiples(app, demo_db_url):
    app.switch_page("pages/trends.py").run()
    charts = len(app.get("plotly_chart"))
    app.multiselect(key="b").set_value([first_branch(demo_db_url)]).run()
    assert len(app.get("plotly_chart")) == charts + 1


def test_granularity_month_shows_months(app):
    app.button_group(key="g").set_value("month").run()
    assert not app.exception, app.exception
    assert app.selectbox(key="p").value.endswith("-01")


def _fresh_app(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(ENTRY, default_timeout=60)
    # The first run goes through Streamlit's old `pages/` mode, whose widgets get other ids; settle first.
    return at.run().run()


def test_an_empty_database_offers_one_button_to_load_demo_data(tmp_path, monkeypatch):
    at = _fresh_app(f"sqlite:///{tmp_path / 'empty.db'}", monkeypatch)
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Muat data demo"]
    at.button_group(key="lang").set_value("en").run()
    assert [b.label for b in at.button] == ["Load demo data"]


def test_a_broken_database_shows_a_sentence_not_a_traceback(tmp_path, monkeypatch):
    not_a_database = tmp_path / "broken.db"
    not_a_database.write_text("this is not SQLite")
    at = _fresh_app(f"sqlite:///{not_a_database}", monkeypatch)
    assert not at.exception, at.exception
    assert "DATABASE_URL" in at.error[0].value


@pytest.mark.parametrize("key", [DEMO_SECRET, "a-key-this-database-never-saw"])
def test_uploading_a_raw_file_loads_it_and_reports_quarantine(demo_db_url, tmp_path, monkeypatch, key):
    copy = tmp_path / "upload.db"
    with sqlite3.connect(demo_db_url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # a byte copy would miss what still sits in the WAL file
    monkeypatch.setattr("ui.uploads.UPLOAD_DIR", tmp_path / "uploads")
    monkeypatch.setenv("PANTAU_SECRET", key)
    branch = first_branch(demo_db_url)
    header = "complaint_id,branch_code,participant_id,participant_name,channel,category,received_at," \
             "first_response_at,resolved_at,status,reopened\n"
    rows = (f"UP-1,{branch},3601010101010001,Budi,walk_in,queue,2026-11-12 09:00:00,,,open,false\n"
            f"UP-2,{branch},,,no_such_channel,queue,2026-11-12 10:00:00,,,open,false\n")
    at = _fresh_app(f"sqlite:///{copy}", monkeypatch)
    at.switch_page("pages/data.py").run()
    at.get("file_uploader")[0].upload("complaints_upload.csv", (header + rows).encode(), "text/csv")
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    if key == DEMO_SECRET:
        assert at.success[0].value.startswith("Dimuat 1 baris; 1 baris dikarantina")
    else:  # loading with another key would give the same people new pseudonyms: refused, on screen
        assert not at.success and "wrong pseudonym key" in at.error[0].value


def test_the_meeting_pack_is_prepared_on_request_then_offered(app, monkeypatch):
    """Nothing is built while the page renders; the button builds the pack with its steps shown, then the
    download is there (the XLSX alone here: without Chromium the page says the PDF is not available)."""
    monkeypatch.setattr("report.pdf.find_chromium", lambda: None)
    app.run()
    assert not app.get("download_button") or all(b.proto.label != t("meeting_pack_xlsx", "id")
                                                 for b in app.get("download_button"))
    next(b for b in app.button if b.label == t("meeting_pack_prepare", "id")).click().run()
    assert not app.exception, app.exception
    labels = [b.proto.label for b in app.get("download_button")]
    assert t("meeting_pack_xlsx", "id") in labels
