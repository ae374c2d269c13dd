"""Deliberately broken rows (about 0.5 %), clock skew within tolerance and exact duplicates.

They exercise the ETL's quarantine: every broken row breaks exactly one contract rule (unknown branch,
unparseable timestamp, time order beyond the 120-second tolerance, invalid code, missing required value,
status mismatch, rating out of range) and keeps the right number of fields. Skewed rows (a call 1–90 s
before the ticket, documents 1–90 s before submission) and duplicated lines are valid and must load.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from etl.contract import CLAIMS, COMPLAINTS, QUEUE_TICKETS
from etl.generate.days import HOUR, MINUTE
from etl.generate.writer import as_text

BROKEN_RATE = 0.0008  # per kind of breakage; six or seven kinds make about 0.5 % of rows
SKEW_RATE = 0.003
DUPLICATE_RATE = 0.0002
UNKNOWN_BRANCHES = ("BTN99", "BTN3", "XXX01", "KC SERANG")
BAD_TIMESTAMPS = ("2026-13-45 25:00", "kemarin", "31/02/2026 09:15", "jam 9 pagi")


def spoil(frame: pl.DataFrame, source_name: str, rng: np.random.Generator, week_start: int) -> pl.DataFrame:
    """The week's rows as text with broken, skewed and duplicated rows mixed in."""
    spoilers = {"queue_tickets": _tickets, "claims": _claims, "complaints": _complaints}
    text = spoilers[source_name](frame, rng, week_start)
    # An export that sent some lines twice: the copies come at the end of the file.
    return pl.concat([text, text[np.flatnonzero(rng.random(text.height) < DUPLICATE_RATE)]])


def _tickets(frame: pl.DataFrame, rng: np.random.Generator, week_start: int) -> pl.DataFrame:
    called = frame["called_at"].is_not_null().to_numpy()
    rows = _kinds(rng, frame.height, ["unknown_branch", "bad_timestamp", "time_order", "bad_code",
                                      "missing_required", "status_mismatch", "bad_rating", "skew"],
                  eligible={"time_order": called, "skew": called})
    frame = frame.with_columns(
        _moved_before(rng, "called_at", "issued_at", rows["time_order"], 5 * MINUTE, HOUR),
    ).with_columns(_moved_before(rng, "called_at", "issued_at", rows["skew"], 1, 90))
    return _replaced(as_text(frame, QUEUE_TICKETS), rng, [
        (rows["unknown_branch"], "branch_code", UNKNOWN_BRANCHES),
        (rows["bad_timestamp"], "issued_at", BAD_TIMESTAMPS),
        (rows["bad_code"], "service", ("klaim", "JHT", "lainnya")),
        (rows["missing_required"], "outcome", None),
        (rows["status_mismatch"], "outcome", np.where(called, "no_show", "resolved")),
        (rows["bad_rating"], "rating", ("7", "0", "10")),
    ])


def _claims(frame: pl.DataFrame, rng: np.random.Generator, week_start: int) -> pl.DataFrame:
    has_docs = frame["docs_complete_at"].is_not_null().to_numpy()
    final = frame["status"].to_numpy() != "in_process"
    rows = _kinds(rng, frame.height, ["unknown_branch", "bad_timestamp", "time_order", "bad_code",
                                      "missing_required", "status_mismatch", "skew"],
                  eligible={"time_order": has_docs, "skew": has_docs},
                  breakable=_breakable(final, frame["submitted_at"].to_numpy(), week_start))
    frame = frame.with_columns(
        _moved_before(rng, "docs_complete_at", "submitted_at", rows["time_order"], 10 * MINUTE, 4 * HOUR),
    ).with_columns(_moved_before(rng, "docs_complete_at", "submitted_at", rows["skew"], 1, 90))
    status = frame["status"].to_numpy()
    mismatch = rows["status_mismatch"]
    return _replaced(as_text(frame, CLAIMS), rng, [
        (rows["unknown_branch"], "branch_code", UNKNOWN_BRANCHES),
        (rows["bad_timestamp"], "submitted_at", BAD_TIMESTAMPS),
        (rows["bad_code"], "channel", ("aplikasi", "online", "kantor")),
        (rows["missing_required"], "participant_id", None),
        # Paid without a payment date, rejected without a reason, or still in process but marked paid.
        (mismatch & (status == "paid"), "paid_at", None),
        (mismatch & (status == "rejected"), "rejection_reason", None),
        (mismatch & (status == "in_process"), "status", "paid"),
    ])


def _complaints(frame: pl.DataFrame, rng: np.random.Generator, week_start: int) -> pl.DataFrame:
    answered = frame["first_response_at"].is_not_null().to_numpy()
    final = frame["status"].to_numpy() == "resolved"
    rows = _kinds(rng, frame.height, ["unknown_branch", "bad_timestamp", "time_order", "bad_code",
                                      "missing_required", "status_mismatch"],
                  eligible={"time_order": answered},
                  breakable=_breakable(final, frame["received_at"].to_numpy(), week_start))
    frame = frame.with_columns(
        _moved_before(rng, "first_response_at", "received_at", rows["time_order"], 2 * HOUR, 48 * HOUR),
    )
    resolved = frame["status"].to_numpy() == "resolved"
    mismatch = rows["status_mismatch"]
    return _replaced(as_text(frame, COMPLAINTS), rng, [
        (rows["unknown_branch"], "branch_code", UNKNOWN_BRANCHES),
        (rows["bad_timestamp"], "received_at", BAD_TIMESTAMPS),
        (rows["bad_code"], "category", ("antrean", "whatsapp", "lain-lain")),
        (rows["missing_required"], "received_at", None),
        # Resolved without a resolution date, or still open but marked resolved.
        (mismatch & resolved, "resolved_at", None),
        (mismatch & ~resolved, "status", "resolved"),
    ])


def _breakable(final: np.ndarray, first_seen: np.ndarray, week_start: int) -> np.ndarray:
    """Rows a broken export may spoil without leaving a stale record behind for good.

    Breaking the last update of a record loaded in an earlier week would keep its old open state
    forever (no later file fixes it), which piles up as a false backlog; real exports resend it.
    """
    return ~final | (first_seen >= week_start)


def _kinds(rng, n, names, eligible, breakable=True) -> dict[str, np.ndarray]:
    """Row mask per kind of spoiling, at most one kind per row; some kinds only fit rows that have the value."""
    taken = np.zeros(n, dtype=bool)
    rows = {}
    for name in names:
        may = eligible.get(name, True) & (True if name == "skew" else breakable)
        chosen = (rng.random(n) < (SKEW_RATE if name == "skew" else BROKEN_RATE)) & ~taken & may
        taken |= chosen
        rows[name] = chosen
    return rows


def _moved_before(rng, column, anchor, chosen, low_seconds, high_seconds) -> pl.Expr:
    """`column` set to between `low_seconds` and `high_seconds` before `anchor` on the chosen rows."""
    before = pl.Series(rng.integers(low_seconds, high_seconds + 1, len(chosen)))
    return pl.when(pl.Series(chosen)).then(pl.col(anchor) - before).otherwise(pl.col(column)).alias(column)


def _replaced(text: pl.DataFrame, rng, replacements) -> pl.DataFrame:
    """Apply (rows, column, value) in order: value is None, one text, a tuple to pick from, or one text per row."""
    for chosen, column, value in replacements:
        index = np.flatnonzero(chosen)
        if value is None:
            values = pl.Series([None] * len(index), dtype=pl.String)
        elif isinstance(value, str):
            values = pl.Series([value] * len(index))
        elif isinstance(value, tuple):
            values = pl.Series(rng.choice(value, len(index)), dtype=pl.String)
        else:
            values = pl.Series(value[index], dtype=pl.String)
        text = text.with_columns(text[column].scatter(index, values))
    return text
