"""The ETL run: extract → protect personal data → validate → load per file → refresh KPI marts.

A run is made by someone and may be scoped to a region (etl.guard): an upload writes only its uploader's
region; the administrator's command line writes every region. Each batch records who made it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, exc

from etl import migrate
from etl.alerts import AlertRun, raise_alerts
from etl.db import drop_stage_tables
from etl.extract import ROW_NUMBER, FileRejected, RawFile, raw_files, read_raw
from etl.guard import branch_regions, guard_for
from etl.load import (BatchResult, Reoffer, already_loaded, file_sha256, load_batch, record_failure, reoffer,
                      stored_ids)
from etl.mapping import Mapping, load_mappings
from etl.pseudonymise import check_key, load_secret, protect_personal_data, stored_fingerprint
from etl.refresh import RunFacts, clear_pending, mark_all_pending, pending, refresh_marts, sync_targets
from etl.runlock import etl_lock
from etl.settings import CONFIG_DIR, mappings_dir_setting
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
            config_dir: Path = CONFIG_DIR, mappings_dir: Path | None = None, secret: bytes | None = None,
            wait: bool = False, scope: str | None = None, loaded_by: str | None = None) -> RunResult:
    """Load every new file in `raw_dir` and recompute the periods the new data touches.

    `scope` is the region the person loading may write (an upload: the uploader's region); None writes every
    region, for the administrator's command line only. `loaded_by` is who is loading, kept on every batch
    (default: `process:<os user>`).

    Raises `EtlBusy` when another run holds the database, unless `wait`, and `KeyProblem` when the
    pseudonym key is missing or not the one the database was loaded with, and `MappingError`, listing every
    mistake, when a mapping file in `mappings_dir` (default: `PANTAU_MAPPINGS`, else data/mappings) is wrong.
    """
    sop = load_sop(config_dir)
    mappings = load_mappings(mappings_dir or mappings_dir_setting())  # every mistake is known before any file is read
    with etl_lock(engine, wait=wait):
        migrate.upgrade(engine)
        drop_stage_tables(engine)
        # A database loaded before must be loaded again with its own key, never with a fresh one.
        key = secret if secret is not None else load_secret(create=stored_fingerprint(engine) is None)
        check_key(engine, key)
        who = Loader(loaded_by or f"process:{os_user()}", scope)
        return _run_locked(raw_dir, engine, sop, key, recompute, progress or (lambda *_: None), mappings, who)


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
                mappings: list[Mapping], who: Loader) -> RunResult:
    sync_targets(engine, sop)
    if recompute:
        mark_all_pending(engine)
    files = raw_files(raw_dir, mappings)
    regions = branch_regions(engine)
    result = RunResult()
    known_pseudonyms: dict[str, str] = {}  # this run's, all made with `key`
    run_facts = RunFacts(engine)
    for done, (path, source, mapping) in enumerate(files):
        report(f"Memuat {path.name}", done, len(files) + 1)
        sha256 = file_sha256(path)
        again = None
        if already_loaded(engine, sha256):
            # The same bytes change nothing, unless rows waited for a branch that a later branches file added.
            again = reoffer(engine, sha256)
            if again is None:
                result.skipped.append(path.name)
                continue
        started_at = dt.datetime.now().replace(microsecond=0)
        try:
            batch = _load_file(engine, path, sha256, source, mapping, key, sop, who, regions, started_at, again,
                               known_pseudonyms, run_facts)
        except FileRejected as rejected:
            batch = record_failure(engine, path, sha256, source, rejected.problem, started_at, who.login)
        result.batches.append(batch)
        if batch.status == "failed":
            continue
        if batch.source == "branches":
            regions = branch_regions(engine)
    # Pending work includes what a killed earlier run loaded but did not get to recompute.
    todo = pending(engine)
    if todo is not None:
        report("Menghitung KPI mingguan dan bulanan", len(files), len(files) + 1)
        result.mart_rows = refresh_marts(engine, sop, todo.since, loaded=run_facts.facts(engine))
        clear_pending(engine, todo)
    # After every run, loaded or not: a follow-up falls due and a source goes stale without any new file.
    result.alerts = raise_alerts(engine, sop, dt.date.today())
    report("Selesai", len(files) + 1, len(files) + 1)
    return result


def _load_file(engine: Engine, path: Path, sha256: str, source, mapping, key: bytes, sop: Sop, who: Loader,
               regions: dict[str, str], started_at: dt.datetime, again: Reoffer | None,
               known_pseudonyms: dict[str, str], run_facts: RunFacts) -> BatchResult:
    """Read, check and load one file; any failure that is this file's own raises FileRejected.

    `again`: the file was loaded before; only the rows it names are read again (etl.load.reoffer).
    `known_pseudonyms` and `run_facts` are the run's: what it hashed already, and the facts its marts may reuse.

    An error that would stop every file (the database unreachable) is not this file's: it stops the run.
    Anything else a file makes a reader or a rule raise fails that file only, so that one odd export never
    keeps the files after it (and the KPI refresh) from loading, run after run.
    """
    stage = "read"
    try:
        raw = protect_personal_data(read_raw(path, source, mapping), key, known_pseudonyms)
        if again is not None:
            raw = _offered_again(engine, raw, again)
        stage = "check"
        guard = guard_for(engine, raw, who.scope, regions)
        validated = validate(raw, set(regions), sop.clock_skew_tolerance_seconds, guard,
                             earliest=sop.earliest_timestamp, latest=started_at + sop.future_tolerance)
        stage = "load"
        batch = load_batch(engine, path, sha256, raw.source, validated, raw.frame.height, started_at, who.login,
                           regions, message="; ".join(raw.notes) or None)
        run_facts.add(raw.source.name, validated.rows, batch.batch_id)
        return batch
    except FileRejected:
        raise
    except (exc.DataError, exc.IntegrityError) as error:
        # The database refused one of this file's values: the file's transaction is rolled back, others go on.
        raise FileRejected(path, unexpected(stage, error)) from None
    except exc.SQLAlchemyError:
        raise
    except (Exception, pl.exceptions.PanicException) as error:  # a reader's panic is not an Exception
        raise FileRejected(path, unexpected(stage, error)) from None


def _offered_again(engine: Engine, raw: RawFile, again: Reoffer) -> RawFile:
    """The rows of `raw` quarantined as unknown_branch in batch `again.batch_id`, unless their record is stored
    by now: a later file sent it, and a row offered again must not replace a newer one."""
    frame = raw.frame.filter(pl.col(ROW_NUMBER).is_in(again.row_numbers))
    stored = stored_ids(engine, raw.source, frame.get_column(raw.source.id_column).drop_nulls().unique().to_list())
    frame = frame.filter(~pl.col(raw.source.id_column).is_in(sorted(stored)))
    note = (f"offered again after the branches changed: {frame.height:,} of the {len(again.row_numbers):,} rows "
            f"batch {again.batch_id} quarantined as unknown_branch read again from the file")
    return dataclasses.replace(raw, frame=frame, notes=(note,))


def unexpected(stage: str, error: BaseException) -> str:
    """What the batch says of an error no rule foresaw: where, and its type; never its text, which can quote a value."""
    doing = {"read": "reading the file", "check": "checking its rows", "load": "storing its rows"}[stage]
    return (f"could not be loaded: an unexpected error ({type(error).__name__}) while {doing}; nothing from this "
            "file was loaded and the other files went on. Export the file again; if it fails again, report it "
            "with this message")
