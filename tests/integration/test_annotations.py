"""Known events: loaded from annotations*.csv with validation and quarantine, written in the dashboard in scope."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import func, select

from etl import annotations
from etl.pipeline import run_etl
from etl.schema import annotations as annotations_table, marts_pending, quarantine
from etl.sop import load_sop
from etl.users import BRANCH_MANAGER, REGIONAL_HEAD
from service import commands
from service.access import OutOfScope, Viewer
from service.annotations import chart_events, with_during
from service.reader import Reader

SECRET = b"annotation-tests-key"
JAKARTA = "JKT01,KC Jakarta Salemba,KC,JKT,Jakarta,Jakarta,6,08:00,15:00\n"
HEADER = "annotation_id,region_code,branch_code,category,starts_on,ends_on,label,text,author\n"
ROWS = {
    "A1": "A1,BTN,,outage,2026-10-05,2026-10-11,JMO gangguan,Aplikasi JMO mati,Kanwil Banten",
    "A2": "A2,BTN,SRG,closure,06/10/2026,06/10/2026,Renovasi,,Kepala KC Serang",
    "bad_date": "A3,BTN,,outage,kemarin,2026-10-11,X,,Kanwil",
    "backwards": "A4,BTN,,outage,2026-10-11,2026-10-05,X,,Kanwil",
    "bad_code": "A5,BTN,,gempa,2026-10-05,2026-10-05,X,,Kanwil",
    "other_region_branch": "A6,BTN,JKT01,staffing,2026-10-05,2026-10-05,X,,Kanwil",
    "unknown_region": "A7,XYZ,,staffing,2026-10-05,2026-10-05,X,,Kanwil",
    "markup": "A8,BTN,,other,2026-10-05,2026-10-05,[klik](https://x.example),,Kanwil",
}


@pytest.fixture
def loaded(any_engine, raw_dir):
    with (raw_dir / "branches.csv").open("a", encoding="utf-8") as handle:
        handle.write(JAKARTA)
    (raw_dir / "annotations_2026.csv").write_text(HEADER + "\n".join(ROWS.values()) + "\n", encoding="utf-8")
    result = run_etl(raw_dir, any_engine, secret=SECRET)
    return any_engine, result


def test_an_annotations_file_loads_its_good_events_and_quarantines_the_rest(loaded):
    engine, result = loaded
    batch = next(b for b in result.batches if b.source == "annotations")
    assert batch.reconciles and (batch.rows_loaded, batch.rows_quarantined) == (2, 6)
    with engine.connect() as conn:
        reasons = dict(conn.execute(select(quarantine.c.row_number, quarantine.c.reason)
                                    .where(quarantine.c.source == "annotations")).all())
        assert conn.execute(select(func.count()).select_from(marts_pending)).scalar() == 0  # no KPI reads events
    assert reasons == {4: "bad_date", 5: "time_order", 6: "bad_code", 7: "region_mismatch", 8: "region_mismatch",
                       9: "markup_text"}
    found = annotations.events(engine, ["BTN"])
    assert found["annotation_id"].to_list() == ["A1", "A2"]
    assert found.row(1, named=True)["starts_on"] == dt.date(2026, 10, 6)


def test_an_upload_writes_only_its_own_regions_events(any_engine, raw_dir):
    with (raw_dir / "branches.csv").open("a", encoding="utf-8") as handle:
        handle.write(JAKARTA)
    run_etl(raw_dir, any_engine, secret=SECRET)
    (raw_dir / "annotations_jkt.csv").write_text(
        HEADER + ROWS["A1"] + "\nJ1,JKT,JKT01,staffing,2026-10-05,2026-10-05,Pelatihan,,Kanwil Jakarta\n")
    run_etl(raw_dir, any_engine, secret=SECRET, scope="JKT", loaded_by="head@jkt")
    with any_engine.connect() as conn:
        assert set(conn.execute(select(annotations_table.c.annotation_id)).scalars()) == {"J1"}
        assert conn.execute(select(quarantine.c.reason).where(quarantine.c.source == "annotations")).scalar() \
            == "out_of_scope"


def reader(engine, role: str, region: str, branch: str | None = None) -> Reader:
    return Reader(engine, Viewer(f"{role}@x", role, role, region, branch), load_sop())


EVENT = dict(category="staffing", starts_on=dt.date(2026, 10, 6), ends_on=dt.date(2026, 10, 7), label="Pelatihan",
             author="Kepala")


def test_a_branch_manager_writes_events_of_their_own_branch_only(loaded):
    engine, _ = loaded
    manager = reader(engine, BRANCH_MANAGER, "BTN", "SRG")
    mine = commands.save_annotation(manager, region_code="BTN", branch_code="SRG", **EVENT)
    for branch in ("PDG", None):  # another branch, or the whole region
        with pytest.raises(OutOfScope):
            commands.save_annotation(manager, region_code="BTN", branch_code=branch, **EVENT)
    with pytest.raises(OutOfScope):  # the region's event (from the file) is not theirs to change or remove
        commands.save_annotation(manager, region_code="BTN", branch_code="SRG", annotation_id="A1", **EVENT)
    with pytest.raises(OutOfScope):
        commands.remove_annotation(manager, "A1")
    commands.save_annotation(manager, region_code="BTN", branch_code="SRG", annotation_id=mine,
                             **{**EVENT, "label": "Pelatihan SDM"})
    labels = dict(annotations.events(engine, ["BTN"]).select("annotation_id", "label").iter_rows())
    assert labels[mine] == "Pelatihan SDM" and labels["A1"] == "JMO gangguan"


def test_a_regional_head_writes_any_event_of_their_region_and_none_of_another(loaded):
    engine, _ = loaded
    head = reader(engine, REGIONAL_HEAD, "BTN")
    commands.save_annotation(head, region_code="BTN", branch_code=None, annotation_id="A1",
                             **{**EVENT, "label": "JMO down"})
    commands.save_annotation(head, region_code="BTN", branch_code="PDG", **EVENT)
    with pytest.raises(OutOfScope):
        commands.save_annotation(head, region_code="JKT", branch_code="JKT01", **EVENT)
    with pytest.raises(annotations.AnnotationError) as error:  # a branch of another region, under this one
        commands.save_annotation(head, region_code="BTN", branch_code="JKT01", **EVENT)
    assert error.value.field == "branch_code"
    with pytest.raises(annotations.AnnotationError) as error:
        commands.save_annotation(head, region_code="BTN", **{**EVENT, "label": "=HYPERLINK(1)"})
    assert error.value.field == "label"
    commands.remove_annotation(head, "A2")
    assert annotations.events(engine, ["BTN"])["label"].to_list()[0] == "JMO down"
    assert "A2" not in annotations.events(engine, ["BTN"])["annotation_id"].to_list()


def test_charts_and_sentences_get_the_events_of_their_scope(loaded):
    engine, _ = loaded
    head = reader(engine, REGIONAL_HEAD, "BTN")
    assert chart_events(head, "BTN", ["SRG"])["annotation_id"].to_list() == ["A1", "A2"]
    assert chart_events(head, "BTN", ["PDG"])["annotation_id"].to_list() == ["A1"]
    assert chart_events(head, "BTN")["annotation_id"].to_list() == ["A1"]
    rows = pl.DataFrame({"level": ["branch", "branch", "region"], "code": ["SRG", "PDG", "BTN"]})
    marked = with_during(head, rows, "BTN", dt.date(2026, 10, 5), "week")
    assert marked["during"].to_list() == ["JMO gangguan, Renovasi", "JMO gangguan", "JMO gangguan"]
    assert with_during(head, rows, "BTN", dt.date(2026, 10, 12), "week")["during"].null_count() == 3
    with pytest.raises(OutOfScope):
        chart_events(reader(engine, REGIONAL_HEAD, "JKT"), "BTN", ["SRG"])
