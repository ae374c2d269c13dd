"""Pseudonyms stay what they were: a database loaded before keeps every participant's history whole."""
from __future__ import annotations

import polars as pl

from etl import pseudonymise
from etl.pseudonymise import pseudonymise_columns, pseudonym

KEY = b"pantau-known-answer-key"
NIK = "3608385704660261"
# HMAC-SHA256(KEY, NIK), first 32 hex characters, as every earlier version of the ETL stored it.
KNOWN = "75a1ac31873f5f64bf1342c985f69ad8"


def test_a_known_identifier_keeps_its_known_pseudonym():
    assert pseudonym(KEY, NIK) == KNOWN
    assert pseudonym(KEY, f" {NIK} ") == KNOWN


def test_the_run_cache_gives_the_same_pseudonyms_as_hashing_every_file_afresh():
    week1 = pl.DataFrame({"participant_id": [NIK, "111", None, "  ", NIK]})
    week2 = pl.DataFrame({"participant_id": ["222", NIK, "111"]})
    known: dict[str, str] = {}
    cached = [pseudonymise_columns(week, ["participant_id"], KEY, known) for week in (week1, week2)]
    fresh = [pseudonymise_columns(week, ["participant_id"], KEY) for week in (week1, week2)]
    assert all(c.equals(f) for c, f in zip(cached, fresh))
    assert cached[1]["participant_id"].to_list() == [pseudonym(KEY, "222"), KNOWN, pseudonym(KEY, "111")]
    assert cached[0]["participant_id"].to_list()[2:4] == [None, None]  # empty cells stay empty


def test_a_full_cache_starts_afresh_and_still_gives_the_same_pseudonyms(monkeypatch):
    monkeypatch.setattr(pseudonymise, "CACHED_PSEUDONYMS", 2)
    known: dict[str, str] = {}
    first = pseudonymise_columns(pl.DataFrame({"participant_id": ["1", "2"]}), ["participant_id"], KEY, known)
    second = pseudonymise_columns(pl.DataFrame({"participant_id": [NIK]}), ["participant_id"], KEY, known)
    assert known == {NIK: KNOWN}
    assert first["participant_id"].to_list() == [pseudonym(KEY, "1"), pseudonym(KEY, "2")]
    assert second["participant_id"].to_list() == [KNOWN]
