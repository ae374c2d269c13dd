"""The planted stories of the demo region, found by the evaluation the way a regional head would see them."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import streamlit as st

from etl.generate import stories
from ui import queries


@pytest.fixture
def demo(demo_db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield queries.default_period("week")
    st.cache_data.clear()


def weeks_before(last_week: dt.date, weeks: int) -> dt.date:
    return last_week - dt.timedelta(weeks=weeks)


def test_the_deteriorating_branch_is_significantly_worse_and_the_noisy_kcp_is_not(demo):
    judged, curve = queries.funnel("week", "BTN", demo, "wait_within_sop")
    verdict = dict(judged.select("code", "verdict").iter_rows())
    assert verdict[stories.CIKOKOL] == "worse"
    assert verdict[stories.PANDEGLANG] == "consistent"
    assert curve.height > 10
    league = queries.league("week", "BTN", demo)
    cikokol = league.filter(pl.col("code") == stories.CIKOKOL).row(0, named=True)
    assert "wait_within_sop" in cikokol["worse"]


def test_the_brief_names_the_slowdown_with_its_streak(demo):
    brief = queries.what_changed("week", "BTN", demo)
    cikokol = brief.filter(pl.col("code") == stories.CIKOKOL)
    assert cikokol.height and (cikokol["direction"] == "worse").all()
    assert cikokol["streak"].max() >= 3


def test_the_brief_tells_the_jmo_outage_once_for_the_whole_region(demo):
    outage = weeks_before(demo, stories.OUTAGE_WEEKS_BEFORE_END)
    brief = queries.what_changed("week", "BTN", outage)
    online = brief.filter(pl.col("kpi") == "online_claim_share")
    assert online.select("code", "direction").rows() == [("BTN", "worse")]
    assert online["branches_alike"][0] >= 10


def test_the_brief_names_serang_in_its_empty_counter_weeks(demo):
    for weeks in stories.EMPTY_COUNTER_WEEKS:
        brief = queries.what_changed("week", "BTN", weeks_before(demo, weeks))
        serang = brief.filter((pl.col("code") == stories.SERANG) & (pl.col("direction") == "worse"))
        assert serang.height, weeks


def test_ciputat_is_significantly_worse_on_rejections_over_the_month(demo):
    month = queries.default_period("month")
    judged, _ = queries.funnel("month", "BTN", month, "claim_rejection_rate")
    assert dict(judged.select("code", "verdict").iter_rows())[stories.CIPUTAT] == "worse"
