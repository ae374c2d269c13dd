"""Foreign exports load through a mapping file alone: `python -m etl run` with a branches.csv, nothing edited.

The exports and their `expected.csv` (every line's fate, written before any run) are made by
tests/foreign/make_foreign.py; the mapping files next to them are the worked examples of data/README.md.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import inspect, select

from etl.__main__ import main
from etl.db import read_frame
from etl.schema import complaints, etl_batches, quarantine
from tests.conftest import TEST_SECRET

FOREIGN = Path(__file__).parent.parent / "foreign"
STORED = ["complaint_id", "branch_code", "channel", "category", "received_at", "first_response_at", "resolved_at",
          "status", "reopened"]


def _cli_run(monkeypatch, engine, raw: Path, mappings: Path, by_environment: bool) -> int:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PANTAU_SECRET", TEST_SECRET.decode())
    if by_environment:
        monkeypatch.setenv("PANTAU_MAPPINGS", str(mappings))
        return main(["run", "--raw", str(raw)])
    monkeypatch.delenv("PANTAU_MAPPINGS", raising=False)
    return main(["run", "--raw", str(raw), "--mappings", str(mappings)])


@pytest.mark.parametrize(("example", "export", "counts", "by_environment"), [
    # rows read, loaded, quarantined, exact duplicates
    ("consumer_complaints", "consumer_complaints_2014-11.csv", (37, 29, 8, 0), False),
    ("city_311", "service_requests_2018-04.csv", (44, 36, 7, 1), True),
])
def test_foreign_export_loads_every_line_or_quarantines_it_with_its_reason(
        any_engine, tmp_path, monkeypatch, example, export, counts, by_environment):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("branches.csv", export):
        shutil.copy(FOREIGN / example / name, raw / name)
    expected = pl.read_csv(FOREIGN / example / "expected.csv", infer_schema=False)

    assert _cli_run(monkeypatch, any_engine, raw, FOREIGN / example / "mappings", by_environment) == 0

    with any_engine.connect() as conn:
        batch = conn.execute(select(etl_batches).where(etl_batches.c.file_name == export)).mappings().one()
        stored = read_frame(conn, select(*[complaints.c[c] for c in STORED]).order_by(complaints.c.complaint_id))
        held = read_frame(conn, select(quarantine.c.row_number, quarantine.c.column_name, quarantine.c.reason)
                          .where(quarantine.c.file_name == export).order_by(quarantine.c.row_number))
    assert (batch["status"], batch["rows_read"], batch["rows_loaded"], batch["rows_quarantined"],
            batch["exact_duplicates"]) == ("loaded", *counts)
    loaded = expected.filter(pl.col("verdict") == "loaded").sort("complaint_id")
    assert stored.with_columns(
        pl.col("received_at", "first_response_at", "resolved_at").dt.strftime("%Y-%m-%d %H:%M:%S"),
        pl.col("reopened").cast(pl.String),
    ).rows() == loaded.select(pl.col(STORED).replace("", None)).rows()
    reasons = expected.filter(~pl.col("verdict").is_in(["loaded", "exact_duplicate"]))
    assert held.rows() == [(int(line), column, reason) for line, column, reason
                           in reasons.select("line", "column", "verdict").rows()]
    assert counts == (expected.height, loaded.height, reasons.height,
                      expected.filter(pl.col("verdict") == "exact_duplicate").height)


def test_a_wrong_mapping_stops_the_run_before_any_file_is_read(any_engine, tmp_path, monkeypatch, capsys):
    mappings = tmp_path / "mappings"
    shutil.copytree(FOREIGN / "city_311" / "mappings", mappings)
    broken = (mappings / "city_311.toml").read_text(encoding="utf-8").replace("[constants]", "[constant]")
    (mappings / "city_311.toml").write_text(broken.replace('"PHONE" = "call_center"', '"PHONE" = "phone"'),
                                            encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FOREIGN / "city_311" / "branches.csv", raw / "branches.csv")

    assert _cli_run(monkeypatch, any_engine, raw, mappings, by_environment=False) == 2

    said = " ".join(capsys.readouterr().err.split())
    assert "city_311.toml: constant: not a mapping key" in said
    assert "city_311.toml: values.channel: 'phone' is not a code of channel" in said
    assert not inspect(any_engine).has_table("etl_batches")  # not even the database was touched
