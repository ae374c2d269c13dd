"""Personal data: no raw NIK, KPJ number or name reaches any table, quarantine included; the key is guarded.

The demo files carry NIKs and KPJ numbers in participant_id and names in participant_name, broken
rows among them. After loading, every text value of every table is compared with every one of them.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from etl import pseudonymise
from etl.generate import generate
from etl.pipeline import os_user, run_etl
from etl.pseudonymise import KeyProblem, fingerprint
from etl.schema import complaints, etl_batches, etl_settings, quarantine
from tests.conftest import TEST_SECRET, drop_everything
from tests.integration.test_pipeline import table_frames

ROOT = Path(__file__).resolve().parents[2]
PERSONAL_COLUMNS = ("participant_id", "participant_name")
NIK_SHAPED = re.compile(r"\b\d{16}\b")


@pytest.fixture(scope="module")
def demo_weeks(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("personal") / "raw"
    generate(folder, weeks=2, end=dt.date(2026, 11, 15))
    return folder


def raw_personal_values(folder: Path) -> set[str]:
    values: set[str] = set()
    for path in folder.glob("*.csv"):
        frame = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True, encoding="utf8-lossy")
        for column in PERSONAL_COLUMNS:
            if column in frame.columns:
                values |= {v.strip() for v in frame[column].drop_nulls() if v.strip()}
    return values


def stored_texts(frame: pl.DataFrame) -> set[str]:
    """Every text value, and every value inside a quarantined row's JSON and its detail, word by word."""
    texts: set[str] = set()
    for column in frame.select(pl.col(pl.String)).columns:
        for value in frame[column].drop_nulls().unique():
            texts.add(value)
            texts.update(value.split())
            if column == "raw_values":
                texts.update(str(v) for v in json.loads(value).values() if v is not None)
    return texts


def test_no_nik_kpj_or_name_survives_into_any_table(any_engine, demo_weeks):
    drop_everything(any_engine)
    result = run_etl(demo_weeks, any_engine, secret=TEST_SECRET)
    assert sum(b.rows_quarantined for b in result.batches) > 0, "the demo must include broken rows"
    personal = raw_personal_values(demo_weeks)
    assert len(personal) > 1_000 and any(NIK_SHAPED.fullmatch(v) for v in personal)
    names = {v for v in personal if " " in v}
    assert names, "the demo complaints carry participant names"
    for table, frame in table_frames(any_engine).items():
        leaked = stored_texts(frame) & personal
        assert not leaked, f"{table} holds raw personal data, e.g. {sorted(leaked)[:3]}"
        assert not NIK_SHAPED.search(frame.select(pl.col(pl.String)).write_csv()), f"{table} holds a 16-digit number"


def test_a_database_keeps_only_a_fingerprint_of_the_key(sqlite_engine, raw_dir):
    run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(etl_settings.c.value)).scalars().all()
    assert stored == [fingerprint(TEST_SECRET)] and TEST_SECRET.decode() not in stored[0]


def test_another_key_is_refused_before_anything_loads(sqlite_engine, raw_dir, demo_weeks):
    run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)
    with pytest.raises(KeyProblem, match=r"wrong pseudonym key.*README"):
        run_etl(demo_weeks, sqlite_engine, secret=b"another-key-of-enough-length")
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(etl_batches)).scalar() == 1  # branches.csv only


def test_a_missing_key_is_refused_once_the_database_has_one(sqlite_engine, raw_dir, tmp_path, monkeypatch):
    monkeypatch.delenv(pseudonymise.SECRET_ENV, raising=False)
    monkeypatch.setattr(pseudonymise, "SECRET_FILE", tmp_path / "first.secret")
    run_etl(raw_dir, sqlite_engine)  # a first run creates the key file
    assert (tmp_path / "first.secret").exists()
    monkeypatch.setattr(pseudonymise, "SECRET_FILE", tmp_path / "lost.secret")
    with pytest.raises(KeyProblem, match="no pseudonym key"):
        run_etl(raw_dir, sqlite_engine, recompute=True)
    assert not (tmp_path / "lost.secret").exists(), "no new key may be made up for a database that has one"


def test_a_short_key_is_refused(sqlite_engine, raw_dir, monkeypatch):
    monkeypatch.setenv(pseudonymise.SECRET_ENV, "short")
    with pytest.raises(KeyProblem, match="too short"):
        run_etl(raw_dir, sqlite_engine)


# --- files made to leak: rejected files' messages, the CLI's output and every table ------------------------------

NIKS = ("3174051208850007", "3603124509920002", "3201016607880004", "3671010101900005", "3273014402950006")
XLSX_NIK = "9401011234560003"  # above 2**53: a float cannot hold it, so a number cell reads as ...004
NAMES = ("Wulandari Kusumawardhani", "Agustín Muñoz", "Dédé Sürya Ñoto")
COMPLAINT_HEADER = ("complaint_id,branch_code,participant_id,participant_name,channel,category,received_at,"
                    "first_response_at,resolved_at,status,reopened")


def complaint(complaint_id: str, nik: str, name: str, channel: str = "walk_in") -> str:
    return f"{complaint_id},SRG,{nik},{name},{channel},queue,2026-11-16 10:00,,,open,tidak\n"


def write_leaky_files(folder: Path) -> None:
    """Files whose every way of failing once quoted a NIK or a name (a message, a reader's error, a cell)."""
    (folder / "complaints_no_header.csv").write_text(
        complaint("L1", NIKS[0], NAMES[0]) + complaint("L2", NIKS[1], NAMES[0]), encoding="utf-8")
    (folder / "complaints_windows.csv").write_bytes(
        (COMPLAINT_HEADER + "\n" + complaint("L3", NIKS[1], NAMES[1])).encode("cp1252"))
    (folder / "complaints_no_header_windows.csv").write_bytes(complaint("L4", NIKS[2], NAMES[2]).encode("cp1252"))
    (folder / "complaints_mixed.csv").write_bytes(
        (COMPLAINT_HEADER + "\n" + complaint("L5", NIKS[3], NAMES[1])).encode() + complaint("L6", NIKS[3], NAMES[2])
        .encode("cp1252"))
    (folder / "complaints_ragged.csv").write_text(
        COMPLAINT_HEADER + "\n" + complaint("L7", NIKS[4], f"{NAMES[0]},{NIKS[4]}"), encoding="utf-8")
    (folder / "complaints_open_quote.csv").write_text(
        COMPLAINT_HEADER + "\n" + complaint("L8", NIKS[0], f'"{NAMES[0]}" {NIKS[0]}'), encoding="utf-8")
    # A broken row (an unknown channel) keeps its raw values in quarantine: the NIK only as its pseudonym.
    (folder / "complaints_bad_row.csv").write_text(
        COMPLAINT_HEADER + "\n" + complaint("L9", NIKS[2], NAMES[1], channel="loket"), encoding="utf-8")
    write_workbook(folder / "complaints_nik_number.xlsx", COMPLAINT_HEADER.split(","),
                   [["L10", "SRG", float(XLSX_NIK), NAMES[0], "walk_in", "queue", "2026-11-16 10:00", "", "", "open",
                     "tidak"]])
    write_workbook(folder / "complaints_no_header.xlsx", None,
                   [["L11", "SRG", NIKS[3], NAMES[1], "walk_in", "queue", "2026-11-16 10:00", "", "", "open", "tidak"]])


def write_workbook(path: Path, header: list[str] | None, rows: list[list]) -> None:
    """A workbook as Excel keeps it: text cells as text, number cells as numbers."""
    import xlsxwriter

    with xlsxwriter.Workbook(path) as workbook:
        sheet = workbook.add_worksheet()
        for r, values in enumerate(([header] if header else []) + rows):
            for c, value in enumerate(values):
                (sheet.write_number if isinstance(value, float) else sheet.write_string)(r, c, value)


def test_files_made_to_leak_leave_no_nik_or_name_in_any_table_message_or_cli_output(any_engine, raw_dir, tmp_path):
    drop_everything(any_engine)
    write_leaky_files(raw_dir)
    url = any_engine.url.render_as_string(hide_password=False)
    # Wide enough that the console never breaks a message (and a NIK with it) across lines.
    env = {**os.environ, "DATABASE_URL": url, pseudonymise.SECRET_ENV: TEST_SECRET.decode(), "COLUMNS": "5000",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "etl", "run", "--raw", str(raw_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "GAGAL complaints_no_header.csv" in output, output[-3000:]

    secrets = [*NIKS, XLSX_NIK, str(int(float(XLSX_NIK))), *NAMES, *(w for n in NAMES for w in n.split())]
    with any_engine.connect() as conn:
        batches = {r.file_name: r for r in conn.execute(select(etl_batches))}
    assert {n for n, b in batches.items() if b.status == "failed"} == {
        # complaints_windows.csv loads, read as Windows-1252 (its name is dropped like any other).
        "complaints_no_header.csv", "complaints_no_header_windows.csv",
        "complaints_mixed.csv", "complaints_ragged.csv", "complaints_open_quote.csv", "complaints_no_header.xlsx"
    }, output[-3000:]
    assert {b.loaded_by for b in batches.values()} == {f"cli:{os_user()}"}  # the administrator's unscoped path
    texts = {"cli output": output, **{f"table {name}": frame.select(pl.col(pl.String)).write_csv()
                                      for name, frame in table_frames(any_engine).items()}}
    for where, text in texts.items():
        flat = " ".join(text.split())
        leaked = [s for s in secrets if s in flat or s in "".join(text.split())]
        assert leaked == [], f"{where} holds {leaked}"
    # The messages still say where and what to do.
    messages = {n: b.message for n, b in batches.items() if b.message}
    assert "no header row" in messages["complaints_no_header.csv"]
    assert "no header row" in messages["complaints_no_header_windows.csv"]  # read as Windows-1252 first
    assert "read as Windows-1252" in messages["complaints_windows.csv"]
    assert "CATATAN complaints_windows.csv: read as Windows-1252" in " ".join(output.split())
    assert "not UTF-8 text (line 3, byte" in messages["complaints_mixed.csv"]
    assert "column participant_name holds text in another encoding" in messages["complaints_mixed.csv"]
    assert "line 2 has 12 values where the header has 11 columns" in messages["complaints_ragged.csv"]
    assert "line 2 cannot be split into values" in messages["complaints_open_quote.csv"]
    with any_engine.connect() as conn:
        reasons = dict(conn.execute(select(quarantine.c.file_name, quarantine.c.reason)).all())
    assert reasons["complaints_nik_number.xlsx"] == "numeric_identifier"
    assert reasons["complaints_bad_row.csv"] == "bad_code"


def test_a_nik_stored_as_a_number_is_quarantined_instead_of_hashed_as_another_nik(any_engine, raw_dir):
    """A float keeps 15 significant digits: 9401011234560003 as a number cell reads as 9401011234560004."""
    drop_everything(any_engine)
    row = ["SRG", None, "", "walk_in", "queue", "2026-11-16 10:00", "", "", "open", "tidak"]
    cells = {"N1": float(XLSX_NIK), "N2": XLSX_NIK, "N3": 12345678901.0}  # a number, the same NIK as text, a KPJ
    write_workbook(raw_dir / "complaints_numbers.xlsx", COMPLAINT_HEADER.split(","),
                   [[cid, row[0], value, *row[2:]] for cid, value in cells.items()])
    pl.DataFrame({"complaint_id": ["P1", "P2", "P3"], "branch_code": ["SRG"] * 3,
                  "participant_id": [float(XLSX_NIK), None, 12345678901.0], "channel": ["walk_in"] * 3,
                  "category": ["queue"] * 3, "received_at": ["2026-11-16 10:00"] * 3, "status": ["open"] * 3,
                  "reopened": ["tidak"] * 3}).write_parquet(raw_dir / "complaints_floats.parquet")
    pl.DataFrame({"complaint_id": ["I1"], "branch_code": ["SRG"], "participant_id": [int(XLSX_NIK)],
                  "channel": ["walk_in"], "category": ["queue"], "received_at": ["2026-11-16 10:00"],
                  "status": ["open"], "reopened": ["tidak"]}).write_parquet(raw_dir / "complaints_integers.parquet")
    run_etl(raw_dir, any_engine, secret=TEST_SECRET)
    with any_engine.connect() as conn:
        refused = {tuple(r) for r in conn.execute(select(
            quarantine.c.file_name, quarantine.c.row_number, quarantine.c.column_name, quarantine.c.reason))}
        stored = {i: p for i, p in conn.execute(select(complaints.c.complaint_id, complaints.c.participant_id))}
    assert refused == {("complaints_numbers.xlsx", 2, "participant_id", "numeric_identifier"),
                       ("complaints_floats.parquet", 2, "participant_id", "numeric_identifier")}
    hashed = lambda value: pseudonymise.pseudonym(TEST_SECRET, value)  # noqa: E731
    # Text keeps every digit, as does a Parquet integer; a number of 15 digits or fewer is exact too.
    assert stored == {"N2": hashed(XLSX_NIK), "N3": hashed("12345678901"), "I1": hashed(XLSX_NIK),
                      "P2": None, "P3": hashed("12345678901")}
