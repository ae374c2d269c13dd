"""The meeting pack: the workbook's sheets and numbers, formula-like text kept inert, the PDF, and the CLI.

Runs against a copy of the demo database (the follow-ups written here must not land in the original),
with two follow-ups added through etl.follow_ups: one with a KPI, one whose texts start like formulas.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from etl import follow_ups, migrate, schema
from etl.catalogue import KPI_BY_ID, KPIS
from etl.db import make_engine, read_frame
from etl.kpis.periods import parse_period, period_code
from etl.settings import database_url
from present import formats, words
from report import content, xlsx
from report.__main__ import main
from report.pdf import find_chromium
from service import reference
from service.reader import Reader

# Due dates and load times: run again under a moved clock (`make test-dates`).
pytestmark = pytest.mark.dates

SHEETS_ID = ["Ringkasan", "Klasemen", "Matriks KPI", "Apa yang berubah", "Tindak lanjut"]
SHEETS_EN = ["Summary", "League table", "KPI matrix", "What changed", "Follow-ups"]
HEADER_ROWS = {"Klasemen": 3, "Matriks KPI": 4, "Tindak lanjut": 3}  # 0-based row of each table's header
FORMULA_LIKE = {"topic": '=HYPERLINK("http://evil.example","klik")', "agreed": "+cmd|' /C calc'!A0",
                "owner": "@SUM(A1)", "notes": "-2+3"}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture(scope="module")
def pack_db(demo_db_url, tmp_path_factory):
    """A copy of the demo database with two follow-ups, as DATABASE_URL; yields (region, last complete week)."""
    if not demo_db_url.startswith("sqlite:///"):
        pytest.skip(f"the pack tests copy a SQLite demo database; {demo_db_url} is not one")
    copy = tmp_path_factory.mktemp("pack") / "pantau.db"
    with sqlite3.connect(demo_db_url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # a byte copy would miss what still sits in the WAL file
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    r = Reader.for_process(engine, "tests")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        region = reference.branches(r)["region_code"][0]
        period = reference.default_period(r, "week")
        branches = reference.region_branches(r, region)["branch_code"].to_list()
        raised = period - dt.timedelta(weeks=3)
        common = {"granularity": "week", "raised_period": raised, "due_date": period, "created_by": "Kakanwil"}
        follow_ups.create(engine, branch_code=branches[0], kpi="wait_within_sop", topic="Antrean pagi",
                          agreed="Buka loket tambahan 08.00–10.00", owner="Kepala cabang", **common)
        follow_ups.create(engine, branch_code=branches[1], **FORMULA_LIKE, **common)
        yield region, period
    engine.dispose()


@pytest.fixture(scope="module")
def r(pack_db) -> Reader:
    """A Reader on the pack database (DATABASE_URL while this module runs), for a process that sees every region."""
    engine = make_engine(database_url())
    yield Reader.for_process(engine, "tests")
    engine.dispose()


@pytest.fixture(scope="module")
def pack(r, pack_db) -> content.Pack:
    region, period = pack_db
    return content.collect(r, "week", region, period, "id")


@pytest.fixture(scope="module")
def workbook(pack, tmp_path_factory) -> Path:
    return xlsx.write_xlsx(pack, tmp_path_factory.mktemp("xlsx") / "pack.xlsx")


@pytest.fixture(scope="module")
def cli_files(pack_db, tmp_path_factory) -> dict[str, Path]:
    """`python -m report --period <last week> --out DIR`, run once; skipped without Chromium."""
    if find_chromium() is None:
        pytest.skip("no Chromium (BROWSER_PATH or `chromium` on PATH) to print the PDF with; never downloaded")
    region, period = pack_db
    out = tmp_path_factory.mktemp("cli")
    assert main(["--period", period_code(period, "week"), "--out", str(out)]) == 0
    return {path.suffix: path for path in out.iterdir()}


def sheet(path: Path, name: str) -> pl.DataFrame:
    return pl.read_excel(path, sheet_name=name, read_options={"header_row": HEADER_ROWS[name]})


# --- periods ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2026-W46", ("week", dt.date(2026, 11, 9))),
    ("2026-w01", ("week", dt.date(2025, 12, 29))),  # ISO week 1 can start in the year before
    ("2026-11", ("month", dt.date(2026, 11, 1))),
])
def test_periods_parse_to_their_first_day(text, expected):
    assert parse_period(text) == expected
    assert period_code(expected[1], expected[0]) == text.upper()


@pytest.mark.parametrize("text", ["2026-46", "2026-W54", "2026-13", "W46", "2026-11-09", ""])
def test_a_malformed_period_is_refused_with_the_forms_that_work(text):
    with pytest.raises(ValueError, match="2026-W46"):
        parse_period(text)


# --- the workbook -----------------------------------------------------------------------------------------------------

def test_the_workbook_has_its_five_sheets_and_every_branch_in_the_league(r, workbook, pack_db):
    region, _ = pack_db
    assert list(pl.read_excel(workbook, sheet_id=0, raise_if_empty=False)) == SHEETS_ID
    league = sheet(workbook, "Klasemen")
    assert sorted(league["Kode"]) == sorted(reference.region_branches(r, region)["branch_code"])
    assert league["Peringkat"].min() == 1
    assert league["Indeks kepatuhan SOP"].dtype == pl.Float64  # a number, not text


def test_the_summary_names_the_filters_and_the_data_cutoff(workbook, pack):
    cells = pl.read_excel(workbook, sheet_name="Ringkasan", has_header=False, raise_if_empty=False)
    text = " ".join(str(v) for column in cells.iter_columns() for v in column if v is not None)
    for expected in (pack.region_name, pack.period_text, formats.date_long(pack.up_to, "id"), "Semua cabang"):
        assert expected in text


def test_matrix_values_are_the_marts_values(r, workbook, pack_db):
    region, period = pack_db
    matrix = sheet(workbook, "Matriks KPI")
    branch = reference.region_branches(r, region)["branch_code"][0]
    mart = schema.kpi_weekly
    with make_engine(database_url()).connect() as conn:
        expected = read_frame(conn, select(mart.c.kpi, mart.c.value).where(  # the day signals are not in the matrix
            mart.c.code == branch, mart.c.period_start == period, mart.c.kpi.in_([k.id for k in KPIS])))
    row = matrix.filter(pl.col("Kode") == branch).row(0, named=True)
    assert expected.height == len(KPIS)
    for kpi, value in expected.iter_rows():
        shown = row[words.kpi_label(kpi, "id")]
        assert shown == pytest.approx(value, rel=1e-12, abs=1e-12) if value is not None else shown is None, kpi


def test_matrix_fill_rules_judge_each_cell_as_the_marts_did(workbook, pack):
    """The green/red rules compare a cell with the target row above the table; that must give meets_target."""
    targets = pl.read_excel(workbook, sheet_name="Matriks KPI", has_header=False, raise_if_empty=False,
                            read_options={"skip_rows": 3, "n_rows": 1}).row(0)[2:]
    matrix = sheet(workbook, "Matriks KPI")
    kpis = [k.id for k in KPIS]
    assert list(matrix.columns[2:]) == [words.kpi_label(k, "id") for k in kpis]
    judged = {(r["code"], r["kpi"]): r["meets_target"] for r in pack.matrix.iter_rows(named=True)}
    for kpi, target in zip(kpis, targets):
        if kpi == "sop_compliance_index":
            continue  # judged by zone thresholds instead
        for code, value in matrix.select("Kode", words.kpi_label(kpi, "id")).iter_rows():
            if value is None:
                continue
            rule = value >= target if KPI_BY_ID[kpi].higher_is_better else value <= target
            assert rule == judged[(code, kpi)], (code, kpi)
    with zipfile.ZipFile(workbook) as archive:
        rules = archive.read("xl/worksheets/sheet3.xml").decode()
    assert rules.count("<conditionalFormatting") >= len(kpis)


def test_formula_like_text_stays_inert_text(workbook):
    items = sheet(workbook, "Tindak lanjut")
    assert items.height == 2
    planted = items.filter(pl.col("Topik") == FORMULA_LIKE["topic"]).row(0, named=True)
    assert (planted[words.t("agreed", "id")], planted["Penanggung jawab"], planted["Catatan"]) == (
        FORMULA_LIKE["agreed"], FORMULA_LIKE["owner"], FORMULA_LIKE["notes"])
    with zipfile.ZipFile(workbook) as archive:
        sheets = {name: archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/sheet")}
        strings = [node.text or "" for node in ET.fromstring(archive.read("xl/sharedStrings.xml")).iter(
            f"{{{NS['m']}}}t")]
        formats = ET.fromstring(archive.read("xl/styles.xml")).find("m:cellXfs", NS)
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets.values()), "no cell may hold a formula"
    cells = ET.fromstring(sheets["xl/worksheets/sheet5.xml"]).iter(f"{{{NS['m']}}}c")
    styles = {strings[int(c.find("m:v", NS).text)]: int(c.get("s", 0)) for c in cells if c.get("t") == "s"}
    for text in FORMULA_LIKE.values():
        assert formats[styles[text]].get("quotePrefix") == "1", text  # what a typed apostrophe gives in Excel


def test_follow_ups_carry_their_recovery_and_due_state(r, pack_db, workbook):
    """The weeks since the raised week, those the branch met its wait target in and the latest value, as kpi_weekly
    holds them; and the due state seen from the period's meeting week (tests/unit/test_due_states.py has them all):
    due on the period's Monday, the item is overdue by the meeting, whatever day the pack is made."""
    region, period = pack_db
    branch = reference.region_branches(r, region)["branch_code"][0]
    raised = period - dt.timedelta(weeks=3)  # as pack_db creates "Antrean pagi", due on `period`
    item = sheet(workbook, "Tindak lanjut").filter(pl.col("Topik") == "Antrean pagi").row(0, named=True)
    mart = schema.kpi_weekly
    with make_engine(database_url()).connect() as conn:
        since = conn.execute(select(mart.c.value, mart.c.meets_target).where(
            mart.c.level == "branch", mart.c.code == branch, mart.c.kpi == "wait_within_sop",
            mart.c.period_start > raised).order_by(mart.c.period_start)).all()
    assert len(since) == 3  # the demo has every week up to the period
    assert item["Kode"] == branch
    assert (item["Minggu sejak"], item["Minggu memenuhi target"]) == (len(since), sum(met for _, met in since))
    assert item["Nilai terakhir"] == pytest.approx(since[-1].value, rel=1e-12)
    assert item["Status jatuh tempo"] == "✗ Lewat jatuh tempo"


def test_the_pack_lists_an_open_follow_up_that_is_not_yet_due(r, pack_db, tmp_path):
    """Every open promise is on the meeting's table, not only those due: one due in a month reads "Terjadwal"."""
    region, period = pack_db
    copy = tmp_path / "later.db"
    with sqlite3.connect(database_url().removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    engine = make_engine(f"sqlite:///{copy}")
    branch = reference.region_branches(r, region)["branch_code"][2]
    follow_ups.create(engine, branch_code=branch, kpi="csat", topic="Kepuasan", agreed="Pelatihan petugas",
                      owner="Kepala cabang", granularity="week", raised_period=period,
                      due_date=period + dt.timedelta(days=30), created_by="Kakanwil")
    pack = content.collect(Reader.for_process(engine, "tests"), "week", region, period, "id")
    path = xlsx.write_xlsx(pack, tmp_path / "pack.xlsx")
    later = sheet(path, "Tindak lanjut").filter(pl.col("Topik") == "Kepuasan").row(0, named=True)
    assert later["Status jatuh tempo"] == "– Terjadwal" and later["Kode"] == branch
    engine.dispose()


def test_an_english_pack_names_its_sheets_and_headers_in_english(r, pack_db, tmp_path):
    region, period = pack_db
    path = tmp_path / "en.xlsx"
    path.write_bytes(xlsx.xlsx_bytes(content.collect(r, "week", region, period, "en")))
    assert list(pl.read_excel(path, sheet_id=0, raise_if_empty=False)) == SHEETS_EN
    assert pl.read_excel(path, sheet_name="League table", read_options={"header_row": 3}).columns[:3] == [
        "Rank", "Code", "Branch"]


# --- the PDF and the command line -------------------------------------------------------------------------------------

def test_the_cli_writes_both_files_named_by_region_and_period(cli_files, pack_db):
    region, period = pack_db
    stem = f"pantau_{region}_{period_code(period, 'week')}"
    assert sorted(path.name for path in cli_files.values()) == [f"{stem}.pdf", f"{stem}.xlsx"]


def test_the_pdf_is_a_pdf_of_several_pages(cli_files):
    document = cli_files[".pdf"].read_bytes()
    assert document.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", document)) >= 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing (Debian package poppler-utils)")
def test_the_pdf_names_the_period_and_the_data_cutoff(cli_files, pack):
    text = subprocess.run(["pdftotext", str(cli_files[".pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert pack.period_text in text
    assert f"Data sampai {formats.date_long(pack.up_to, 'id')}" in " ".join(text.split())
    assert "=HYPERLINK(" in text  # shown as written, not interpreted


def test_a_period_the_database_lacks_exits_2_naming_it_and_the_newest(r, pack_db, tmp_path, capsys):
    _, period = pack_db
    assert main(["--period", "2031-W05", "--out", str(tmp_path)]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "2031-W05" in said and period_code(content.available_periods(r, "week")[0], "week") in said
    assert not any(tmp_path.iterdir())


def test_a_malformed_period_exits_2(pack_db, tmp_path, capsys):
    assert main(["--period", "2026-W99", "--out", str(tmp_path)]) == 2
    assert "2026-W99" in capsys.readouterr().err


def test_without_chromium_the_workbook_is_still_written_and_the_run_fails(pack_db, tmp_path, monkeypatch, capsys):
    _, period = pack_db
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    assert main(["--period", period_code(period, "week"), "--out", str(tmp_path)]) == 1
    assert [path.suffix for path in tmp_path.iterdir()] == [".xlsx"]
    assert "BROWSER_PATH" in capsys.readouterr().err
