"""Files that hold raw personal data: uploads are kept only while they load, readable by Pantau's user only,
and a new SQLite database (with its write-ahead log) is private from the start.

The uploads run the real ETL on a real SQLite database, with a Reader of a regional head handed in the
way the dashboard's session would.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat

import pytest
from sqlalchemy import select, text

from etl.db import make_engine
from etl.pipeline import run_etl
from etl.runlock import EtlBusy, etl_lock
from etl.schema import queue_tickets
from tests.conftest import TEST_SECRET
from tests.integration.test_hostile import HOSTILE, TICKET_HEADER, FakeUpload, ticket_line


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def uploading(raw_dir, sqlite_engine, tmp_path, monkeypatch):
    """`load_uploaded` against a database holding the two branches; returns what the ETL saw of the files."""
    from etl.sop import load_sop
    from service import commands
    from service.access import OPEN_DEMO_VIEWER
    from service.reader import Reader
    from ui import session, uploads

    run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    monkeypatch.setattr(uploads, "UPLOAD_DIR", tmp_path / "uploads")
    monkeypatch.setattr(session, "reader", lambda: Reader(sqlite_engine, OPEN_DEMO_VIEWER, load_sop()))
    monkeypatch.setattr(session, "clear_caches", lambda: None)
    seen: dict[str, int] = {}

    def run_and_look(folder, engine, progress, **who):
        # While the ETL reads them: the folder and every file in it are this user's only.
        seen["folder"] = mode(folder)
        seen.update({p.name: mode(p) for p in folder.iterdir()})
        return run_etl(folder, engine, progress=progress, secret=TEST_SECRET, **who)

    monkeypatch.setattr(commands, "run_etl", run_and_look)
    return uploads, seen


def test_uploads_are_private_while_they_load_and_deleted_after_whatever_their_batch_became(uploading, tmp_path):
    uploads, seen = uploading
    tickets = (TICKET_HEADER + ticket_line("UP1")).encode()
    error_page = (HOSTILE / "claims_error_page.csv").read_bytes()  # a web page saved as CSV: its batch fails
    first = uploads.load_uploaded([FakeUpload("queue_tickets_up.csv", tickets),
                                   FakeUpload("claims_error_page.csv", error_page)], lambda *_: None, lang="en")
    # The same file again is skipped (already loaded): it is deleted all the same.
    again = uploads.load_uploaded([FakeUpload("queue_tickets_up.csv", tickets)], lambda *_: None, lang="en")

    assert dict(first.select("file_name", "status").iter_rows()) == {"queue_tickets_up.csv": "loaded",
                                                                    "claims_error_page.csv": "failed"}
    assert dict(again.select("file_name", "status").iter_rows()) == {"queue_tickets_up.csv": "skipped"}
    assert seen == {"folder": 0o700, "queue_tickets_up.csv": 0o600, "claims_error_page.csv": 0o600}
    upload_dir = tmp_path / "uploads"
    assert list(upload_dir.iterdir()) == []  # no raw file, and no empty folder either
    assert mode(upload_dir) == 0o700


def test_a_run_that_cannot_start_keeps_no_raw_file_either(uploading, sqlite_engine, tmp_path):
    uploads, _ = uploading
    with etl_lock(sqlite_engine), pytest.raises(EtlBusy):  # another run holds the database
        uploads.load_uploaded([FakeUpload("queue_tickets_up.csv", (TICKET_HEADER + ticket_line("UP2")).encode())],
                              lambda *_: None, lang="en")
    assert list((tmp_path / "uploads").iterdir()) == []
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(queue_tickets.c.ticket_id)).scalars().all() == []


def test_a_folder_left_by_a_killed_run_is_removed_by_a_later_upload(uploading, tmp_path):
    uploads, _ = uploading
    upload_dir = tmp_path / "uploads"
    left, recent, foreign = upload_dir / "upload-20260101-080000-x1", upload_dir / "upload-now", upload_dir / "mine"
    for folder in (left, recent, foreign):
        folder.mkdir(parents=True)
        (folder / "queue_tickets_old.csv").write_text(TICKET_HEADER, encoding="utf-8")
    two_days_ago = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    for folder in (left, foreign):
        os.utime(folder, (two_days_ago, two_days_ago))
    uploads.load_uploaded([FakeUpload("queue_tickets_up.csv", (TICKET_HEADER + ticket_line("UP3")).encode())],
                          lambda *_: None, lang="en")
    # A recent folder may be another upload still loading; a folder Pantau did not make is not its to delete.
    assert sorted(p.name for p in upload_dir.iterdir()) == ["mine", "upload-now"]


def test_a_new_sqlite_database_and_its_write_ahead_log_are_private(tmp_path):
    path = tmp_path / "new" / "pantau.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (a INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as conn:  # while a connection is open, the -wal and -shm files exist
        conn.execute(text("SELECT a FROM t")).all()
        files = {p.name: mode(p) for p in path.parent.iterdir()}
    engine.dispose()
    assert files == {"pantau.db": 0o600, "pantau.db-wal": 0o600, "pantau.db-shm": 0o600}


def test_an_existing_database_keeps_the_mode_its_owner_gave_it(tmp_path):
    path = tmp_path / "shared.db"
    sqlite3.connect(path).close()
    path.chmod(0o640)  # a group that reads it, set by the operator on purpose
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    assert mode(path) == 0o640
