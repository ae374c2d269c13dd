"""Mapping files: an Indonesian export loads, untouched, to the same rows as the canonical file."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, select

from etl.contract import SOURCES
from etl.db import make_engine, read_frame
from etl.extract import raw_files
from etl.mapping import load_mappings
from etl.pipeline import run_etl
from etl.schema import claims, complaints, quarantine, queue_tickets
from etl.settings import MAPPINGS_DIR
from tests.conftest import TEST_SECRET

QUEUE_CANONICAL = """ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at,counter_id,outcome,rating
A001,KJ-001,SRG,3601234567890001,claim_jht,,2026-11-16 08:00,2026-11-16 08:10,2026-11-16 08:20,L1,transferred,
A002,KJ-001,SRG,3601234567890001,membership,,2026-11-16 08:20,2026-11-16 08:31:15,2026-11-16 08:45,L3,resolved,4
B001,KJ-002,PDG,,information,elderly,2026-11-16 09:00,2026-11-16 09:02,2026-11-16 09:05,L1,resolved,5
A003,KJ-003,SRG,3601234567890002,data_update,pregnant,2026-11-16 10:00,,,,no_show,
A004,KJ-004,SRG,,contributions,disabled,2026-11-17 08:00,2026-11-17 08:01,2026-11-17 08:30,L2,unresolved,2
A005,KJ-005,SRG,3601234567890003,claim_other,,2026-11-17 09:00,2026-11-17 09:20,2026-11-17 09:40,L1,resolved,3
A006,KJ-006,SRG,3601234567890004,complaint,,2026-11-17 09:05,2026-11-17 09:25,2026-11-17 09:50,L2,resolved,1
"""
QUEUE_INDONESIAN = """No Tiket;No Kunjungan;Kode Kantor;NIK;Layanan;Kelompok Prioritas;Waktu Ambil;Dipanggil;Selesai;Loket;Hasil;Nilai
A001;KJ-001;SRG;3601234567890001;Klaim JHT;Umum;16/11/2026 08:00;16/11/2026 08:10;16/11/2026 08:20;L1;Dialihkan;
A002;KJ-001;SRG;3601234567890001;Kepesertaan;Umum;16/11/2026 08:20;16/11/2026 08:31:15;16/11/2026 08:45;L3;Selesai;4
B001;KJ-002;PDG;;Informasi;Lansia;16/11/2026 09:00;16/11/2026 09:02;16/11/2026 09:05;L1;Selesai;5
A003;KJ-003;SRG;3601234567890002;Perubahan Data;Ibu Hamil;16/11/2026 10:00;;;;Tidak Hadir;
A004;KJ-004;SRG;;Iuran;Disabilitas;17/11/2026 08:00;17/11/2026 08:01;17/11/2026 08:30;L2;Tidak Selesai;2
A005;KJ-005;SRG;3601234567890003;Klaim Lainnya;-;17/11/2026 09:00;17/11/2026 09:20;17/11/2026 09:40;L1;Selesai;3
A006;KJ-006;SRG;3601234567890004;Pengaduan;Umum;17/11/2026 09:05;17/11/2026 09:25;17/11/2026 09:50;L2;Selesai;1
"""
CLAIMS_CANONICAL = """claim_id,branch_code,participant_id,programme,channel,amount_idr,submitted_at,docs_complete_at,decided_at,paid_at,status,rejection_reason
K-01,SRG,KPJ-1001,JHT,jmo,1234567.50,2026-11-16 09:00,2026-11-16 09:00,2026-11-16 15:00,2026-11-17 10:00,paid,
K-02,SRG,KPJ-1002,JHT,branch,25000000,2026-11-16 10:00,,2026-11-18 11:00,,rejected,duplicate_membership
K-03,PDG,KPJ-1003,JKK,employer,7500000,2026-11-16 11:00,2026-11-17 11:00,2026-11-19 11:00,,rejected,employer_arrears
K-04,SRG,KPJ-1004,JKM,lapak_asik,42000000,2026-11-17 08:30,2026-11-17 08:30,,,in_process,
K-05,SRG,KPJ-1005,JP,branch,350000,2026-11-17 09:00,,2026-11-18 09:00,,rejected,still_employed
K-06,SRG,KPJ-1006,JKP,jmo,2100000,2026-11-17 10:00,,2026-11-19 10:00,,rejected,incomplete_documents
K-07,PDG,KPJ-1007,JHT,branch,900000,2026-11-17 11:00,,2026-11-19 11:00,,rejected,data_mismatch
K-08,SRG,KPJ-1008,JHT,jmo,120000,2026-11-17 12:00,,2026-11-19 12:00,,rejected,other
"""
CLAIMS_INDONESIAN = """No Klaim;Kode Kantor;No KPJ;Program;Kanal;Nominal;Tgl Pengajuan;Dokumen Lengkap;Tgl Keputusan;Tgl Bayar;Status;Alasan Tolak
K-01;SRG;KPJ-1001;JHT;JMO;1.234.567,50;16/11/2026 09:00;16/11/2026 09:00;16/11/2026 15:00;17/11/2026 10:00;Dibayar;
K-02;SRG;KPJ-1002;Jaminan Hari Tua;Kantor Cabang;25.000.000;16/11/2026 10:00;;18/11/2026 11:00;;Ditolak;Kepesertaan Ganda
K-03;PDG;KPJ-1003;JKK;Perusahaan;7.500.000;16/11/2026 11:00;17/11/2026 11:00;19/11/2026 11:00;;Ditolak;Tunggakan Iuran Pemberi Kerja
K-04;SRG;KPJ-1004;Jaminan Kematian;Lapak Asik;42.000.000;17/11/2026 08:30;17/11/2026 08:30;;;Dalam Proses;
K-05;SRG;KPJ-1005;Jaminan Pensiun;Kantor Cabang;350.000;17/11/2026 09:00;;18/11/2026 09:00;;Ditolak;Masih Bekerja
K-06;SRG;KPJ-1006;Jaminan Kehilangan Pekerjaan;JMO;2.100.000;17/11/2026 10:00;;19/11/2026 10:00;;Ditolak;Dokumen Tidak Lengkap
K-07;PDG;KPJ-1007;JHT;Kantor Cabang;900.000;17/11/2026 11:00;;19/11/2026 11:00;;Ditolak;Data Tidak Sesuai
K-08;SRG;KPJ-1008;JHT;JMO;120.000;17/11/2026 12:00;;19/11/2026 12:00;;Ditolak;Lainnya
"""
# Every run loads complaints too, so that every KPI has facts to work on.
COMPLAINTS = """complaint_id,branch_code,participant_id,participant_name,channel,category,received_at,first_response_at,resolved_at,status,reopened
P-01,SRG,3601234567890001,Siti Aminah,walk_in,queue,2026-11-16 10:00,2026-11-16 11:00,2026-11-17 10:00,resolved,tidak
"""
TIMESTAMP_HEADERS = {
    "antrean": ["Waktu Ambil", "Dipanggil", "Selesai"],
    "klaim": ["Tgl Pengajuan", "Dokumen Lengkap", "Tgl Keputusan", "Tgl Bayar"],
}


def _as_xlsx(folder: Path, name: str, semicolon_csv: str) -> None:
    """The Indonesian export as Excel writes it: real date-time cells, numbers as numbers."""
    export = pl.read_csv(semicolon_csv.encode(), separator=";", infer_schema=False)
    kind = name.split("_")[0]
    export = export.with_columns(
        pl.coalesce(pl.col(c).str.to_datetime(f, strict=False) for f in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"))
        for c in TIMESTAMP_HEADERS[kind]
    )
    if kind == "antrean":
        export = export.with_columns(pl.col("Nilai").cast(pl.Int64))
    else:
        export = export.with_columns(pl.col("Nominal").str.replace_all(".", "", literal=True)
                                     .str.replace(",", ".", literal=True).cast(pl.Float64))
    export.write_excel(folder / name)


def _raw_folder(parent: Path, name: str, files: dict[str, str]) -> Path:
    folder = parent / name
    folder.mkdir()
    shutil.copy(parent / "raw" / "branches.csv", folder / "branches.csv")
    for file_name, content in {**files, "complaints_2026-W47.csv": COMPLAINTS}.items():
        (folder / file_name).write_text(content, encoding="utf-8")
    return folder


def _stored(engine: Engine, table) -> pl.DataFrame:
    with engine.connect() as conn:
        key = table.primary_key.columns.values()[0]
        return read_frame(conn, select(table).order_by(key)).drop("batch_id")


def test_shipped_mappings_translate_only_into_the_contract():
    mappings = {m.name: m for m in load_mappings(MAPPINGS_DIR)}
    assert {name: m.source.name for name, m in mappings.items()} == {
        "antrean_id": "queue_tickets", "klaim_id": "claims",
    }
    for mapping in mappings.values():
        source = mapping.source
        assert sorted(c for targets in mapping.columns.values() for c in targets) == sorted(source.column_names)
        for column, values in mapping.values.items():
            assert set(values.values()) <= {*source.column(column).codes, ""}, column


@pytest.mark.parametrize(("file_name", "source_name"), [
    ("antrean_KC-Serang_2026-11.csv", "queue_tickets"),
    ("Antrean-W47.xlsx", "queue_tickets"),
    ("klaim_2026-W47.parquet", "claims"),
    ("queue_tickets_2026-W47.csv", "queue_tickets"),
])
def test_files_are_matched_to_their_mapping_by_name(tmp_path, file_name, source_name):
    (tmp_path / file_name).write_bytes(b"")
    [(_, source, mapping)] = raw_files(tmp_path, load_mappings(MAPPINGS_DIR))
    assert source.name == source_name
    assert (mapping is not None) == (not file_name.startswith("queue_tickets"))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_indonesian_export_loads_to_the_same_rows_as_the_canonical_files(raw_dir, tmp_path, sqlite_engine, suffix):
    canonical = _raw_folder(tmp_path, "canonical", {
        "queue_tickets_2026-W47.csv": QUEUE_CANONICAL, "claims_2026-W47.csv": CLAIMS_CANONICAL,
    })
    if suffix == ".csv":
        indonesian = _raw_folder(tmp_path, "indonesian", {
            "antrean_2026-W47.csv": "\ufeff" + QUEUE_INDONESIAN.replace("\n", "\r\n"),
            "klaim_2026-W47.csv": CLAIMS_INDONESIAN,
        })
    else:
        indonesian = _raw_folder(tmp_path, "indonesian", {})
        _as_xlsx(indonesian, "antrean_2026-W47.xlsx", QUEUE_INDONESIAN)
        _as_xlsx(indonesian, "klaim_2026-W47.xlsx", CLAIMS_INDONESIAN)
    canonical_engine = make_engine(f"sqlite:///{tmp_path / 'canonical.db'}")
    run_etl(canonical, canonical_engine, secret=TEST_SECRET)
    result = run_etl(indonesian, sqlite_engine, secret=TEST_SECRET)

    assert {b.file_name: (b.rows_read, b.rows_loaded, b.rows_quarantined) for b in result.batches} == {
        "branches.csv": (2, 2, 0), f"antrean_2026-W47{suffix}": (7, 7, 0), f"klaim_2026-W47{suffix}": (8, 8, 0),
        "complaints_2026-W47.csv": (1, 1, 0),
    }
    for table in (queue_tickets, claims):
        assert_frame_equal(_stored(sqlite_engine, table), _stored(canonical_engine, table))
    assert _stored(sqlite_engine, claims)["amount_idr"][0] == 1234567.5
    canonical_engine.dispose()


def test_untranslated_value_is_quarantined_as_bad_code_not_dropped(raw_dir, tmp_path, sqlite_engine):
    export = QUEUE_INDONESIAN.replace("A004;KJ-004;SRG;;Iuran", "A004;KJ-004;SRG;;Iuran Perusahaan")
    folder = _raw_folder(tmp_path, "indonesian", {
        "antrean_2026-W47.csv": export, "claims_2026-W47.csv": CLAIMS_CANONICAL,
    })
    result = run_etl(folder, sqlite_engine, secret=TEST_SECRET)
    batch = next(b for b in result.batches if b.file_name == "antrean_2026-W47.csv")
    assert (batch.rows_read, batch.rows_loaded, batch.rows_quarantined) == (7, 6, 1)
    with sqlite_engine.connect() as conn:
        [row] = conn.execute(select(quarantine)).mappings().all()
    assert (row["file_name"], row["row_number"], row["column_name"], row["reason"]) == (
        "antrean_2026-W47.csv", 6, "service", "bad_code")
    assert json.loads(row["raw_values"])["service"] == "Iuran Perusahaan"


def test_mapping_decimal_comma_applies_to_csv_text_not_to_xlsx_numbers(raw_dir, tmp_path, sqlite_engine):
    # Bug: etl/extract.py applies the mapping's decimal_comma to every format, so an XLSX amount
    # cell 1234567.5 (read as the text '1234567.5') loses its point and loads as 12345675.
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    klaim = (MAPPINGS_DIR / "klaim_id.toml").read_text(encoding="utf-8")
    (mappings / "klaim_id.toml").write_text(klaim.replace('file_patterns = ["klaim*"]',
                                                         'file_patterns = ["klaim*"]\ndecimal_comma = true'))
    folder = _raw_folder(tmp_path, "indonesian", {"queue_tickets_2026-W47.csv": QUEUE_CANONICAL})
    _as_xlsx(folder, "klaim_2026-W47.xlsx", CLAIMS_INDONESIAN)
    run_etl(folder, sqlite_engine, secret=TEST_SECRET, mappings_dir=mappings)
    assert _stored(sqlite_engine, claims)["amount_idr"].to_list()[:2] == [1234567.5, 25000000.0]


def test_canonical_files_used_here_have_the_contract_headers():
    assert SOURCES["queue_tickets"].column_names == QUEUE_CANONICAL.splitlines()[0].split(",")
    assert SOURCES["claims"].column_names == CLAIMS_CANONICAL.splitlines()[0].split(",")


def test_a_mapping_never_reads_month_first_dates_day_first(raw_dir, tmp_path, sqlite_engine):
    # Bug: a mapped timestamp column took the contract's day-first default, so the month-first 04/12/2026 13:05
    # loaded as 4 December without a word. Without formats a mapping reads only year-first timestamps.
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "us.toml").write_text("""source = "complaints"
file_patterns = ["us_*"]
[columns]
"ID" = "complaint_id"
"Office" = "branch_code"
"Via" = "channel"
"Kind" = "category"
"Opened" = "received_at"
"State" = "status"
"Reopened" = "reopened"
""", encoding="utf-8")
    folder = _raw_folder(tmp_path, "us", {"us_2026-04.csv": "ID,Office,Via,Kind,Opened,State,Reopened\n"
                                                           "U1,SRG,email,queue,04/12/2026 13:05,open,false\n"
                                                           "U2,SRG,email,queue,2026-04-12 13:05,open,false\n"})
    run_etl(folder, sqlite_engine, secret=TEST_SECRET, mappings_dir=mappings)
    with sqlite_engine.connect() as conn:
        [row] = conn.execute(select(quarantine).where(quarantine.c.file_name == "us_2026-04.csv")).mappings().all()
    assert (row["row_number"], row["column_name"], row["reason"]) == (2, "received_at", "bad_timestamp")
    assert "(expected YYYY-MM-DD HH:MM:SS" in row["detail"]
    assert _stored(sqlite_engine, complaints).filter(pl.col("complaint_id").str.starts_with("U"))[
        "received_at"].to_list() == [dt.datetime(2026, 4, 12, 13, 5)]
