"""Dependent files: rows quarantined as unknown_branch load once a later branches file names their branch,
read again from their own file (not from the quarantine), and the batch history shows it."""
from __future__ import annotations

from sqlalchemy import select

from etl.pipeline import run_etl
from etl.schema import etl_batches, queue_tickets
from tests.conftest import BRANCHES_CSV, TEST_SECRET

HEADER = ("ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at,"
          "counter_id,outcome,rating")


def ticket(ticket_id: str, branch: str, rating: int = 5) -> str:
    return f"{ticket_id},V1,{branch},,information,,2026-11-16 08:00:00,,,,no_show,{rating}\n"


def history(engine, name: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(etl_batches.c.status, etl_batches.c.rows_read, etl_batches.c.rows_loaded,
                   etl_batches.c.rows_quarantined, etl_batches.c.message)
            .where(etl_batches.c.file_name == name).order_by(etl_batches.c.batch_id))]


def stored(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(queue_tickets.c.ticket_id, queue_tickets.c.branch_code)).all())


def test_rows_waiting_for_their_branch_load_once_the_branches_file_names_it(raw_dir, any_engine):
    name = "queue_tickets_2026-W46.csv"
    (raw_dir / name).write_text(HEADER + "\n" + ticket("T1", "SRG") + ticket("T2", "CLG") + ticket("T3", "CLG", 9)
                                + ticket("T4", "XYZ"), encoding="utf-8")
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    assert stored(any_engine) == {"T1": "SRG"}
    # Another run with nothing new offers nothing again.
    again = run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    assert name in again.skipped

    (raw_dir / "branches.csv").write_text(
        BRANCHES_CSV + "CLG,KC Cilegon,KC,BTN,Banten,Cilegon,3,08:00,15:00\n", encoding="utf-8")
    second = run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    assert name not in second.skipped
    assert stored(any_engine) == {"T1": "SRG", "T2": "CLG"}
    first_batch, offered = history(any_engine, name)
    assert first_batch[:4] == ("loaded", 4, 1, 3)
    # Only the unknown_branch rows are read again (T3 broke another rule first): T2 loads, T4's branch is
    # still unknown.
    assert offered[:4] == ("loaded", 2, 1, 1)
    assert "offered again after the branches changed: 2 of the 2 rows" in offered[4]

    third = run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    assert name in third.skipped and len(history(any_engine, name)) == 2


def test_a_row_offered_again_never_replaces_the_record_a_later_file_sent(raw_dir, sqlite_engine):
    (raw_dir / "queue_tickets_1.csv").write_text(HEADER + "\n" + ticket("T2", "CLG"), encoding="utf-8")
    (raw_dir / "queue_tickets_2.csv").write_text(HEADER + "\n" + ticket("T2", "SRG", 3), encoding="utf-8")
    run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    (raw_dir / "branches.csv").write_text(
        BRANCHES_CSV + "CLG,KC Cilegon,KC,BTN,Banten,Cilegon,3,08:00,15:00\n", encoding="utf-8")
    run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    assert stored(sqlite_engine) == {"T2": "SRG"}
    assert history(sqlite_engine, "queue_tickets_1.csv")[-1][:4] == ("loaded", 0, 0, 0)
