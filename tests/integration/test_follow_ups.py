"""Follow-up action items against a real database (SQLite, and PostgreSQL when reachable):
validation, versions and history, lost-edit protection, survival of ETL reruns; and the pure recovery summary."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import event, func, insert, select

from etl import follow_ups as fu
from etl import migrate
from etl.pipeline import run_etl
from etl.schema import branches, follow_up_history, follow_ups
from tests.conftest import TEST_SECRET
from tests.integration.test_pipeline import COMPLAINTS_W46, TICKETS_W46

# Due dates and load times: run again under a moved clock (`make test-dates`).
pytestmark = pytest.mark.dates

RAISED = dt.date(2026, 11, 16)  # Monday of the week the item was raised in
MEETING = dt.datetime(2026, 11, 18, 10, 0)
LATER = dt.datetime(2026, 11, 19, 9, 30)
BRANCH_ROW = {"branch_type": "KC", "region_code": "BTN", "region_name": "Banten", "city": "Serang", "counters": 4,
              "opens_at": "08:00", "closes_at": "15:00", "batch_id": 0}


@pytest.fixture
def engine(any_engine):
    migrate.upgrade(any_engine)
    with any_engine.begin() as conn:
        conn.execute(insert(branches), [{**BRANCH_ROW, "branch_code": "SRG", "branch_name": "KC Serang"},
                                        {**BRANCH_ROW, "branch_code": "PDG", "branch_name": "KCP Pandeglang"}])
    return any_engine


def new_item(engine, **overrides) -> int:
    fields = {"branch_code": "SRG", "kpi": "wait_within_sop", "topic": "Antrean pagi",
              "agreed": "Serang will re-staff counters by next week", "owner": "Kepala KC Serang",
              "due_date": dt.date(2026, 11, 23), "granularity": "week", "raised_period": RAISED,
              "created_by": "Rina", "now": MEETING}
    return fu.create(engine, **{**fields, **overrides})


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_created_item_reads_back_as_version_1_with_its_history(engine):
    follow_up_id = new_item(engine, notes="  cek lagi Senin  ")
    [item] = fu.follow_ups(engine).to_dicts()
    assert item == {
        "follow_up_id": follow_up_id, "branch_code": "SRG", "granularity": "week", "raised_period": RAISED,
        "kpi": "wait_within_sop", "topic": "Antrean pagi", "agreed": "Serang will re-staff counters by next week",
        "owner": "Kepala KC Serang", "due_date": dt.date(2026, 11, 23), "status": "open", "notes": "cek lagi Senin",
        "version": 1, "created_at": MEETING, "created_by": "Rina", "updated_at": MEETING, "updated_by": "Rina",
    }
    [created] = fu.history(engine, follow_up_id).to_dicts()
    assert (created["version"], created["action"], created["changed_by"], created["changed_at"]) == (
        1, "created", "Rina", MEETING)


def test_reading_filters_by_branch_status_and_due_date_soonest_first(engine):
    late = new_item(engine, due_date=dt.date(2026, 12, 7))
    free_topic = new_item(engine, branch_code="PDG", kpi=None, topic="Parkir", due_date=dt.date(2026, 11, 20))
    done = new_item(engine, due_date=dt.date(2026, 11, 30), status="done")
    assert fu.follow_ups(engine)["follow_up_id"].to_list() == [free_topic, done, late]
    assert fu.follow_ups(engine, ["SRG"])["follow_up_id"].to_list() == [done, late]
    assert fu.follow_ups(engine, statuses=["open", "in_progress"])["follow_up_id"].to_list() == [free_topic, late]
    assert fu.follow_ups(engine, due_on_or_before=dt.date(2026, 11, 30))["follow_up_id"].to_list() == [
        free_topic, done]
    empty = fu.follow_ups(engine, [])
    assert empty.is_empty() and empty.schema["due_date"] == pl.Date


@pytest.mark.parametrize(("overrides", "field"), [
    ({"topic": "   "}, "topic"),
    ({"agreed": ""}, "agreed"),
    ({"owner": " "}, "owner"),
    ({"topic": "x" * 201}, "topic"),
    ({"status": "closed"}, "status"),
    ({"due_date": dt.date(2026, 11, 15)}, "due_date"),
    ({"due_date": None}, "due_date"),
    ({"kpi": "waiting_time"}, "kpi"),
    ({"branch_code": "XXX"}, "branch_code"),
    ({"granularity": "day"}, "granularity"),
    ({"raised_period": "2026-11-16"}, "raised_period"),
    ({"created_by": ""}, "created_by"),
])
def test_bad_input_to_create_names_the_field_and_stores_nothing(engine, overrides, field):
    with pytest.raises(fu.FollowUpError) as raised:
        new_item(engine, **overrides)
    assert raised.value.field == field and str(raised.value).startswith(f"{field}: ")
    assert count(engine, follow_ups) == 0 and count(engine, follow_up_history) == 0


@pytest.mark.parametrize(("follow_up_id", "changes", "field"), [
    (None, {"status": "closed"}, "status"),
    (None, {"due_date": dt.date(2026, 11, 1)}, "due_date"),
    (None, {"agreed": "  "}, "agreed"),
    (None, {"kpi": "waiting_time"}, "kpi"),
    (None, {"branch_code": "PDG"}, "branch_code"),
    (None, {"changed_by": ""}, "changed_by"),
    (999, {"status": "done"}, "follow_up_id"),
])
def test_bad_input_to_update_names_the_field_and_stores_nothing(engine, follow_up_id, changes, field):
    item = new_item(engine)
    changes = {"changed_by": "Budi", **changes}
    with pytest.raises(fu.FollowUpError) as raised:
        fu.update(engine, follow_up_id or item, expected_version=1, now=LATER, **changes)
    assert raised.value.field == field
    assert fu.follow_ups(engine)["version"].to_list() == [1] and count(engine, follow_up_history) == 1


def test_an_update_bumps_the_version_and_records_who_and_when(engine):
    item = new_item(engine)
    assert fu.update(engine, item, expected_version=1, changed_by="Budi", now=LATER, status="in_progress") == 2
    [stored] = fu.follow_ups(engine).to_dicts()
    assert (stored["status"], stored["version"], stored["updated_by"], stored["updated_at"]) == (
        "in_progress", 2, "Budi", LATER)
    assert (stored["created_by"], stored["created_at"]) == ("Rina", MEETING)
    latest = fu.history(engine, item).row(-1, named=True)
    assert (latest["version"], latest["action"], latest["changed_by"], latest["changed_at"], latest["status"]) == (
        2, "updated", "Budi", LATER, "in_progress")


def test_of_two_editors_of_version_1_the_first_save_wins_and_the_second_may_retry(engine):
    item = new_item(engine)
    fu.update(engine, item, expected_version=1, changed_by="Budi", now=LATER, status="in_progress")
    with pytest.raises(fu.StaleEdit) as stale:
        fu.update(engine, item, expected_version=1, changed_by="Sari", owner="Sari", notes="saya ambil alih")
    assert "Budi" in str(stale.value) and "2026-11-19 09:30" in str(stale.value)
    assert (stale.value.current["version"], stale.value.current["status"]) == (2, "in_progress")
    [stored] = fu.follow_ups(engine).to_dicts()
    assert (stored["owner"], stored["notes"], stored["version"]) == ("Kepala KC Serang", None, 2)
    assert count(engine, follow_up_history) == 2

    retried = fu.update(engine, item, expected_version=stale.value.current["version"], changed_by="Sari",
                        owner="Sari", notes="saya ambil alih")
    assert retried == 3
    [stored] = fu.follow_ups(engine).to_dicts()
    assert (stored["owner"], stored["status"], stored["updated_by"]) == ("Sari", "in_progress", "Sari")


def test_a_save_that_races_past_the_version_check_is_still_refused(engine):
    """Budi saves between Sari's read and Sari's UPDATE: the version in the UPDATE's WHERE refuses Sari."""
    item = new_item(engine)
    raced = []

    def budi_saves_first(conn, cursor, statement, *_):
        if not raced and statement.lstrip().upper().startswith("UPDATE FOLLOW_UPS"):
            raced.append(True)
            fu.update(engine, item, expected_version=1, changed_by="Budi", now=LATER, status="in_progress")

    event.listen(engine, "before_cursor_execute", budi_saves_first)
    try:
        with pytest.raises(fu.StaleEdit, match="Budi"):
            fu.update(engine, item, expected_version=1, changed_by="Sari", owner="Sari")
    finally:
        event.remove(engine, "before_cursor_execute", budi_saves_first)
    assert raced
    assert fu.history(engine, item)["changed_by"].to_list() == ["Rina", "Budi"]
    assert fu.follow_ups(engine)["owner"].to_list() == ["Kepala KC Serang"]


def test_an_update_that_changes_nothing_writes_nothing(engine):
    item = new_item(engine)
    assert fu.update(engine, item, expected_version=1, changed_by="Budi", now=LATER, status="open",
                     owner="  Kepala KC Serang ", notes="") == 1
    [stored] = fu.follow_ups(engine).to_dicts()
    assert (stored["version"], stored["updated_by"], stored["updated_at"]) == (1, "Rina", MEETING)
    assert count(engine, follow_up_history) == 1


def test_history_tells_the_whole_story_in_order(engine):
    item = new_item(engine)
    other = new_item(engine, branch_code="PDG")
    fu.update(engine, item, expected_version=1, changed_by="Budi", now=LATER, status="in_progress")
    fu.update(engine, other, expected_version=1, changed_by="Budi", now=LATER, status="dropped")
    fu.update(engine, item, expected_version=2, changed_by="Rina", now=dt.datetime(2026, 11, 25, 10),
              due_date=dt.date(2026, 11, 30), notes="loket 3 menunggu petugas baru")
    fu.update(engine, item, expected_version=3, changed_by="Rina", now=dt.datetime(2026, 12, 2, 10), status="done")
    story = fu.history(engine, item)
    assert story.select("version", "action", "changed_by", "status", "due_date", "notes").rows() == [
        (1, "created", "Rina", "open", dt.date(2026, 11, 23), None),
        (2, "updated", "Budi", "in_progress", dt.date(2026, 11, 23), None),
        (3, "updated", "Rina", "in_progress", dt.date(2026, 11, 30), "loket 3 menunggu petugas baru"),
        (4, "updated", "Rina", "done", dt.date(2026, 11, 30), "loket 3 menunggu petugas baru"),
    ]
    # The last snapshot is the item as stored: every editable field is in the history.
    current = fu.follow_ups(engine, ["SRG"]).select(fu.EDITABLE).row(0)
    assert story.select(fu.EDITABLE).row(-1) == current


def test_follow_ups_survive_etl_reruns(any_engine, raw_dir):
    (raw_dir / "queue_tickets_2026-W46.csv").write_text(TICKETS_W46, encoding="utf-8")
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    item = new_item(any_engine)
    fu.update(any_engine, item, expected_version=1, changed_by="Budi", now=LATER, status="in_progress")
    before = (fu.follow_ups(any_engine), fu.history(any_engine, item))

    (raw_dir / "complaints_2026-W46.csv").write_text(COMPLAINTS_W46, encoding="utf-8")
    run_etl(raw_dir, any_engine, secret=TEST_SECRET, recompute=True)
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)

    assert fu.follow_ups(any_engine).equals(before[0])
    assert fu.history(any_engine, item).equals(before[1])


# --- Recovery: pure, on hand-built frames ----------------------------------------------------------------------

def weeks(code: str, kpi: str, rows: list[tuple[str, float, bool]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(code, kpi, dt.date.fromisoformat(start), value, meets) for start, value, meets in rows],
        schema={"code": pl.String, "kpi": pl.String, "period_start": pl.Date, "value": pl.Float64,
                "meets_target": pl.Boolean}, orient="row")


def test_recovery_counts_the_weeks_met_since_the_week_raised():
    weekly = pl.concat([
        weeks("SRG", "wait_within_sop", [
            ("2026-11-09", 0.70, False),
            ("2026-11-16", 0.75, False),  # the week raised in: not counted
            ("2026-11-23", 0.92, True),
            ("2026-11-30", 0.88, False),
            ("2026-12-07", 0.93, True),
        ]),
        weeks("SRG", "csat", [("2026-11-23", 0.5, False)]),
        weeks("PDG", "wait_within_sop", [("2026-11-23", 0.5, False), ("2026-12-07", 0.6, False)]),
    ])
    items = pl.DataFrame({
        "follow_up_id": [1, 2, 3, 4],
        "branch_code": ["SRG", "SRG", "SRG", "PDG"],
        "kpi": ["wait_within_sop", None, "wait_within_sop", "no_show_rate"],
        "raised_period": [dt.date(2026, 11, 18), RAISED, dt.date(2026, 12, 7), RAISED],
    })
    recovered = fu.recovery(items, weekly)
    assert recovered.columns == [*items.columns, "weeks_since", "weeks_met", "latest_value", "latest_meets"]
    assert recovered.schema["weeks_since"] == pl.Int64 and recovered.schema["latest_meets"] == pl.Boolean
    assert recovered.select("follow_up_id", "weeks_since", "weeks_met", "latest_value", "latest_meets").rows() == [
        (1, 3, 2, 0.93, True),  # raised Wednesday 18 Nov: met, missed, met since
        (2, None, None, None, None),  # a free topic has no KPI to follow
        (3, None, None, None, None),  # raised in the latest week: no week since yet
        (4, None, None, None, None),  # no data for that branch × KPI
    ]
