"""Reading raw files: every accepted encoding gives the same typed rows; an unreadable file fails its own batch."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select

from etl.contract import source_for_file
from etl.extract import FileRejected, read_raw
from etl.pipeline import run_etl
from etl.schema import claims
from etl.validate import validate
from tests.conftest import TEST_SECRET

BRANCHES = {"SRG", "PDG"}

CLAIMS_ISO_CSV = """claim_id,branch_code,participant_id,programme,channel,amount_idr,submitted_at,docs_complete_at,decided_at,paid_at,status,rejection_reason
C1,SRG,3601234567890001,JHT,jmo,1234567.50,2026-11-16T09:00,2026-11-16T09:30:15,2026-11-17T10:00,2026-11-17T14:00,paid,
C2,PDG,3601234567890002,JKK,branch,250000,2026-11-03T08:05:00,,2026-11-04T11:00:00,,rejected,employer_arrears
C3,SRG,3601234567890003,JP,lapak_asik,0,2026-11-18T13:45,,,,in_process,
"""
QUEUE_TICKETS_CSV = """ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at,counter_id,outcome,rating
T1,V1,SRG,3601234567890001,claim_jht,,2026-11-16 08:00:00,2026-11-16 08:10:00,2026-11-16 08:20:00,L1,resolved,5
T2,V2,PDG,,information,pregnant,2026-11-16 08:03:00,,,,no_show,
"""
COMPLAINTS_CSV = """complaint_id,branch_code,participant_id,participant_name,channel,category,received_at,first_response_at,resolved_at,status,reopened
K1,SRG,3601234567890001,Siti Aminah,walk_in,queue,2026-11-16 10:00,2026-11-16 11:00,,open,tidak
K2,PDG,,,lapor,jht_claim,2026-11-16 13:00,2026-11-17 09:00,2026-11-19 15:00,resolved,ya
"""
CLAIMS_INDONESIAN_CSV = """claim_id;branch_code;participant_id;programme;channel;amount_idr;submitted_at;docs_complete_at;decided_at;paid_at;status;rejection_reason
C1;SRG;3601234567890001;JHT;jmo;1.234.567,50;16/11/2026 09:00;16/11/2026 09:30:15;17/11/2026 10:00;17/11/2026 14:00;paid;
C2;PDG;3601234567890002;JKK;branch;250.000;03/11/2026 08:05:00;;04/11/2026 11:00:00;;rejected;employer_arrears
C3;SRG;3601234567890003;JP;lapak_asik;0;18/11/2026 13:45;;;;in_process;
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def typed_rows(path: Path) -> pl.DataFrame:
    """The rows a file loads to, after reading and validating; every row must be valid."""
    validated = validate(read_raw(path, source_for_file(path.name)), BRANCHES, clock_skew_tolerance_seconds=120)
    assert validated.quarantine.height == 0, validated.quarantine.to_dicts()
    return validated.rows


def test_semicolon_csv_with_bom_crlf_indonesian_dates_and_decimal_comma_reads_like_the_iso_csv(tmp_path):
    indonesian = "\ufeff" + CLAIMS_INDONESIAN_CSV.replace("\n", "\r\n")
    rows = typed_rows(write(tmp_path, "claims_id.csv", indonesian))
    assert_frame_equal(rows, typed_rows(write(tmp_path, "claims_iso.csv", CLAIMS_ISO_CSV)))
    assert rows["amount_idr"].to_list() == [1234567.5, 250000.0, 0.0]
    assert rows["submitted_at"].to_list() == [
        dt.datetime(2026, 11, 16, 9, 0), dt.datetime(2026, 11, 3, 8, 5), dt.datetime(2026, 11, 18, 13, 45),
    ]
    assert rows["docs_complete_at"].to_list() == [dt.datetime(2026, 11, 16, 9, 30, 15), None, None]


@pytest.mark.parametrize(("amount", "expected"), [
    ("1.234.567,50", 1234567.5),
    ("Rp 1.234.567,50", 1234567.5),
    ("250.000", 250000.0),
    ("2500000", 2500000.0),
    ("0,5", 0.5),
    # `2500000.00` beside `250.000` in one file: tests/unit/test_amounts.py (one rule per file).
])
def test_amount_in_a_semicolon_file(tmp_path, amount, expected):
    csv = CLAIMS_INDONESIAN_CSV.replace("1.234.567,50", amount)
    assert typed_rows(write(tmp_path, "claims.csv", csv))["amount_idr"][0] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ya", True), ("Ya", True), ("tidak", False), ("TIDAK", False), ("Y", True), ("n", False),
    ("1", True), ("0", False), ("true", True), ("False", False),
])
def test_boolean_spellings(tmp_path, text, expected):
    csv = ("complaint_id,branch_code,channel,category,received_at,status,reopened\n"
           f"K1,SRG,lapor,jht_claim,2026-11-16 10:00,open,{text}\n")
    assert typed_rows(write(tmp_path, "complaints.csv", csv))["reopened"].to_list() == [expected]


# One small export per source with real types, as a spreadsheet or a data tool writes it.
TYPED_EXPORTS = {
    "queue_tickets": pl.DataFrame({
        "ticket_id": ["T1", "T2", "T3"], "visit_id": ["V1", "V1", "V2"], "branch_code": ["SRG", "SRG", "PDG"],
        "participant_id": ["3601234567890001", "3601234567890001", None],
        "service": ["membership", "data_update", "information"], "priority_group": [None, None, "elderly"],
        "issued_at": [dt.datetime(2026, 11, 16, 8, 0), dt.datetime(2026, 11, 16, 8, 30),
                      dt.datetime(2026, 11, 16, 9, 0)],
        "called_at": [dt.datetime(2026, 11, 16, 8, 12), dt.datetime(2026, 11, 16, 8, 41, 30), None],
        "finished_at": [dt.datetime(2026, 11, 16, 8, 25), dt.datetime(2026, 11, 16, 9, 2), None],
        "counter_id": ["L1", "L3", None], "outcome": ["transferred", "resolved", "no_show"],
        "rating": [None, 4, None],
    }),
    "claims": pl.DataFrame({
        "claim_id": ["C1", "C2"], "branch_code": ["SRG", "PDG"],
        "participant_id": ["3601234567890001", "3601234567890002"], "programme": ["JHT", "JKM"],
        "channel": ["jmo", "employer"], "amount_idr": [1234567.5, 42000000.0],
        "submitted_at": [dt.datetime(2026, 11, 16, 9, 0), dt.datetime(2026, 11, 2, 10, 0)],
        "docs_complete_at": [dt.datetime(2026, 11, 16, 9, 0), dt.datetime(2026, 11, 5, 10, 0)],
        "decided_at": [dt.datetime(2026, 11, 17, 10, 0), None], "paid_at": [dt.datetime(2026, 11, 17, 14, 0), None],
        "status": ["paid", "in_process"], "rejection_reason": [None, None],
    }),
    "complaints": pl.DataFrame({
        "complaint_id": ["K1", "K2"], "branch_code": ["SRG", "SRG"], "participant_id": ["3601234567890001", None],
        "participant_name": ["Siti Aminah", None], "channel": ["mass_media", "call_center"],
        "category": ["staff_absent", "queue"],
        "received_at": [dt.datetime(2026, 11, 16, 10, 0), dt.datetime(2026, 11, 17, 16, 0)],
        "first_response_at": [dt.datetime(2026, 11, 16, 15, 0), None],
        "resolved_at": [dt.datetime(2026, 11, 20, 10, 0), None], "status": ["resolved", "open"],
        "reopened": [True, False],
    }),
    "branches": pl.DataFrame({
        "branch_code": ["SRG", "PDG"], "branch_name": ["KC Serang", "KCP Pandeglang"], "branch_type": ["KC", "KCP"],
        "region_code": ["BTN", "BTN"], "region_name": ["Banten", "Banten"], "city": ["Serang", "Pandeglang"],
        "counters": [4, 2], "opens_at": [dt.time(8, 0), dt.time(7, 30)], "closes_at": [dt.time(15, 0), dt.time(14, 0)],
    }),
}


def _as_csv_text(frame: pl.DataFrame) -> str:
    """The same export as plain text: ISO timestamps, HH:MM times, true/false."""
    return frame.with_columns(
        pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S"), pl.col(pl.Time).dt.strftime("%H:%M"),
    ).write_csv()


@pytest.mark.parametrize("source_name", ["queue_tickets", "claims", "complaints", "branches"])
@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_xlsx_and_parquet_load_to_the_same_rows_as_csv(tmp_path, source_name, suffix):
    # Bug for branches: service hours stored as time cells read as '1899-12-31 08:00:00' (XLSX) and
    # '08:00:00' (Parquet), which parse_time_of_day rejects as bad_time.
    export = TYPED_EXPORTS[source_name]
    path = tmp_path / f"{source_name}{suffix}"
    export.write_excel(path) if suffix == ".xlsx" else export.write_parquet(path)
    expected = typed_rows(write(tmp_path, f"{source_name}.csv", _as_csv_text(export)))
    assert_frame_equal(typed_rows(path), expected)


def test_parquet_whole_number_rating_stored_as_float_loads(tmp_path):
    # Bug: a rating column with gaps is float in most data tools; '4.0' is quarantined as bad_number.
    export = TYPED_EXPORTS["queue_tickets"].with_columns(pl.col("rating").cast(pl.Float64))
    export.write_parquet(tmp_path / "queue_tickets.parquet")
    assert typed_rows(tmp_path / "queue_tickets.parquet")["rating"].to_list() == [None, 4, None]


def _xlsx_bytes(tmp_path: Path) -> bytes:
    TYPED_EXPORTS["claims"].write_excel(tmp_path / "workbook.xlsx")
    return (tmp_path / "workbook.xlsx").read_bytes()


HTML_PAGE = ("<!DOCTYPE html>\n<html><head><title>Laporan Klaim</title></head>\n"
             "<body><table><tr><td>claim_id</td><td>status</td></tr></table></body></html>\n")
REJECTED_FILES = [
    ("unknown-source", "laporan_klaim.csv", lambda _: CLAIMS_ISO_CSV.encode(),
     "unknown source: the name must start with branches, queue_tickets, claims or complaints"),
    ("xls-extension", "claims_2026-W46.xls", lambda _: CLAIMS_ISO_CSV.encode(), "unsupported file type '.xls'"),
    ("txt-extension", "claims_2026-W46.txt", lambda _: CLAIMS_ISO_CSV.encode(), "unsupported file type '.txt'"),
    ("missing-column", "claims_2026-W46.csv",
     lambda _: pl.read_csv(CLAIMS_ISO_CSV.encode(), infer_schema=False).drop("amount_idr").write_csv().encode(),
     "missing required column(s) amount_idr for claims"),
    # Latin-1 alone is read as Windows-1252 (test_encodings.py); mixed with UTF-8 it is refused.
    ("mixed-encoding", "claims_2026-W46.csv",
     lambda _: CLAIMS_ISO_CSV.replace("SRG,3601234567890003", "SRG,Jos\u00e9").encode("latin-1")
     + "C4,SRG,Pe\u00f1a,JP,jmo,0,2026-11-18T13:45,,,,in_process,\n".encode(),
     "not UTF-8 text (line 4"),
    ("empty", "claims_2026-W46.csv", lambda _: b"", "empty file: no header row"),
    ("bom-only", "claims_2026-W46.csv", lambda _: "\ufeff".encode(), "empty file: no header row"),
    ("xlsx-named-csv", "claims_2026-W46.csv", _xlsx_bytes, "not UTF-8 text (line 1"),
    ("html-named-csv", "claims_2026-W46.csv", lambda _: HTML_PAGE.encode(),
     "missing required column(s) claim_id, branch_code"),
    ("truncated-xlsx", "claims_2026-W46.xlsx", lambda tmp: _xlsx_bytes(tmp)[:2000],
     "not a readable XLSX workbook"),
    ("truncated-parquet", "claims_2026-W46.parquet", lambda _: b"PAR1 not really parquet",
     "not a readable Parquet file"),
]


@pytest.mark.parametrize(("file_name", "content", "problem"), [case[1:] for case in REJECTED_FILES],
                         ids=[case[0] for case in REJECTED_FILES])
def test_unreadable_file_is_rejected_naming_the_file_and_the_problem(tmp_path, file_name, content, problem):
    path = write(tmp_path, file_name, content(tmp_path))
    with pytest.raises(FileRejected) as rejected:
        read_raw(path, source_for_file(file_name))
    assert str(rejected.value).startswith(f"{file_name}: {problem}")


def test_failed_file_fails_only_its_own_batch(raw_dir, sqlite_engine):
    write(raw_dir, "queue_tickets_2026-W46.csv", QUEUE_TICKETS_CSV)
    write(raw_dir, "claims_2026-W46.csv", CLAIMS_ISO_CSV)
    write(raw_dir, "claims_2026-W47.csv", CLAIMS_ISO_CSV.replace("C1,SRG", "C9,SRG").encode("utf-16"))
    write(raw_dir, "complaints_2026-W46.csv", COMPLAINTS_CSV)
    write(raw_dir, "queue_tickets_2026-W47.xlsx", b"PK\x03\x04 cut off")
    result = run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    outcome = {b.file_name: (b.status, b.rows_loaded) for b in result.batches}
    assert outcome == {
        "branches.csv": ("loaded", 2), "queue_tickets_2026-W46.csv": ("loaded", 2),
        "claims_2026-W46.csv": ("loaded", 3),
        "claims_2026-W47.csv": ("failed", 0), "complaints_2026-W46.csv": ("loaded", 2),
        "queue_tickets_2026-W47.xlsx": ("failed", 0),
    }
    messages = {b.file_name: b.message for b in result.failed}
    assert messages["claims_2026-W47.csv"].startswith("not UTF-8 text (line 1, byte 0)")
    assert messages["queue_tickets_2026-W47.xlsx"].startswith("not a readable XLSX workbook")
    with sqlite_engine.connect() as conn:
        assert sorted(conn.execute(select(claims.c.claim_id)).scalars()) == ["C1", "C2", "C3"]


def test_failed_file_is_tried_again_on_the_next_run_while_loaded_files_are_skipped(raw_dir, sqlite_engine):
    write(raw_dir, "claims_2026-W46.csv", b"")
    run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    again = run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    assert again.skipped == ["branches.csv"]
    assert [(b.file_name, b.status) for b in again.batches] == [("claims_2026-W46.csv", "failed")]



def test_run_that_loads_claims_but_no_queue_tickets_refreshes_the_marts(raw_dir, sqlite_engine):
    # With no ticket rows SQLite returns untyped columns; the queue KPIs would fail on `dt.truncate`
    # of a Null column unless the read types every column as declared.
    write(raw_dir, "claims_2026-W46.csv", CLAIMS_ISO_CSV)
    result = run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    assert [(b.file_name, b.status) for b in result.batches] == [("branches.csv", "loaded"),
                                                                  ("claims_2026-W46.csv", "loaded")]
    assert result.mart_rows > 0
