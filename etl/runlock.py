"""One ETL run per database at a time: a second run waits for the first or refuses with a clear message.

The lock belongs to the process (a PostgreSQL session advisory lock, or an flock on a file beside
the SQLite database), so a run that is killed releases it at once and never leaves a stale lock.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

# Any constant shared by every Pantau process: the advisory lock's name in PostgreSQL.
ADVISORY_LOCK_KEY = 0x70616E746175  # "pantau"


class EtlBusy(RuntimeError):
    """Another ETL run holds this database."""


@contextmanager
def etl_lock(engine: Engine, *, wait: bool = False) -> Iterator[None]:
    with process_lock(engine, key=ADVISORY_LOCK_KEY, suffix=".etl-lock", wait=wait,
                      busy=lambda holder: EtlBusy(_busy_message(holder))):
        yield


@contextmanager
def process_lock(engine: Engine, *, key: int, suffix: str, wait: bool,
                 busy: Callable[[str], Exception]) -> Iterator[None]:
    """One holder of `key` per database (other jobs than the ETL use their own key); `busy(holder)` is raised."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, wait, key, busy):
            yield
    elif engine.url.database and engine.url.database != ":memory:":
        with _file_lock(Path(engine.url.database + suffix), wait, busy):
            yield
    else:  # an in-memory database is private to this process
        yield


def _busy_message(holder: str) -> str:
    return (f"Proses ETL lain sedang memuat basis data ini ({holder}). Tunggu sampai selesai, atau jalankan dengan "
            f"--wait. / Another ETL run is loading this database ({holder}); wait for it or use --wait.")


@contextmanager
def _advisory_lock(engine: Engine, wait: bool, key: int, busy: Callable[[str], Exception]) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if wait:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        elif not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            holder = conn.execute(text(
                "SELECT 'pid ' || a.pid || ', sejak / since ' || to_char(a.backend_start, 'HH24:MI') "
                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :low LIMIT 1"),
                {"low": key & 0xFFFFFFFF}).scalar()
            raise busy(holder or "pid ?")
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextmanager
def _file_lock(path: Path, wait: bool, busy: Callable[[str], Exception]) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            raise busy(handle.read().strip() or "pid ?") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, sejak / since {dt.datetime.now():%H:%M}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
