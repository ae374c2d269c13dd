"""Schema migrations on real databases (SQLite, and PostgreSQL when reachable).

The baseline builds exactly etl.schema; a database built by the code before migrations (etl/schema.py at
8f01422, kept beside this file as text so the test outlives later schema edits) is adopted with every row
people typed in unchanged; two processes migrating at once do not collide; the ETL leaves a database at head.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import subprocess
import threading
from pathlib import Path
from types import ModuleType

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, func, insert, inspect, select, text

from etl import follow_ups as fu
from etl import migrate
from etl.db import make_engine
from etl.pipeline import run_etl
from etl.schema import etl_batch_regions, follow_up_history, follow_ups, metadata, quarantine, users
from etl.users import add_user
from tests.conftest import TEST_SECRET

LEGACY_COMMIT = "8f01422"
LEGACY_SCHEMA = Path(__file__).with_name(f"schema_{LEGACY_COMMIT}.py.txt")
ROOT = Path(__file__).resolve().parents[2]
PEOPLES_TABLES = (users, follow_ups, follow_up_history)
BRANCH_ROW = {"branch_type": "KC", "region_code": "BTN", "region_name": "Banten", "city": "Serang", "counters": 4,
              "opens_at": "08:00", "closes_at": "15:00", "batch_id": 0}
RAISED = dt.date(2026, 11, 16)
MEETING = dt.datetime(2026, 11, 18, 10, 0)


def differences(engine: Engine) -> list:
    """What autogenerate would change to make the database match etl.schema; [] when it matches exactly."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)


def revision(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def legacy_schema(tmp_path: Path) -> ModuleType:
    """etl/schema.py as it was before migrations, loaded as a module of its own."""
    source = tmp_path / f"legacy_schema_{LEGACY_COMMIT}.py"
    source.write_text(LEGACY_SCHEMA.read_text(encoding="utf-8"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(source.stem, source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(engine: Engine, table) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]


# --- the baseline ---------------------------------------------------------------------------------------------------

def test_the_baseline_builds_exactly_the_schema_in_etl_schema(any_engine):
    migrate.upgrade(any_engine)
    assert revision(any_engine) == [migrate.head()]
    assert differences(any_engine) == []
    # The comparison can fail: an index the schema declares but the database lacks is reported.
    with any_engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_claims_paid"))
    assert [d[0] for d in differences(any_engine)] == ["add_index"]


def test_the_stored_legacy_schema_is_the_one_in_git_history():
    if shutil.which("git") is None:
        pytest.skip("no git here")
    shown = subprocess.run(["git", "show", f"{LEGACY_COMMIT}:etl/schema.py"], cwd=ROOT, capture_output=True,
                           text=True)
    if shown.returncode != 0:
        pytest.skip(f"this clone lacks commit {LEGACY_COMMIT} (shallow?)")
    assert shown.stdout == LEGACY_SCHEMA.read_text(encoding="utf-8")


# --- a database built before migrations -----------------------------------------------------------------------------

def build_legacy(engine: Engine, legacy: ModuleType, *, without: tuple[str, ...] = ()) -> None:
    """What the old code left: create_all (of only some tables, for the oldest builds), branches, users, follow-ups."""
    legacy.metadata.create_all(engine, tables=[t for t in legacy.metadata.sorted_tables if t.name not in without])
    with engine.begin() as conn:
        conn.execute(insert(legacy.branches), [{**BRANCH_ROW, "branch_code": "SRG", "branch_name": "KC Serang"},
                                               {**BRANCH_ROW, "branch_code": "PDG", "branch_name": "KCP Pandeglang"}])
        if "users" not in without:
            conn.execute(insert(legacy.users), [
                {"login": "kakanwil@bpjs.example", "name": "Ani Kusuma", "role": "regional_head",
                 "region_code": "BTN", "branch_code": None, "added_at": dt.datetime(2026, 10, 1, 9, 15)},
                {"login": "serang@bpjs.example", "name": "Budi Hartono", "role": "branch_manager",
                 "region_code": "BTN", "branch_code": "SRG", "added_at": dt.datetime(2026, 10, 2, 14, 0, 5)},
            ])
    common = {"kpi": "wait_within_sop", "owner": "Kepala KC Serang", "granularity": "week", "raised_period": RAISED,
              "created_by": "Rina", "now": MEETING}
    first = fu.create(engine, branch_code="SRG", topic="Antrean pagi", agreed="Tambah loket 08.00–10.00",
                      due_date=dt.date(2026, 11, 23), notes="cek Senin", **common)
    fu.update(engine, first, expected_version=1, changed_by="Rina", now=MEETING + dt.timedelta(days=2),
              status="in_progress", notes="loket 3 dibuka")
    fu.update(engine, first, expected_version=2, changed_by="Ani", now=MEETING + dt.timedelta(days=6), status="done")
    fu.create(engine, branch_code="PDG", topic="Klaim JHT lambat", agreed="Verifikasi dokumen hari yang sama",
              due_date=dt.date(2026, 11, 30), **{**common, "kpi": None})


@pytest.mark.parametrize("without", [(), ("users", "marts_pending")], ids=["every-table", "oldest-build"])
def test_a_database_built_before_migrations_is_adopted_with_every_row_unchanged(any_engine, tmp_path, without):
    legacy = legacy_schema(tmp_path)
    build_legacy(any_engine, legacy, without=without)
    if without:  # the oldest builds also predate some indexes
        with any_engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_claims_submitted"))
    before = {t.name: rows(any_engine, t) for t in PEOPLES_TABLES if t.name not in without}
    assert sum(map(len, before.values())) >= 6 and not inspect(any_engine).has_table("alembic_version")

    migrate.upgrade(any_engine)
    assert revision(any_engine) == [migrate.head()]
    assert differences(any_engine) == []  # missing tables and indexes made, nothing else touched
    assert {t: rows(any_engine, metadata.tables[t]) for t in before} == before
    for missing in without:
        assert rows(any_engine, metadata.tables[missing]) == []

    migrate.upgrade(any_engine)  # idempotent: nothing to do, nothing changes
    assert revision(any_engine) == [migrate.head()]
    assert {t: rows(any_engine, metadata.tables[t]) for t in before} == before

    # People carry on where they left off: versions continue, new ids do not collide with old ones.
    with any_engine.connect() as conn:
        done = conn.execute(select(follow_ups.c.follow_up_id).where(follow_ups.c.status == "done")).scalar_one()
    assert fu.update(any_engine, done, expected_version=3, changed_by="Ani", notes="selesai") == 4
    later = fu.create(any_engine, branch_code="SRG", topic="Keluhan parkir", agreed="Tambah petugas",
                      owner="Kepala KC Serang", due_date=dt.date(2026, 12, 7), granularity="week",
                      raised_period=RAISED, created_by="Rina", now=MEETING)
    assert later > max(r[0] for r in before["follow_ups"])
    add_user(any_engine, "pandeglang@bpjs.example", "Citra", "branch_manager", branch="PDG")
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(users)).scalar_one() == len(before.get("users", [])) + 1


def test_a_database_at_a_revision_this_code_does_not_know_is_refused(any_engine):
    migrate.upgrade(any_engine)
    with any_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    with pytest.raises(migrate.UnknownRevision, match="f00d"):
        migrate.upgrade(any_engine)


# --- concurrency and the ETL ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("legacy", [False, True], ids=["empty", "pre-migration"])
def test_processes_migrating_at_once_do_not_collide(any_engine, tmp_path, legacy):
    """Each worker has its own engine, as separate processes would; the barrier starts them together."""
    if legacy:
        legacy_schema(tmp_path).metadata.create_all(any_engine)
    url = any_engine.url.render_as_string(hide_password=False)
    workers, barrier, failures = 4, threading.Barrier(4), []

    def work() -> None:
        engine = make_engine(url)
        try:
            barrier.wait(timeout=30)
            migrate.upgrade(engine)
        except Exception as error:  # collected: a thread's exception would otherwise be lost
            failures.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert revision(any_engine) == [migrate.head()]
    assert differences(any_engine) == []


def test_the_etl_leaves_a_fresh_database_at_head(any_engine, raw_dir):
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    assert revision(any_engine) == [migrate.head()]
    assert differences(any_engine) == []
    with any_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM branches")).scalar_one() == 2


def test_revision_0002_files_existing_batches_and_quarantined_rows_under_their_regions(any_engine):
    """Rows from before the upgrade keep being shown per region: their branch and batch regions are filled in."""
    with any_engine.begin() as conn:
        command.upgrade(migrate.config(conn), "0001")
    at_0001 = MetaData()
    at_0001.reflect(any_engine)
    b, q, t = (at_0001.tables[n] for n in ("branches", "quarantine", "queue_tickets"))
    ticket = {"visit_id": "V1", "service": "information", "issued_at": dt.datetime(2026, 11, 16, 8),
              "outcome": "no_show", "clock_skew_adjusted": False}
    with any_engine.begin() as conn:
        conn.execute(insert(b), [{**BRANCH_ROW, "branch_code": "SRG", "branch_name": "KC Serang", "batch_id": 1},
                                 {**BRANCH_ROW, "branch_code": "JKT01", "branch_name": "KC Jakarta",
                                  "region_code": "JKT", "batch_id": 1}])
        conn.execute(insert(t), [{**ticket, "ticket_id": "T1", "branch_code": "JKT01", "batch_id": 2},
                                 {**ticket, "ticket_id": "T2", "branch_code": "SRG", "batch_id": 3}])
        row = {"source": "queue_tickets", "file_name": "f.csv", "row_number": 2, "reason": "bad_code"}
        conn.execute(insert(q), [
            {**row, "batch_id": 3, "raw_values": json.dumps({"ticket_id": "T3", "branch_code": "SRG"})},
            {**row, "batch_id": 4, "raw_values": json.dumps({"ticket_id": "T4", "branch_code": "JKT01"})},
            {**row, "batch_id": 4, "raw_values": json.dumps({"ticket_id": "T5", "branch_code": "S\x00G"})},
            {**row, "batch_id": 5, "raw_values": json.dumps({"ticket_id": "T6", "branch_code": "X" * 40})},
            {**row, "batch_id": 5, "raw_values": json.dumps({"ticket_id": "T7", "branch_code": None})},
            {**row, "batch_id": 5, "raw_values": json.dumps({"ticket_id": "T8", "branch_code": "3174051208850007"})},
            {**row, "batch_id": 5, "raw_values": "not JSON"},
        ])
    migrate.upgrade(any_engine)
    assert differences(any_engine) == []
    with any_engine.connect() as conn:
        codes = conn.execute(select(quarantine.c.branch_code).order_by(quarantine.c.quarantine_id)).scalars().all()
        regions = {tuple(r) for r in conn.execute(select(etl_batch_regions))}
    assert codes == ["SRG", "JKT01", None, None, None, None, None]  # only codes of the branches table
    assert regions == {(1, "BTN"), (1, "JKT"), (2, "JKT"), (3, "BTN"), (4, "JKT")}
