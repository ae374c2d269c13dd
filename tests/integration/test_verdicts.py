"""Every file gets a verdict: whatever one file makes a reader or a rule raise fails that file's batch, with a
message saying where and what was expected, and the run goes on to the next file and to the KPI refresh.
Only what stops every file (the database) stops the run."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import exc, inspect, select

from etl import pipeline
from etl.contract import SOURCES
from etl.extract import FileRejected, read_raw
from etl.mapping import MappingError
from etl.pipeline import run_etl
from etl.schema import etl_batches, marts_pending, queue_tickets
from etl.validate import validate
from tests.conftest import TEST_SECRET

HEADER = "ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at," \
         "counter_id,outcome,rating"
ROW = "{id},V1,SRG,,information,,2026-11-16 08:00:00,2026-11-16 08:05:00,2026-11-16 08:10:00,L1,resolved,5"
BASE = {"ticket_id": ["P1"], "visit_id": ["V1"], "branch_code": ["SRG"], "service": ["information"],
        "issued_at": ["2026-11-16 08:00:00"], "outcome": ["no_show"]}


def good_csv(folder: Path, name: str, ticket: str) -> None:
    (folder / name).write_text(f"{HEADER}\n{ROW.format(id=ticket)}\n", encoding="utf-8")


def broken_files(folder: Path, prefix: str) -> dict[str, tuple[str, ...]]:
    """One file per way of breaking the read, and what its failed batch must say."""
    (folder / f"{prefix}_case_headers.csv").write_text(f"{HEADER},Outcome\n{ROW.format(id='D1')},x\n", encoding="utf-8")
    (folder / f"{prefix}_exact_repeat.csv").write_text(f"{HEADER},outcome\n{ROW.format(id='D2')},x\n", encoding="utf-8")
    pl.DataFrame({**BASE, "counter_id": [["L1"]]}).write_parquet(folder / f"{prefix}_list_column.parquet")
    pl.DataFrame({**BASE, "called_at": [dt.timedelta(minutes=5)]}).write_parquet(folder / f"{prefix}_duration.parquet")
    return {
        f"{prefix}_case_headers.csv": ("line 1 (the header)", "columns 11 and 13", "outcome",
                                       "each contract column may appear only once"),
        f"{prefix}_exact_repeat.csv": ("line 1 (the header)", "columns 11 and 13", "outcome"),
        f"{prefix}_list_column.parquet": ("column counter_id (column 7)", "lists of values", "one value per row"),
        f"{prefix}_duration.parquet": ("column called_at (column 7)", "durations"),
    }


def batches(engine) -> dict[str, tuple[str, str | None]]:
    with engine.connect() as conn:
        return {r.file_name: (r.status, r.message) for r in conn.execute(select(etl_batches))}


@pytest.mark.parametrize("broken_first", [True, False], ids=["broken-first", "broken-last"])
def test_a_folder_of_good_and_broken_files_loads_every_good_file_whatever_the_order(raw_dir, any_engine,
                                                                                     broken_first):
    # queue_tickets_a… sorts before queue_tickets_m…, which sorts before queue_tickets_z….
    expected = broken_files(raw_dir, "queue_tickets_a" if broken_first else "queue_tickets_z")
    good_csv(raw_dir, "queue_tickets_m1.csv", "G1")
    pl.DataFrame({**BASE, "ticket_id": ["G2"], "extra_list": [[1, 2]], "extra_struct": [{"a": 1}],
                  "extra_binary": [b"\x00\xff"], "extra_duration": [dt.timedelta(minutes=1)]}
                 ).write_parquet(raw_dir / "queue_tickets_m2.parquet")
    result = run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    stored = batches(any_engine)
    for name, says in expected.items():
        status, message = stored[name]
        assert status == "failed", name
        assert [s for s in says if s not in message] == [], (name, message)
    assert stored["queue_tickets_m1.csv"][0] == stored["queue_tickets_m2.parquet"][0] == "loaded"
    with any_engine.connect() as conn:
        ids = sorted(conn.execute(select(queue_tickets.c.ticket_id)).scalars())
        assert conn.execute(select(marts_pending)).first() is None  # the KPI refresh ran to the end
    assert ids == ["G1", "G2"]
    assert result.mart_rows > 0
    # The next run tries the failed files again, fails them again, and goes on just the same.
    again = run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    assert sorted(b.file_name for b in again.failed) == sorted(expected)


def test_a_mapping_sending_two_headers_to_one_column_is_refused_before_any_file_is_read(raw_dir, tmp_path,
                                                                                         sqlite_engine):
    """Which of two export columns holds the outcome would be a guess: the mapping file is refused, with the key,
    before any data is read or written (etl/mapping.py checks every mapping first)."""
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "antrean.toml").write_text(
        'source = "queue_tickets"\nfile_patterns = ["antrean*"]\n'
        '[columns]\n"Hasil" = "outcome"\n"Hasil Akhir" = "outcome"\n', encoding="utf-8")
    (raw_dir / "antrean_1.csv").write_text(f"{HEADER.replace('outcome', 'Hasil')},Hasil Akhir\n"
                                           f"{ROW.format(id='M1')},resolved\n", encoding="utf-8")
    good_csv(raw_dir, "queue_tickets_2.csv", "G1")
    with pytest.raises(MappingError, match="antrean.toml: columns.'Hasil Akhir': outcome is already fed by 'Hasil'"):
        run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET, mappings_dir=mappings)
    assert not inspect(sqlite_engine).has_table("etl_batches") or batches(sqlite_engine) == {}


def test_parquet_numbers_too_large_for_an_integer_are_a_bad_row_not_a_bad_file(tmp_path):
    path = tmp_path / "queue_tickets_big.parquet"
    pl.DataFrame({**BASE, "rating": [1e300]}).write_parquet(path)
    checked = validate(read_raw(path, SOURCES["queue_tickets"]), {"SRG"}, clock_skew_tolerance_seconds=120)
    assert checked.quarantine.select("column_name", "reason").rows() == [("rating", "bad_number")]


@pytest.mark.parametrize("stage", ["read_raw", "validate", "load_batch"])
def test_an_unforeseen_error_in_any_stage_fails_that_file_and_the_run_goes_on(raw_dir, sqlite_engine, monkeypatch,
                                                                              stage):
    good_csv(raw_dir, "queue_tickets_1.csv", "A1")
    good_csv(raw_dir, "queue_tickets_2.csv", "B1")
    real = getattr(pipeline, stage)

    def failing(*args, **kwargs):
        if any(getattr(a, "name", "") == "queue_tickets_1.csv" or getattr(getattr(a, "path", None), "name", "")
               == "queue_tickets_1.csv" for a in args):
            raise KeyError("3601234567890001")  # its text could hold a value: never shown
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, stage, failing)
    result = run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    status, message = batches(sqlite_engine)["queue_tickets_1.csv"]
    assert status == "failed"
    doing = {"read_raw": "reading the file", "validate": "checking its rows", "load_batch": "storing its rows"}[stage]
    assert f"unexpected error (KeyError) while {doing}" in message and "3601234567890001" not in message
    assert batches(sqlite_engine)["queue_tickets_2.csv"][0] == "loaded"
    assert result.mart_rows > 0


def test_a_database_error_stops_the_run(raw_dir, sqlite_engine, monkeypatch):
    good_csv(raw_dir, "queue_tickets_1.csv", "A1")

    def unreachable(*_args, **_kwargs):
        raise exc.OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(pipeline, "load_batch", unreachable)
    with pytest.raises(exc.OperationalError):
        run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)


def test_a_repeated_header_the_contract_does_not_know_is_dropped_like_any_extra_column(tmp_path):
    path = tmp_path / "queue_tickets_notes.csv"
    path.write_text(f"{HEADER},Notes,notes\n{ROW.format(id='N1')},a,b\n", encoding="utf-8")
    assert read_raw(path, SOURCES["queue_tickets"]).frame["ticket_id"].to_list() == ["N1"]
    path.write_text(f"{HEADER},Ticket_ID\n{ROW.format(id='N1')},N2\n", encoding="utf-8")
    with pytest.raises(FileRejected, match="columns 1 and 13 are the same column, ticket_id"):
        read_raw(path, SOURCES["queue_tickets"])


def test_a_header_repeated_in_a_workbook_is_refused_too(tmp_path):
    import xlsxwriter

    path = tmp_path / "queue_tickets_twice.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, [*HEADER.split(","), "outcome"])
        sheet.write_row(1, 0, [*ROW.format(id="W1").split(","), "no_show"])
    with pytest.raises(FileRejected, match="columns 11 and 13 are the same column, outcome"):
        read_raw(path, SOURCES["queue_tickets"])
