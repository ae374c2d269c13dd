"""The planted stories of the demo region, found by the evaluation the way a regional head would see them."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl.db import make_engine
from etl.generate import generate, stories
from etl.pipeline import run_etl
from service import evaluation, reference
from service.reader import Reader
from tests.ui_db import DEMO_SECRET


@pytest.fixture(scope="module")
def r(demo_db_url) -> Reader:
    engine = make_engine(demo_db_url)
    yield Reader.for_process(engine, "tests")
    engine.dispose()


@pytest.fixture
def demo(r) -> dt.date:
    """The demo's last complete week."""
    return reference.default_period(r, "week")


def weeks_before(last_week: dt.date, weeks: int) -> dt.date:
    return last_week - dt.timedelta(weeks=weeks)


def test_the_deteriorating_branch_is_significantly_worse_and_the_noisy_kcp_is_not(r, demo):
    judged, curve = evaluation.funnel(r, "week", "BTN", demo, "wait_within_sop")
    verdict = dict(judged.select("code", "verdict").iter_rows())
    assert verdict[stories.CIKOKOL] == "worse"
    assert verdict[stories.PANDEGLANG] == "consistent"
    assert curve.height > 10
    league = evaluation.league(r, "week", "BTN", demo)
    cikokol = league.filter(pl.col("code") == stories.CIKOKOL).row(0, named=True)
    assert "wait_within_sop" in cikokol["worse"]


def test_the_brief_names_the_slowdown_with_its_streak(r, demo):
    brief = evaluation.what_changed(r, "week", "BTN", demo)
    cikokol = brief.filter(pl.col("code") == stories.CIKOKOL)
    assert cikokol.height and (cikokol["direction"] == "worse").all()
    assert cikokol["streak"].max() >= 3


def test_the_brief_tells_the_jmo_outage_once_for_the_whole_region(r, demo):
    outage = weeks_before(demo, stories.OUTAGE_WEEKS_BEFORE_END)
    brief = evaluation.what_changed(r, "week", "BTN", outage)
    online = brief.filter(pl.col("kpi") == "online_claim_share")
    assert online.select("code", "direction").rows() == [("BTN", "worse")]
    assert online["branches_alike"][0] >= 10


def test_the_brief_names_serang_in_its_empty_counter_weeks(r, demo):
    for weeks in stories.EMPTY_COUNTER_WEEKS:
        brief = evaluation.what_changed(r, "week", "BTN", weeks_before(demo, weeks))
        serang = brief.filter((pl.col("code") == stories.SERANG) & (pl.col("direction") == "worse"))
        assert serang.height, weeks


def test_ciputat_is_significantly_worse_on_rejections_over_the_month(r, demo):
    month = reference.default_period(r, "month")
    judged, _ = evaluation.funnel(r, "month", "BTN", month, "claim_rejection_rate")
    assert dict(judged.select("code", "verdict").iter_rows())[stories.CIPUTAT] == "worse"


# The demo as a new user gets it on other days: another end date is another random year around the same stories.
OTHER_ENDS = (dt.date(2026, 7, 26),)


@pytest.fixture(scope="module", params=["pinned", *OTHER_ENDS], ids=str)
def any_demo(request, r, tmp_path_factory) -> Reader:
    """The session's demo (pinned end), then the same region generated to end on other days."""
    if request.param == "pinned":
        yield r
        return
    folder = tmp_path_factory.mktemp(f"demo_{request.param}")
    generate(folder / "raw", end=request.param)
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    run_etl(folder / "raw", engine, secret=DEMO_SECRET.encode())
    yield Reader.for_process(engine, "tests")
    engine.dispose()


def test_the_meeting_list_names_the_stories_while_they_run_and_never_the_noisy_kcp(any_demo):
    """Every week of the last four months: the slide once it has run three weeks, Serang in its empty-counter
    weeks, and KCP Pandeglang (small numbers, no trend: its rates jump by chance) never."""
    last = reference.default_period(any_demo, "week")
    for weeks in range(17):
        named = set(evaluation.attention(any_demo, "week", "BTN", weeks_before(last, weeks))["code"])
        assert stories.PANDEGLANG not in named, weeks
        if weeks <= stories.SLOWDOWN_WEEKS - 3:
            assert stories.CIKOKOL in named, weeks
        if weeks in stories.EMPTY_COUNTER_WEEKS:
            assert stories.SERANG in named, weeks
