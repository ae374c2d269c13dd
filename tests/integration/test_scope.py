"""Uploads write only their uploader's region, and the ETL's record is read per region (SQLite and PostgreSQL).

Two regions share a database: Banten (SRG, PDG) and Jakarta (JKT01), loaded by the administrator's
unscoped path. The Banten head then uploads through `service.commands.load_files`, as the Data page
does, files that try to move Jakarta's branch, to overwrite Jakarta's complaint and claim, and to add a
branch to a third region. The ETL's record (batches, freshness, quarantine) is then read through the
service functions as each kind of viewer.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from etl import pseudonymise
from etl.db import read_frame
from etl.pipeline import run_etl
from etl.schema import branches, claims, complaints, etl_batches, quarantine
from etl.sop import load_sop
from service import commands, data
from service.access import OutOfScope, Viewer
from service.reader import Reader
from tests.conftest import TEST_SECRET

BRANCH_HEADER = "branch_code,branch_name,branch_type,region_code,region_name,city,counters,opens_at,closes_at\n"
COMPLAINT_HEADER = ("complaint_id,branch_code,participant_id,participant_name,channel,category,received_at,"
                    "first_response_at,resolved_at,status,reopened\n")
CLAIM_HEADER = ("claim_id,branch_code,participant_id,programme,channel,amount_idr,submitted_at,docs_complete_at,"
                "decided_at,paid_at,status,rejection_reason\n")
TWO_REGIONS = BRANCH_HEADER + (
    "SRG,KC Serang,KC,BTN,Banten,Serang,4,08:00,15:00\n"
    "PDG,KCP Pandeglang,KCP,BTN,Banten,Pandeglang,2,08:00,15:00\n"
    "JKT01,KC Jakarta Salemba,KC,JKT,Kanwil DKI Jakarta,Jakarta,6,08:00,15:00\n")
ADMIN_COMPLAINTS = COMPLAINT_HEADER + (
    "K1,JKT01,,,call_center,jmo_app,2026-11-16 09:00,2026-11-16 10:00,,in_progress,tidak\n"
    "K2,SRG,,,walk_in,queue,2026-11-16 10:00,,,open,tidak\n"
    "K5,SRG,,,walk_in,antrean,2026-11-16 10:00,,,open,tidak\n"  # bad_code, Banten
    "K6,PDG,,,walk_in,antrean,2026-11-16 10:00,,,open,tidak\n"  # bad_code, Banten (PDG)
    "K7,JKT01,,,walk_in,antrean,2026-11-16 10:00,,,open,tidak\n"  # bad_code, Jakarta
    "K8,XXX,,,walk_in,queue,2026-11-16 10:00,,,open,tidak\n")  # unknown_branch: nobody's region
ADMIN_CLAIMS = CLAIM_HEADER + "C1,JKT01,12345678901,JHT,jmo,1000000,2026-11-16 08:00,,,,in_process,\n"
HEAD = "kepala.banten@bpjs.example"
BANTEN = Viewer(HEAD, "Ani Kusuma", "regional_head", "BTN")
JAKARTA = Viewer("kepala.jakarta@bpjs.example", "Citra", "regional_head", "JKT")
PDG_MANAGER = Viewer("manajer.pandeglang@bpjs.example", "Budi", "branch_manager", "BTN", "PDG")
EVERY_REGION = Viewer.process("tests")


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def two_regions(any_engine, tmp_path):
    """Banten and Jakarta, loaded by the administrator's command line (unscoped)."""
    write(tmp_path / "admin", {"branches.csv": TWO_REGIONS, "complaints_admin.csv": ADMIN_COMPLAINTS,
                               "claims_admin.csv": ADMIN_CLAIMS})
    run_etl(tmp_path / "admin", any_engine, secret=TEST_SECRET, loaded_by="cli:admin")
    return any_engine


def upload(engine, viewer: Viewer, folder: Path, monkeypatch) -> dict:
    """What the Data page does with a viewer's upload; the server's key comes from its environment."""
    monkeypatch.setenv(pseudonymise.SECRET_ENV, TEST_SECRET.decode())
    result = commands.load_files(Reader(engine, viewer, load_sop()), folder, lambda *_: None)
    return {b.file_name: b for b in result.batches}


def take_over(engine, tmp_path, monkeypatch) -> dict:
    """The Banten head's upload that reaches into Jakarta and into a region nobody gave them."""
    folder = write(tmp_path / "upload", {
        "branches_banten.csv": BRANCH_HEADER + (
            "JKT01,KC Jakarta Salemba,KC,BTN,Banten,Jakarta,6,08:00,15:00\n"  # moves Jakarta's branch into Banten
            "BKS01,KC Bekasi,KC,JBR,Jawa Barat,Bekasi,4,08:00,15:00\n"  # a branch of a third region
            "CLG,KC Cilegon,KC,BTN,Banten,Cilegon,3,08:00,15:00\n"),  # Banten's own: loads
        "complaints_banten.csv": COMPLAINT_HEADER + (
            "K1,SRG,,,walk_in,queue,2026-11-20 10:00,,,open,tidak\n"  # re-uses Jakarta's complaint_id
            "K3,JKT01,,,walk_in,queue,2026-11-20 10:00,,,open,tidak\n"  # a Jakarta branch's complaint
            "K4,CLG,,,walk_in,queue,2026-11-20 10:00,,,open,tidak\n"),  # Banten's new branch: loads
        "claims_banten.csv": CLAIM_HEADER + "C1,SRG,12345678901,JHT,jmo,1,2026-11-20 08:00,,,,in_process,\n",
        "complaints_empty.csv": "",  # fails: a failed batch of the head's own
    })
    return upload(engine, BANTEN, folder, monkeypatch)


def rows(engine, table, where) -> list[dict]:
    with engine.connect() as conn:
        return read_frame(conn, select(table).where(where)).drop("batch_id").to_dicts()


def quarantined(engine, *files: str) -> set[tuple]:
    q = quarantine
    with engine.connect() as conn:
        found = conn.execute(select(q.c.file_name, q.c.row_number, q.c.column_name, q.c.reason, q.c.branch_code)
                             .where(q.c.file_name.in_(files)))
        return {tuple(r) for r in found}


# --- F2: an upload writes its uploader's region only ----------------------------------------------------------------

def test_a_regional_heads_upload_cannot_move_or_overwrite_another_regions_data(two_regions, tmp_path, monkeypatch):
    engine = two_regions
    jakarta = [(branches, branches.c.branch_code == "JKT01"), (complaints, complaints.c.complaint_id == "K1"),
               (claims, claims.c.claim_id == "C1")]
    before = [rows(engine, table, where) for table, where in jakarta]
    batches = take_over(engine, tmp_path, monkeypatch)

    assert [rows(engine, table, where) for table, where in jakarta] == before, "Jakarta changed"
    assert quarantined(engine, "branches_banten.csv", "complaints_banten.csv", "claims_banten.csv") == {
        ("branches_banten.csv", 2, "branch_code", "out_of_scope", "JKT01"),
        ("branches_banten.csv", 3, "region_code", "out_of_scope", None),  # a branch the database does not know
        ("complaints_banten.csv", 2, "complaint_id", "out_of_scope", "SRG"),
        ("complaints_banten.csv", 3, "branch_code", "out_of_scope", "JKT01"),
        ("claims_banten.csv", 2, "claim_id", "out_of_scope", "SRG"),
    }
    # What is the head's own still loads: a new Banten branch, and a complaint of it.
    assert rows(engine, branches, branches.c.branch_code == "CLG")[0]["region_code"] == "BTN"
    assert rows(engine, complaints, complaints.c.complaint_id == "K4")[0]["branch_code"] == "CLG"
    assert {n: (b.status, b.rows_loaded) for n, b in batches.items()} == {
        "branches_banten.csv": ("loaded", 1), "claims_banten.csv": ("loaded", 0),
        "complaints_banten.csv": ("loaded", 1), "complaints_empty.csv": ("failed", 0)}
    with engine.connect() as conn:
        who = {name: by for name, by in conn.execute(select(etl_batches.c.file_name, etl_batches.c.loaded_by))}
    assert who == {"branches.csv": "cli:admin", "complaints_admin.csv": "cli:admin", "claims_admin.csv": "cli:admin",
                   "branches_banten.csv": HEAD, "complaints_banten.csv": HEAD, "claims_banten.csv": HEAD,
                   "complaints_empty.csv": HEAD}


def test_the_administrators_unscoped_path_may_move_a_branch_between_regions(two_regions, tmp_path):
    folder = write(tmp_path / "reorganised", {
        "branches_2027.csv": BRANCH_HEADER + "JKT01,KC Jakarta Salemba,KC,BTN,Banten,Jakarta,6,08:00,15:00\n"})
    [batch] = run_etl(folder, two_regions, secret=TEST_SECRET).batches
    assert (batch.rows_loaded, batch.rows_quarantined) == (1, 0)
    assert rows(two_regions, branches, branches.c.branch_code == "JKT01")[0]["region_code"] == "BTN"
    with two_regions.connect() as conn:
        assert conn.execute(select(etl_batches.c.loaded_by).where(etl_batches.c.batch_id == batch.batch_id)
                            ).scalar_one().startswith("process:")  # who ran it, by default the OS account


def test_a_branch_manager_may_not_upload(two_regions, tmp_path, monkeypatch):
    folder = write(tmp_path / "upload", {"complaints_pdg.csv": COMPLAINT_HEADER})
    with pytest.raises(OutOfScope):
        upload(two_regions, PDG_MANAGER, folder, monkeypatch)


# --- F10: a record keeps its branch ---------------------------------------------------------------------------------

@pytest.mark.parametrize("one_run", [False, True], ids=["later-run", "same-run"])
def test_a_record_id_sent_again_by_another_branch_is_quarantined_not_moved(two_regions, tmp_path, one_run):
    first = {"complaints_w47_1_srg.csv": COMPLAINT_HEADER + "K20,SRG,,,walk_in,queue,2026-11-23 10:00,,,open,tidak\n"}
    second = {"complaints_w47_2_pdg.csv": COMPLAINT_HEADER + "K20,PDG,,,lapor,other,2026-11-24 09:00,,,open,ya\n"}
    if one_run:
        result = run_etl(write(tmp_path / "both", {**first, **second}), two_regions, secret=TEST_SECRET)
    else:
        run_etl(write(tmp_path / "first", first), two_regions, secret=TEST_SECRET)
        result = run_etl(write(tmp_path / "second", second), two_regions, secret=TEST_SECRET)
    batch = next(b for b in result.batches if b.file_name == "complaints_w47_2_pdg.csv")
    assert (batch.rows_loaded, batch.rows_quarantined) == (0, 1)
    assert quarantined(two_regions, "complaints_w47_2_pdg.csv") == {
        ("complaints_w47_2_pdg.csv", 2, "branch_code", "branch_changed", "PDG")}
    [stored] = rows(two_regions, complaints, complaints.c.complaint_id == "K20")
    assert (stored["branch_code"], stored["channel"]) == ("SRG", "walk_in")


# --- F4: the ETL's record, per viewer -------------------------------------------------------------------------------

def read_as(engine, viewer: Viewer):
    return Reader(engine, viewer, load_sop())


def reasons(frame: pl.DataFrame) -> dict:
    return {(s, reason): n for s, reason, n in frame.iter_rows()}


def test_each_viewer_sees_the_quarantine_of_their_own_scope(two_regions, tmp_path, monkeypatch):
    take_over(two_regions, tmp_path, monkeypatch)
    summary = {name: reasons(data.quarantine_summary(read_as(two_regions, v)))
               for name, v in {"all": EVERY_REGION, "banten": BANTEN, "jakarta": JAKARTA, "pdg": PDG_MANAGER}.items()}
    assert summary["all"] == {("complaints", "bad_code"): 3, ("complaints", "unknown_branch"): 1,
                              ("complaints", "out_of_scope"): 2, ("branches", "out_of_scope"): 2,
                              ("claims", "out_of_scope"): 1}
    # Banten: its branches' rows, and every row it uploaded itself (whatever branch that row names).
    assert summary["banten"] == {("complaints", "bad_code"): 2, ("complaints", "out_of_scope"): 2,
                                 ("branches", "out_of_scope"): 2, ("claims", "out_of_scope"): 1}
    # Jakarta: rows naming its branch, the Banten head's attempts on it included; nothing of Banten's own.
    assert summary["jakarta"] == {("complaints", "bad_code"): 1, ("complaints", "out_of_scope"): 1,
                                  ("branches", "out_of_scope"): 1}
    assert summary["pdg"] == {("complaints", "bad_code"): 1}

    samples = {name: data.quarantine_samples(read_as(two_regions, v), "complaints", "bad_code", 50)
               for name, v in {"banten": BANTEN, "jakarta": JAKARTA, "pdg": PDG_MANAGER}.items()}
    assert sorted(samples["banten"]["branch_code"]) == ["PDG", "SRG"]
    assert samples["jakarta"]["branch_code"].to_list() == ["JKT01"]
    assert samples["pdg"]["branch_code"].to_list() == ["PDG"]
    assert '"branch_code": "JKT01"' not in "".join(samples["banten"]["raw_values"])
    # The row naming no known branch is filed under none, for viewers of every region only.
    assert data.quarantine_samples(read_as(two_regions, EVERY_REGION), "complaints", "unknown_branch")[
        "branch_code"].to_list() == [None]
    assert data.quarantine_samples(read_as(two_regions, BANTEN), "complaints", "unknown_branch").is_empty()


def test_batches_and_freshness_are_listed_per_region(two_regions, tmp_path, monkeypatch):
    take_over(two_regions, tmp_path, monkeypatch)
    listed = {name: set(data.batches(read_as(two_regions, v))["file_name"])
              for name, v in {"all": EVERY_REGION, "banten": BANTEN, "jakarta": JAKARTA, "pdg": PDG_MANAGER}.items()}
    admin = {"branches.csv", "complaints_admin.csv", "claims_admin.csv"}
    uploaded = {"branches_banten.csv", "complaints_banten.csv", "claims_banten.csv", "complaints_empty.csv"}
    assert listed["all"] == admin | uploaded
    # The head's own uploads, the failed one included; the admin's files that wrote Banten rows.
    assert listed["banten"] == {"branches.csv", "complaints_admin.csv"} | uploaded
    # Jakarta: the admin's files with Jakarta rows, and the uploads that tried to write Jakarta rows.
    assert listed["jakarta"] == admin | {"branches_banten.csv", "complaints_banten.csv"}
    assert listed["pdg"] == {"branches.csv", "complaints_admin.csv", "branches_banten.csv", "complaints_banten.csv",
                             "claims_banten.csv"}
    assert set(data.batches(read_as(two_regions, BANTEN))["loaded_by"]) == {"cli:admin", HEAD}

    fresh = {name: {r["source"]: r["rows"] for r in data.source_freshness(read_as(two_regions, v)).to_dicts()}
             for name, v in {"all": EVERY_REGION, "banten": BANTEN, "jakarta": JAKARTA}.items()}
    assert fresh["all"] == {"queue_tickets": 0, "claims": 1, "complaints": 3}  # K1, K2, K4
    assert fresh["banten"] == {"queue_tickets": 0, "claims": 0, "complaints": 2}  # K2, K4
    assert fresh["jakarta"] == {"queue_tickets": 0, "claims": 1, "complaints": 1}  # C1, K1
    last_claims = {name: data.source_freshness(read_as(two_regions, v)).row(1, named=True)["last_loaded"]
                   for name, v in {"banten": BANTEN, "jakarta": JAKARTA}.items()}
    assert last_claims["jakarta"] is not None
