"""Personal data: no raw NIK, KPJ number or name reaches any table, quarantine included; the key is guarded.

The demo files carry NIKs and KPJ numbers in participant_id and names in participant_name, broken
rows among them. After loading, every text value of every table is compared with every one of them.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from etl import pseudonymise
from etl.generate import generate
from etl.pipeline import run_etl
from etl.pseudonymise import KeyProblem, fingerprint
from etl.schema import etl_batches, etl_settings
from tests.conftest import TEST_SECRET, drop_everything
from tests.integration.test_pipeline import table_frames

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
