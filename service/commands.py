"""What people write, each checked against the viewer before anything is stored: follow-ups, events and uploads.

Reads live in the query modules; these are the only ways the dashboard changes the database.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from etl import annotations, follow_ups
from etl.pipeline import Progress, RunResult, run_etl
from service.access import OutOfScope
from service.annotations import may_write
from service.follow_ups import OPEN_STATUSES, may_edit_follow_ups
from service.reader import Reader


class AlreadyPromised(Exception):
    """An open item already covers this branch and KPI; `existing` is it (follow_up_id, due_date, created_by)."""

    def __init__(self, existing: dict):
        super().__init__(f"follow-up #{existing['follow_up_id']} is open for this branch and KPI")
        self.existing = existing


def add_follow_up(r: Reader, *, also_if_open: bool = False, **fields) -> int:
    """Store a new item (see etl.follow_ups.create); raises FollowUpError with the field to correct.

    A second open item on the same branch and KPI is usually a promise made twice: AlreadyPromised, unless
    the person said they mean it (`also_if_open`).
    """
    if not may_edit_follow_ups(r, fields.get("branch_code", "")):
        raise OutOfScope(fields.get("branch_code"))
    if fields.get("kpi") is not None and not also_if_open:
        same = follow_ups.follow_ups(r.engine, [fields["branch_code"]], statuses=OPEN_STATUSES).filter(
            pl.col("kpi") == fields["kpi"])
        if same.height:
            raise AlreadyPromised(same.row(0, named=True))
    return follow_ups.create(r.engine, **fields)


def save_follow_up(r: Reader, follow_up_id: int, expected_version: int, changed_by: str, **changes) -> int:
    """Save changes made to `expected_version`; raises StaleEdit when someone saved in between."""
    if not may_edit_follow_ups(r, follow_ups.branch_of(r.engine, follow_up_id) or ""):
        raise OutOfScope(str(follow_up_id))
    return follow_ups.update(r.engine, follow_up_id, expected_version=expected_version, changed_by=changed_by,
                             **changes)


def save_annotation(r: Reader, *, region_code: str, branch_code: str | None = None,
                    annotation_id: str | None = None, **fields) -> str:
    """Store a new event or change one (etl.annotations.save), in the viewer's scope only.

    A branch manager writes events of their own branch; a regional head any of their region. Changing an event
    needs the scope of both the stored event and the new one, so nobody moves an event out of another's reach.
    """
    if annotation_id is not None:
        stored = annotations.scope_of(r.engine, annotation_id)
        if stored is not None and not may_write(r.viewer, *stored):
            raise OutOfScope(annotation_id)
    if not may_write(r.viewer, region_code, branch_code):
        raise OutOfScope(branch_code or region_code)
    return annotations.save(r.engine, region_code=region_code, branch_code=branch_code, annotation_id=annotation_id,
                            **fields)


def remove_annotation(r: Reader, annotation_id: str) -> None:
    stored = annotations.scope_of(r.engine, annotation_id)
    if stored is None:
        return
    if not may_write(r.viewer, *stored):
        raise OutOfScope(annotation_id)
    annotations.remove(r.engine, annotation_id)


def load_files(r: Reader, folder: Path, progress: Progress) -> RunResult:
    """Run the ETL on a folder of uploaded files; only viewers who may upload (regional heads) get here.

    The load writes the viewer's region only (etl.guard): rows of another region's branches or records are
    quarantined as out_of_scope, never stored. Every batch keeps the viewer's login.
    """
    if not r.viewer.may_upload:
        raise OutOfScope("upload")
    return run_etl(folder, r.engine, progress=progress, scope=r.viewer.region_code, loaded_by=r.viewer.login)
