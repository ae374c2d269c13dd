"""Text exports as they come out of old and new systems: CR-only line ends, blank lines, Excel's `sep=` line and
Windows-1252 text all read as what they say; nothing changes meaning, and the batch says what reading did."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import select

from etl.contract import SOURCES
from etl.extract import FileRejected, read_raw
from etl.pipeline import run_etl
from etl.schema import complaints, etl_batches, quarantine, queue_tickets
from tests.conftest import TEST_SECRET

HEADER = ("ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at,"
          "counter_id,outcome,rating")
ROW = "{id},V1,SRG,,information,,2026-11-16 08:00:00,2026-11-16 08:05:00,2026-11-16 08:10:00,L1,resolved,{rating}"
COMPLAINT_HEADER = ("complaint_id,branch_code,participant_id,participant_name,channel,category,received_at,"
                    "first_response_at,resolved_at,status,reopened")


def lines(*rows: str, end: str = "\n") -> bytes:
    return end.join(rows).encode() + end.encode()


def load(raw_dir: Path, engine, name: str) -> tuple:
    run_etl(raw_dir, engine, secret=TEST_SECRET)
    with engine.connect() as conn:
        batch = conn.execute(select(etl_batches).where(etl_batches.c.file_name == name)).one()
        ids = sorted(conn.execute(select(queue_tickets.c.ticket_id)).scalars())
        bad = [tuple(r) for r in conn.execute(select(quarantine.c.row_number, quarantine.c.column_name,
                                                     quarantine.c.reason).where(quarantine.c.file_name == name))]
    return batch, ids, bad


def test_cr_only_line_ends_read_as_lines(raw_dir, any_engine):
    (raw_dir / "queue_tickets_mac.csv").write_bytes(
        lines(HEADER, ROW.format(id="M1", rating=5), ROW.format(id="M2", rating=9), end="\r"))
    batch, ids, bad = load(raw_dir, any_engine, "queue_tickets_mac.csv")
    assert (batch.status, batch.rows_read, batch.rows_loaded, batch.rows_quarantined) == ("loaded", 2, 1, 1)
    assert ids == ["M1"] and bad == [(3, "rating", "bad_number")]
    assert "CR only" in batch.message


def test_blank_lines_are_skipped_and_counted_not_quarantined_nor_duplicates(raw_dir, any_engine):
    (raw_dir / "queue_tickets_gaps.csv").write_bytes(lines(
        HEADER, ROW.format(id="B1", rating=5), "", ",,,,,,,,,,,", ROW.format(id="B2", rating=5), "  ",
        ROW.format(id="B3", rating=7), ""))
    batch, ids, bad = load(raw_dir, any_engine, "queue_tickets_gaps.csv")
    assert (batch.rows_read, batch.rows_loaded, batch.rows_quarantined, batch.exact_duplicates) == (3, 2, 1, 0)
    assert ids == ["B1", "B2"]
    assert bad == [(7, "rating", "bad_number")]  # the line a spreadsheet shows it on, blank lines counted
    assert "4 blank line(s) skipped" in batch.message


def test_blank_rows_of_a_workbook_keep_excel_row_numbers(raw_dir, sqlite_engine):
    with xlsxwriter.Workbook(raw_dir / "queue_tickets_sheet.xlsx") as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER.split(","))
        sheet.write_row(1, 0, ROW.format(id="X1", rating=5).split(","))
        sheet.write_row(4, 0, ROW.format(id="X2", rating=8).split(","))  # rows 3 and 4 are empty
    batch, ids, bad = load(raw_dir, sqlite_engine, "queue_tickets_sheet.xlsx")
    assert ids == ["X1"] and bad == [(5, "rating", "bad_number")]
    assert (batch.rows_read, batch.message) == (2, "2 blank line(s) skipped (no value at all): not counted as rows")


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_excel_sep_line_is_skipped_and_its_separator_honoured(tmp_path, separator):
    path = tmp_path / "queue_tickets_sep.csv"
    text = "\n".join([f"sep={separator}", HEADER, ROW.format(id="S1", rating=5)]).replace(",", separator)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    raw = read_raw(path, SOURCES["queue_tickets"])
    assert raw.frame["ticket_id"].to_list() == ["S1"] and raw.frame["_row"].to_list() == [2]
    assert f"'sep={separator}'" in raw.notes[0]


def test_windows_1252_text_is_read_as_such_and_the_batch_says_so(raw_dir, any_engine):
    # Indonesian Excel's "CSV (Comma delimited)": an en dash and a name with é, as Windows-1252 bytes.
    text = f"{COMPLAINT_HEADER}\nK1,SRG,,José – Peña,walk_in,queue,2026-11-16 10:00,,,open,tidak\n"
    (raw_dir / "complaints_windows.csv").write_bytes(text.encode("cp1252"))
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    with any_engine.connect() as conn:
        batch = conn.execute(select(etl_batches).where(etl_batches.c.file_name == "complaints_windows.csv")).one()
        stored = conn.execute(select(complaints.c.complaint_id)).scalars().all()
    assert (batch.status, batch.rows_loaded, stored) == ("loaded", 1, ["K1"])
    assert "read as Windows-1252" in batch.message


def test_a_file_mixing_utf8_and_another_encoding_is_refused_where_never_what(tmp_path):
    path = tmp_path / "complaints_mixed.csv"
    path.write_bytes(f"{COMPLAINT_HEADER}\nK1,SRG,,Agustín,walk_in,queue,2026-11-16 10:00,,,open,tidak\n".encode()
                     + "K2,SRG,,Muñoz,walk_in,queue,2026-11-16 10:00,,,open,tidak\n".encode("cp1252"))
    with pytest.raises(FileRejected) as refused:
        read_raw(path, SOURCES["complaints"])
    message = str(refused.value)
    assert "not UTF-8 text (line 3, byte" in message and "column participant_name" in message
    assert "Mu" not in message and "oz" not in message


def test_a_run_quarantines_what_is_dated_after_the_load_and_loads_a_1999_log(raw_dir, sqlite_engine):
    # About the clock: the load's own moment decides what is in the future.
    soon = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    row = ROW.format(id="F1", rating=5).replace("2026-11-16 08:00:00", soon)
    old = ROW.format(id="O1", rating=5).replace("2026-11-16", "1999-03-01")
    (raw_dir / "queue_tickets_clock.csv").write_bytes(lines(HEADER, row, old))
    batch, ids, bad = load(raw_dir, sqlite_engine, "queue_tickets_clock.csv")
    assert ids == ["O1"] and bad == [(2, "issued_at", "future_timestamp")]


def test_workbook_error_cells_and_date_only_cells_are_refused_not_read_as_empty_or_midnight(raw_dir, any_engine):
    with xlsxwriter.Workbook(raw_dir / "queue_tickets_cells.xlsx") as book:
        sheet = book.add_worksheet()
        date_only, with_time = book.add_format({"num_format": "dd/mm/yyyy"}), book.add_format(
            {"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row(0, 0, HEADER.split(","))
        for r, ticket in enumerate(["E1", "E2", "E3", "E4"], start=1):
            sheet.write_row(r, 0, ROW.format(id=ticket, rating=5).split(","))
        sheet.write_formula(1, 8, "=1/0", None, "#DIV/0!")  # finished_at: optional, would read "never finished"
        sheet.write_formula(2, 10, "=A1+#REF!", None, "#REF!")  # outcome: required
        sheet.write_datetime(3, 6, dt.datetime(2026, 11, 16), date_only)  # issued_at: a date alone
        sheet.write_datetime(4, 6, dt.datetime(2026, 11, 16, 0, 0), with_time)  # midnight, said so: loads
        sheet.write_datetime(4, 7, dt.datetime(2026, 11, 16, 0, 5), with_time)
    batch, ids, bad = load(raw_dir, any_engine, "queue_tickets_cells.xlsx")
    assert ids == ["E4"]
    assert bad == [(2, "finished_at", "spreadsheet_error"), (3, "outcome", "spreadsheet_error"),
                   (4, "issued_at", "bad_timestamp")]
    with any_engine.connect() as conn:
        details = conn.execute(select(quarantine.c.detail).order_by(quarantine.c.row_number)).scalars().all()
    assert details[0].startswith("finished_at = '#DIV/0!': a spreadsheet error cell")
