"""The ETL run: extract → protect personal data → validate → load per file → refresh KPI marts.

A run is made by someone and may be scoped to a region (etl.guard): an upload writes only its uploader's
region; the administrator's command line writes every region. Each batch records who made it.
"""
from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from etl import migrate
from etl.alerts import AlertRun, raise_alerts
from etl.db import drop_stage_tables
from etl.extract import FileRejected, load_mappings, raw_files, read_raw
from etl.guard import branch_regions, guard_for
from etl.load import BatchResult, already_loaded, file_sha256, load_batch, record_failure
from etl.pseudonymise import check_key, load_secret, protect_personal_data, stored_fingerprint
from etl.refresh import clear_pending, mark_all_pending, pending, refresh_marts, sync_targets
from etl.runlock import etl_lock
from etl.settings import CONFIG_DIR, MAPPINGS_DIR
from etl.sop import Sop, load_sop
from etl.validate import validate

Progress = Callable[[str, int, int], None]  # (what is happening, step done, steps in all)


@dataclass
class RunResult:
    batches: list[BatchResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files whose exact bytes were loaded before
    mart_rows: int = 0
    alerts: AlertRun | None = None  # what the alert rules found new after this run (etl.alerts)

    @property
    def failed(self) -> list[BatchResult]:
        return [b for b in self.batches if b.status == "failed"]


def run_etl(raw_dir: Path, engine: Engine, *, recompute: bool = False, progress: Progress | None = None,
            config_dir: Path = CONFIG_DIR, mappings_dir: Path = MAPPINGS_DIR, secret: bytes | None = None,
            wait: bool = False, scope: str | None = None, loaded_by: str | None = None) -> RunResult:
    """Load every new file in `raw_dir` and recompute the periods the new data touches.

    `scope` is the region the person loading may write (an upload: the uploader's region); None writes every
    region, for the administrator's command line only. `loaded_by` is who is loading, kept on every batch
    (default: `process:<os user>`).

    Raises `EtlBusy` when another run holds the database, unless `wait`, and `KeyProblem` when the
    pseudonym key is missing or not the one the database was loaded with.
    """
    sop = load_sop(config_dir)
    with etl_lock(engine, wait=wait):
        migrate.upgrade(engine)
        drop_stage_tables(engine)
        # A database loaded before must be loaded again with its own key, never with a fresh one.
        key = secret if secret is not None else load_secret(create=stored_fingerprint(engine) is None)
        check_key(engine, key)
        who = Loader(loaded_by or f"process:{os_user()}", scope)
        return _run_locked(raw_dir, engine, sop, key, recompute, progress or (lambda *_: None), mappings_dir, who)


@dataclass(frozen=True)
class Loader:
    """Who is loading, and the region they may write (None: every region)."""

    login: str
    scope: str | None


def os_user() -> str:
    """The operating-system account running this process (a container may have no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _run_locked(raw_dir: Path, engine: Engine, sop: Sop, key: bytes, recompute: bool, report: Progress,
                mappings_dir: Path, who: Loader) -> RunResult:
    sync_targets(engine, sop)
    if recompute:
        mark_all_pending(engine)
    files = raw_files(raw_dir, load_mappings(mappings_dir))
    regions = branch_regions(engine)
    result = RunResult()
    for done, (path, source, mapping) in enumerate(files):
        report(f"Memuat {path.name}", done, len(files) + 1)
        sha256 = file_sha256(path)
        if already_loaded(engine, sha256):
            result.skipped.append(path.name)
            continue
        started_at = dt.datetime.now().replace(microsecond=0)
        try:
            raw = protect_personal_data(read_raw(path, source, mapping), key)
            guard = guard_for(engine, raw, who.scope, regions)
            validated = validate(raw, set(regions), sop.clock_skew_tolerance_seconds, guard)
        except FileRejected as rejected:
            result.batches.append(record_failure(engine, path, sha256, source, rejected.problem, started_at,
                                                 who.login))
            continue
        batch = load_batch(engine, path, sha256, raw.source, validated, raw.frame.height, started_at, who.login,
                           regions)
        result.batches.append(batch)
        if raw.source.name == "branches":
            regions = branch_regions(engine)
    # Pending work includes what a killed earlier run loaded but did not get to recompute.
    todo = pending(engine)
    if todo is not None:
        report("Menghitung KPI mingguan dan bulanan", len(files), len(files) + 1)
        result.mart_rows = refresh_marts(engine, sop, todo.since)
        clear_pending(engine, todo)
    # After every run, loaded or not: a follow-up falls due and a source goes stale without any new file.
    result.alerts = raise_alerts(engine, sop, dt.date.today())
    report("Selesai", len(files) + 1, len(files) + 1)
    return result
