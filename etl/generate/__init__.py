"""Demo-data generator: a year of raw weekly drops for one Kanwil (`region`) or the whole agency (`national`).

`generate()` writes branches.csv and, per ISO week, queue_tickets_<week>, claims_<week> and
complaints_<week> in the canonical contract of etl/contract.py, and annotations_demo.csv with the known events
of the run (etl/generate/stories.py). The planted stories are described in
etl/generate/stories.py, the broken rows in etl/generate/bad_rows.py.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from etl.contract import CLAIMS, COMPLAINTS, QUEUE_TICKETS
from etl.generate import bad_rows, drops, stories, writer
from etl.generate.claims import week_claims
from etl.generate.complaints import week_complaints
from etl.generate.days import Calendar, Week, default_end, lebaran_closures
from etl.generate.offices import offices
from etl.generate.queue import week_tickets

__all__ = ["default_end", "generate"]

SCALES = ("region", "national")
FILE_FORMATS = ("csv", "parquet")
# Separate random streams per week and purpose, so that changing one source never reshuffles another.
STREAMS = ("queue_tickets", "claims", "complaints", "bad_rows")


def generate(out_dir: Path, *, seed: int = 7, weeks: int = 52, end: dt.date | None = None,
             scale: str = "region", file_format: str = "csv",
             progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write raw demo files into out_dir; return rows written per source ({"branches": n, "queue_tickets": n, ...})."""
    end = end or default_end(dt.date.today())
    _check(weeks, end, scale, file_format)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    branch_table = offices(scale)
    calendar = Calendar(end - dt.timedelta(weeks=weeks), end)
    written = {"branches": writer.write_branches(out_dir, branch_table), QUEUE_TICKETS.name: 0, CLAIMS.name: 0,
               COMPLAINTS.name: 0}
    open_claims = open_complaints = None
    run_weeks = calendar.weeks(end, weeks)
    for week in run_weeks:
        new_claims = week_claims(branch_table, week, calendar, _stream(seed, scale, week, "claims"), scale)
        claims_rows, open_claims = drops.claims_file(_pool(open_claims, new_claims), week)
        new_complaints = week_complaints(branch_table, week, calendar, _stream(seed, scale, week, "complaints"), scale)
        complaint_rows, open_complaints = drops.complaints_file(_pool(open_complaints, new_complaints), week)
        tickets = week_tickets(branch_table, week, calendar, _stream(seed, scale, week, "queue_tickets"))
        spoil_rng = _stream(seed, scale, week, "bad_rows")
        for source, rows in ((QUEUE_TICKETS, tickets), (CLAIMS, claims_rows), (COMPLAINTS, complaint_rows)):
            text = bad_rows.spoil(rows, source.name, spoil_rng, week.start)
            written[source.name] += writer.write_week(out_dir, source, week.label, text, file_format)
        if progress is not None:
            progress(week.index + 1, weeks)
    events = stories.known_events(sorted(branch_table["region_code"].unique()), run_weeks,
                                  lebaran_closures(run_weeks[0].monday, end))
    if events:
        written["annotations"] = writer.write_annotations(out_dir, events)
    return written


def _stream(seed: int, scale: str, week: Week, purpose: str) -> np.random.Generator:
    """The random generator of one purpose in one week: fixed by the seed, the scale and the week's Monday."""
    return np.random.default_rng([seed, SCALES.index(scale), week.monday.toordinal(), STREAMS.index(purpose)])


def _pool(still_open: pl.DataFrame | None, new: pl.DataFrame) -> pl.DataFrame:
    """Records carried over from earlier weeks plus this week's new ones."""
    return new if still_open is None else pl.concat([still_open, new])


def _check(weeks: int, end: dt.date, scale: str, file_format: str) -> None:
    """Refuse options that cannot make a sensible run."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    if end.isoweekday() != 7:
        raise ValueError(f"end must be a Sunday (the last day of an ISO week), got {end:%A %Y-%m-%d}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    if file_format not in FILE_FORMATS:
        raise ValueError(f"unknown file format {file_format!r}: use one of {', '.join(FILE_FORMATS)}")
