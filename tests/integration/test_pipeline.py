"""The whole ETL against a real database (SQLite, and PostgreSQL when reachable):
reconciliation, idempotence, corrections, incremental refresh and personal data."""
from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import func, select

from etl.db import read_frame
from etl.pipeline import run_etl
from etl.schema import FACT_TABLES, claims, etl_batches, kpi_monthly, kpi_weekly, metadata, quarantine
from tests.conftest import TEST_SECRET

# Due dates and load times: run again under a moved clock (`make test-dates`).
pytestmark = pytest.mark.dates

NIK = "3201010101010001"
KPJ = "12345678901"
TICKETS_W46 = f"""ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at,counter_id,outcome,rating
T1,V1,SRG,{NIK},claim_jht,,2026-11-16 08:05:00,2026-11-16 08:10:00,2026-11-16 08:20:00,L1,resolved,5
T2,V2,SRG,,membership,elderly,2026-11-16 08:06:00,2026-11-16 08:30:00,2026-11-16 08:40:00,L2,transferred,
T3,V2,SRG,,data_update,elderly,2026-11-16 08:41:00,2026-11-16 08:40:30,2026-11-16 08:50:00,L3,resolved,3
T4,V4,PDG,,information,,2026-11-17 09:00:00,,,,no_show,
T5,V5,XXX,,information,,2026-11-17 09:00:00,,,,no_show,
T6,V6,SRG,,information,,kemarin,,,,no_show,
T6,V6,SRG,,information,,kemarin,,,,no_show,
"""
CLAIMS_W46 = (
    "claim_id;branch_code;participant_id;programme;channel;amount_idr;submitted_at;docs_complete_at;decided_at;"
    "paid_at;status;rejection_reason\r\n"
    f"C1;SRG;{KPJ};JHT;jmo;9.500.000,00;16/11/2026 08:00;16/11/2026 09:00;17/11/2026 10:00;17/11/2026 11:00;paid;\r\n"
    "C2;PDG;12345678902;JKK;branch;1.000.000;17/11/2026 08:00;17/11/2026 09:00;;;in_process;\r\n"
)
CLAIMS_W47 = (
    "claim_id;branch_code;participant_id;programme;channel;amount_idr;submitted_at;docs_complete_at;decided_at;"
    "paid_at;status;rejection_reason\r\n"
    "C2;PDG;12345678902;JKK;branch;1.000.000;17/11/2026 08:00;17/11/2026 09:00;24/11/2026 10:00;"
    "24/11/2026 11:00;paid;\r\n"
)
COMPLAINTS_W46 = f"""complaint_id,branch_code,participant_id,participant_name,channel,category,received_at,first_response_at,resolved_at,status,reopened
K1,SRG,{NIK},Budi Santoso,social_media,queue,2026-11-16 10:00,2026-11-16 11:00,2026-11-18 10:00,resolved,tidak
"""


@pytest.fixture
def week46(raw_dir):
    (raw_dir / "queue_tickets_2026-W46.csv").write_text(TICKETS_W46, encoding="utf-8")
    (raw_dir / "claims_2026-W46.csv").write_bytes(("\ufeff" + CLAIMS_W46).encode())
    (raw_dir / "complaints_2026-W46.csv").write_text(COMPLAINTS_W46, encoding="utf-8")
    return raw_dir


def table_frames(engine) -> dict[str, pl.DataFrame]:
    """Every stored table, sorted, without load bookkeeping that differs between runs."""
    frames = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name.startswith("stage_"):
                continue
            frame = read_frame(conn, select(table))
            # Alerts and digests are stamped and numbered when raised: the same alerts, raised at another moment.
            if table.name.startswith("alert"):
                frame = frame.drop("alert_id", "raised_at", "digest_id", "created_at", strict=False)
            frames[table.name] = frame.drop("batch_id", "started_at", "finished_at", "quarantine_id", strict=False).sort(
                pl.all())
    return frames


def test_every_batch_reconciles(any_engine, week46):
    result = run_etl(week46, any_engine, secret=TEST_SECRET)
    by_file = {b.file_name: b for b in result.batches}
    tickets = by_file["queue_tickets_2026-W46.csv"]
    assert (tickets.rows_read, tickets.rows_loaded, tickets.rows_quarantined, tickets.exact_duplicates,
            tickets.rows_adjusted) == (7, 4, 2, 1, 1)
    assert all(b.reconciles for b in result.batches)
    with any_engine.connect() as conn:
        stored = read_frame(conn, select(etl_batches))
        reasons = conn.execute(select(quarantine.c.row_number, quarantine.c.reason).order_by(quarantine.c.row_number))
        assert reasons.all() == [(6, "unknown_branch"), (7, "bad_timestamp")]
    assert (stored["rows_read"] == stored["rows_loaded"] + stored["rows_quarantined"] + stored["exact_duplicates"]).all()
    assert set(stored["status"]) == {"loaded"}


def test_loading_the_same_files_twice_changes_nothing(any_engine, week46):
    run_etl(week46, any_engine, secret=TEST_SECRET)
    before = table_frames(any_engine)
    again = run_etl(week46, any_engine, secret=TEST_SECRET)
    assert again.batches == [] and len(again.skipped) == 4
    after = table_frames(any_engine)
    for name, frame in before.items():
        assert frame.equals(after[name]), name


def test_a_resent_id_replaces_the_older_version_and_refreshes_its_periods(any_engine, week46, tmp_path):
    run_etl(week46, any_engine, secret=TEST_SECRET)
    (week46 / "claims_2026-W47.csv").write_text(CLAIMS_W47, encoding="utf-8")
    result = run_etl(week46, any_engine, secret=TEST_SECRET)
    assert [b.file_name for b in result.batches] == ["claims_2026-W47.csv"]
    with any_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(claims)).scalar() == 2
        assert conn.execute(select(claims.c.status).where(claims.c.claim_id == "C2")).scalar() == "paid"
    incremental = table_frames(any_engine)
    # The same files loaded in one go give the same KPI tables.
    fresh = tmp_path / "fresh.db"
    from etl.db import make_engine
    one_go = make_engine(f"sqlite:///{fresh}")
    run_etl(week46, one_go, secret=TEST_SECRET)
    in_one_go = table_frames(one_go)
    for name in ("kpi_weekly", "kpi_monthly", "claims"):
        assert incremental[name].equals(in_one_go[name]), name
    paid_w47 = incremental["kpi_weekly"].filter(
        (pl.col("code") == "PDG") & (pl.col("kpi") == "claim_paid_within_sla"))
    # Docs complete Tue 17 Nov, paid Tue 24 Nov: 5 working days ≤ 7 for JKK.
    assert paid_w47["value"].to_list() == [1.0]


def test_no_personal_data_reaches_the_database(any_engine, week46):
    run_etl(week46, any_engine, secret=TEST_SECRET)
    for name, frame in table_frames(any_engine).items():
        text = frame.write_csv()
        for secret_value in (NIK, KPJ, "Budi Santoso", "12345678902"):
            assert secret_value not in text, f"{secret_value} found in {name}"
    with any_engine.connect() as conn:
        pseudonyms = set(conn.execute(select(FACT_TABLES["complaints"].c.participant_id)).scalars())
        ticket_pseudonyms = set(conn.execute(select(FACT_TABLES["queue_tickets"].c.participant_id)).scalars())
    # The same person gets the same pseudonym in every table, so records still link.
    assert pseudonyms <= ticket_pseudonyms and None not in pseudonyms


def test_kpi_marts_have_branch_and_region_rows(any_engine, week46):
    run_etl(week46, any_engine, secret=TEST_SECRET)
    with any_engine.connect() as conn:
        weekly = read_frame(conn, select(kpi_weekly))
        monthly = read_frame(conn, select(kpi_monthly))
    assert set(weekly["level"]) == {"branch", "region"}
    region = weekly.filter((pl.col("code") == "BTN") & (pl.col("kpi") == "no_show_rate"))
    # Pooled over SRG and PDG: 1 no-show in 4 loaded tickets.
    assert region["value"].to_list() == [0.25]
    assert monthly.filter(pl.col("kpi") == "sop_compliance_index").height == 3  # SRG, PDG, BTN


def test_a_file_that_cannot_be_read_fails_only_its_batch(sqlite_engine, week46):
    (week46 / "complaints_2026-W47.csv").write_text("this,is,not\n1,2,3\n", encoding="utf-8")
    result = run_etl(week46, sqlite_engine, secret=TEST_SECRET)
    [failed] = result.failed
    assert failed.file_name == "complaints_2026-W47.csv"
    assert "missing required column(s) complaint_id" in failed.message
    assert {b.status for b in result.batches if b is not failed} == {"loaded"}
