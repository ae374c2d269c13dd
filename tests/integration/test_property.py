"""Property: for any mix of valid and invalid queue-ticket rows, written as a CSV and loaded by the
real ETL into a fresh database, rows read = loaded + quarantined + exact duplicates, every valid
row is stored exactly as written (personal ids as their keyed pseudonym), and every invalid row is
quarantined with the reason its defect calls for.

A small model says what must happen: copies of a line are exact duplicates; of the versions of an
id, the valid one seen last wins and earlier valid ones are `duplicate_id` (data/README.md, 1 and 4).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from etl.contract import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINTS, PRIORITY_GROUPS, QUEUE_TICKETS, SERVICES
from etl.db import make_engine, read_frame
from etl.pipeline import run_etl
from etl.pseudonymise import pseudonym
from etl.schema import complaints as complaints_table
from etl.schema import quarantine, queue_tickets
from tests.conftest import BRANCHES_CSV, TEST_SECRET

COLUMNS = QUEUE_TICKETS.column_names
START = dt.datetime(2026, 6, 1)  # a few weeks only (the marts are recomputed for every period touched), all past
FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")

# Ids and counters: letters of any script, digits and some punctuation, including the separators and
# quotes a CSV writer must quote. No blanks around (they are trimmed), no formula start, no control characters.
FIRST = st.characters(categories=("L", "N"))
REST = st.characters(categories=("L", "N", "Zs"), include_characters="-_./,;\"'#()")


def identifier(max_size: int) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b: (a + b).strip(), FIRST, st.text(REST, max_size=max_size - 1))


@dataclass(frozen=True)
class Ticket:
    cells: dict  # column -> raw text as written ("" for empty)
    expected: dict | None  # the stored row, or None when the row is invalid
    reason: tuple[str, str] | None = None  # (reason, column) when invalid


@st.composite
def valid_tickets(draw, ticket_id: str, complete: bool = False) -> Ticket:
    """A valid ticket; `complete`: called and finished, the shape every defect below applies to."""
    # Whole minutes, so that every format, with seconds or without, writes the same instant.
    issued = START + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
    served = complete or draw(st.booleans())
    fmt = draw(st.sampled_from(FORMATS))
    called = issued + dt.timedelta(minutes=draw(st.integers(0, 240))) if served else None
    finished = called + dt.timedelta(minutes=draw(st.integers(0, 90))) if served and (
        complete or draw(st.booleans())) else None
    participant = draw(st.one_of(st.just(""), st.from_regex(r"\A3[0-9]{15}\Z"), identifier(20)))
    cells = {
        "ticket_id": ticket_id, "visit_id": draw(identifier(64)), "branch_code": draw(st.sampled_from(["SRG", "PDG"])),
        "participant_id": participant, "service": draw(st.sampled_from(SERVICES)),
        "priority_group": draw(st.sampled_from(("",) + PRIORITY_GROUPS)),
        "issued_at": issued.strftime(fmt), "called_at": called.strftime(fmt) if called else "",
        "finished_at": finished.strftime(fmt) if finished else "",
        "counter_id": draw(identifier(32)) if served else "",
        "outcome": draw(st.sampled_from(("resolved", "transferred", "unresolved"))) if served else "no_show",
        "rating": str(draw(st.integers(1, 5))) if draw(st.booleans()) else "",
    }
    expected = {
        **{c: (cells[c] or None) for c in ("ticket_id", "visit_id", "branch_code", "service", "priority_group",
                                             "counter_id", "outcome")},
        "participant_id": pseudonym(TEST_SECRET, participant) if participant.strip() else None,
        "issued_at": issued, "called_at": called, "finished_at": finished,
        "rating": int(cells["rating"]) if cells["rating"] else None, "clock_skew_adjusted": False,
    }
    return Ticket(cells, expected)


# Each defect: what it changes in a served ticket, and the (reason, column) it must be quarantined with.
DEFECTS = {
    "unknown service": (lambda c: {"service": "klaim"}, ("bad_code", "service")),
    "unknown branch": (lambda c: {"branch_code": "JKT"}, ("unknown_branch", "branch_code")),
    "year 1900": (lambda c: {"issued_at": "1900-01-01 08:00:00"}, ("bad_timestamp", "issued_at")),
    "year 2999": (lambda c: {"finished_at": "2999-01-01 08:00:00"}, ("bad_timestamp", "finished_at")),
    "no outcome": (lambda c: {"outcome": ""}, ("missing_required", "outcome")),
    "rating 9": (lambda c: {"rating": "9"}, ("bad_number", "rating")),
    "formula": (lambda c: {"counter_id": "=HYPERLINK(\"x\")"}, ("formula_text", "counter_id")),
    "NUL": (lambda c: {"visit_id": "V\x00"}, ("control_character", "visit_id")),
    "finished before called": (lambda c: {"finished_at": c["called_at"], "called_at": "2026-07-31 23:00:00"},
                               ("time_order", "finished_at")),
    "called before issued": (lambda c: {"called_at": "2026-05-31 00:00:00"}, ("time_order", "called_at")),
    "no-show with a call": (lambda c: {"outcome": "no_show"}, ("status_mismatch", "outcome")),
}


@st.composite
def invalid_tickets(draw, ticket_id: str) -> Ticket:
    base = draw(valid_tickets(ticket_id, complete=True))
    change, reason = DEFECTS[draw(st.sampled_from(sorted(DEFECTS)))]
    return Ticket({**base.cells, **change(base.cells)}, None, reason)


@st.composite
def ticket_files(draw) -> list[Ticket]:
    """Lines of one file: distinct ids, some lines copied, some ids sent again in another version."""
    ids = draw(st.lists(identifier(64), min_size=1, max_size=30, unique=True))
    lines = [draw(st.one_of(valid_tickets(i), invalid_tickets(i)) if draw(st.booleans()) else valid_tickets(i))
             for i in ids]
    for _ in range(draw(st.integers(0, 5))):  # exact copies, anywhere later
        lines.insert(draw(st.integers(0, len(lines))), lines[draw(st.integers(0, len(lines) - 1))])
    for _ in range(draw(st.integers(0, 3))):  # a second version of an id
        again = draw(st.sampled_from(ids))
        lines.insert(draw(st.integers(0, len(lines))),
                     draw(st.one_of(valid_tickets(again), invalid_tickets(again))))
    return lines


def write_csv(path: Path, lines: list[Ticket], separator: str, bom: bool, crlf: bool) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(COLUMNS)
    writer.writerows([line.cells[c] for c in COLUMNS] for line in lines)
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))


def model(lines: list[Ticket]) -> tuple[dict[str, dict], Counter, int]:
    """(stored row per id, quarantine reasons, exact duplicates), as data/README.md describes them."""
    distinct: dict[tuple, tuple[int, Ticket]] = {}  # line text -> (last position, ticket)
    for position, line in enumerate(lines):
        distinct[tuple(line.cells[c] for c in COLUMNS)] = (position, line)
    duplicates = len(lines) - len(distinct)
    winners: dict[str, tuple[int, Ticket]] = {}
    reasons: Counter = Counter()
    for position, line in distinct.values():
        if line.expected is None:
            reasons[line.reason] += 1
            continue
        key = line.cells["ticket_id"]
        if key in winners:
            reasons[("duplicate_id", "ticket_id")] += 1
            if position < winners[key][0]:
                continue
        winners[key] = (position, line)
    return {k: line.expected for k, (_, line) in winners.items()}, reasons, duplicates


def check(lines: list[Ticket], separator: str, bom: bool, crlf: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw"
        raw.mkdir()
        (raw / "branches.csv").write_text(BRANCHES_CSV, encoding="utf-8")
        write_csv(raw / "queue_tickets_prop.csv", lines, separator, bom, crlf)
        engine = make_engine(f"sqlite:///{Path(folder) / 'pantau.db'}")
        try:
            result = run_etl(raw, engine, secret=TEST_SECRET)
            with engine.connect() as conn:
                stored = read_frame(conn, select(queue_tickets)).drop("batch_id")
                reasons = Counter(conn.execute(select(quarantine.c.reason, quarantine.c.column_name)).all())
        finally:
            engine.dispose()
    [batch] = [b for b in result.batches if b.file_name == "queue_tickets_prop.csv"]
    expected_rows, expected_reasons, duplicates = model(lines)
    assert batch.status == "loaded", batch.message
    assert batch.rows_read == len(lines) == batch.rows_loaded + batch.rows_quarantined + batch.exact_duplicates
    assert batch.exact_duplicates == duplicates
    assert {tuple(k): v for k, v in reasons.items()} == dict(expected_reasons)
    expected = pl.DataFrame(list(expected_rows.values()), schema=stored.schema) if expected_rows else stored.clear()
    assert stored.sort("ticket_id").to_dicts() == expected.sort("ticket_id").to_dicts()


FILE_SHAPES = (ticket_files(), st.sampled_from([",", ";"]), st.booleans(), st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(*FILE_SHAPES)
def test_every_row_is_loaded_unchanged_or_quarantined_with_its_reason(lines, separator, bom, crlf):
    check(lines, separator, bom, crlf)


# --- complaints: a name that is never stored, booleans in four spellings, times measured from receipt -----------

COMPLAINT_COLUMNS = COMPLAINTS.column_names
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "ya": True, "tidak": False, "Y": True, "n": False}
COMPLAINT_DEFECTS = {
    "unknown channel": ({"channel": "fax"}, ("bad_code", "channel")),
    "maybe reopened": ({"reopened": "mungkin"}, ("bad_boolean", "reopened")),
    "resolved without a time": ({"status": "resolved", "resolved_at": ""}, ("status_mismatch", "resolved_at")),
    "answered before received": ({"first_response_at": "2026-05-01 08:00"}, ("time_order", "first_response_at")),
    "formula id": ({"complaint_id": "@SUM(A1)"}, ("formula_text", "complaint_id")),  # made unique below
}


@st.composite
def complaints(draw, complaint_id: str) -> tuple[dict, dict | None, tuple | None]:
    received = START + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
    answered = received + dt.timedelta(minutes=draw(st.integers(0, 5000))) if draw(st.booleans()) else None
    resolved = received + dt.timedelta(minutes=draw(st.integers(0, 9000))) if draw(st.booleans()) else None
    fmt = draw(st.sampled_from(FORMATS))
    reopened = draw(st.sampled_from(sorted(BOOLEANS)))
    participant = draw(st.one_of(st.just(""), st.from_regex(r"\A3[0-9]{15}\Z")))
    cells = {
        "complaint_id": complaint_id, "branch_code": draw(st.sampled_from(["SRG", "PDG"])),
        "participant_id": participant,
        # Any name at all, line breaks and quotes included: it is dropped before anything is checked or stored.
        "participant_name": draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)),
        "channel": draw(st.sampled_from(COMPLAINT_CHANNELS)), "category": draw(st.sampled_from(COMPLAINT_CATEGORIES)),
        "received_at": received.strftime(fmt), "first_response_at": answered.strftime(fmt) if answered else "",
        "resolved_at": resolved.strftime(fmt) if resolved else "",
        "status": "resolved" if resolved else draw(st.sampled_from(("open", "in_progress"))), "reopened": reopened,
    }
    if draw(st.booleans()):
        change, reason = COMPLAINT_DEFECTS[draw(st.sampled_from(sorted(COMPLAINT_DEFECTS)))]
        if "complaint_id" in change:  # two such rows must not become copies of each other
            change = {"complaint_id": change["complaint_id"] + complaint_id}
        return {**cells, **change}, None, reason
    expected = {
        "complaint_id": complaint_id, "branch_code": cells["branch_code"],
        "participant_id": pseudonym(TEST_SECRET, participant) if participant else None,
        "channel": cells["channel"], "category": cells["category"], "received_at": received,
        "first_response_at": answered, "resolved_at": resolved, "status": cells["status"],
        "reopened": BOOLEANS[reopened], "clock_skew_adjusted": False,
    }
    return cells, expected, None


@st.composite
def complaint_files(draw) -> list:
    ids = draw(st.lists(identifier(64), min_size=1, max_size=20, unique=True))
    return [draw(complaints(i)) for i in ids]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(complaint_files(), st.sampled_from([",", ";"]))
def test_every_complaint_is_loaded_unchanged_or_quarantined_with_its_reason(lines, separator):
    check_complaints(lines, separator)


def check_complaints(lines: list, separator: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw"
        raw.mkdir()
        (raw / "branches.csv").write_text(BRANCHES_CSV, encoding="utf-8")
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
        writer.writerow(COMPLAINT_COLUMNS)
        writer.writerows([cells[c] for c in COMPLAINT_COLUMNS] for cells, _, _ in lines)
        (raw / "complaints_prop.csv").write_text(buffer.getvalue(), encoding="utf-8")
        engine = make_engine(f"sqlite:///{Path(folder) / 'pantau.db'}")
        try:
            result = run_etl(raw, engine, secret=TEST_SECRET)
            with engine.connect() as conn:
                stored = read_frame(conn, select(complaints_table)).drop("batch_id")
                reasons = Counter(tuple(r) for r in conn.execute(select(quarantine.c.reason, quarantine.c.column_name)))
        finally:
            engine.dispose()
    [batch] = [b for b in result.batches if b.file_name == "complaints_prop.csv"]
    assert batch.rows_read == len(lines) == batch.rows_loaded + batch.rows_quarantined + batch.exact_duplicates
    assert reasons == Counter(reason for _, expected, reason in lines if expected is None)
    valid = [expected for _, expected, _ in lines if expected is not None]
    expected_frame = pl.DataFrame(valid, schema=stored.schema) if valid else stored.clear()
    assert stored.sort("complaint_id").to_dicts() == expected_frame.sort("complaint_id").to_dicts()


def test_the_model_agrees_with_the_documented_example():
    """A, B, A: the copy of A is an exact duplicate, and A (seen last) wins over B."""
    a = Ticket({**dict.fromkeys(COLUMNS, ""), "ticket_id": "T1", "rating": "1"}, {"ticket_id": "T1", "rating": 1})
    b = replace(a, cells={**a.cells, "rating": "2"}, expected={"ticket_id": "T1", "rating": 2})
    rows, reasons, duplicates = model([a, b, a])
    assert rows == {"T1": {"ticket_id": "T1", "rating": 1}}
    assert reasons == Counter({("duplicate_id", "ticket_id"): 1}) and duplicates == 1
