"""What people write, each checked against the viewer before anything is stored: follow-ups and uploads.

Reads live in the query modules; these are the only ways the dashboard changes the database.
"""
from __future__ import annotations

from pathlib import Path

from etl import follow_ups
from etl.pipeline import Progress, RunResult, run_etl
from service.access import OutOfScope
from service.follow_ups import may_edit_follow_ups
from service.reader import Reader


def add_follow_up(r: Reader, **fields) -> int:
    """Store a new item (see etl.follow_ups.create); raises FollowUpError with the field to correct."""
    if not may_edit_follow_ups(r, fields.get("branch_code", "")):
        raise OutOfScope(fields.get("branch_code"))
    return follow_ups.create(r.engine, **fields)


def save_follow_up(r: Reader, follow_up_id: int, expected_version: int, changed_by: str, **changes) -> int:
    """Save changes made to `expected_version`; raises StaleEdit when someone saved in between."""
    if not may_edit_follow_ups(r, follow_ups.branch_of(r.engine, follow_up_id) or ""):
        raise OutOfScope(str(follow_up_id))
    return follow_ups.update(r.engine, follow_up_id, expected_version=expected_version, changed_by=changed_by,
                             **changes)


def load_files(r: Reader, folder: Path, progress: Progress) -> RunResult:
    """Run the ETL on a folder of uploaded files; only viewers who may upload (regional heads) get here."""
    if not r.viewer.may_upload:
        raise OutOfScope("upload")
    return run_etl(folder, r.engine, progress=progress)
