"""Cells that used to change meaning silently: rupiah amounts, spreadsheet error cells, implausible and future
timestamps; and quarantine details that say what is wrong without showing what cannot be seen."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.extract import ERROR_CELLS, RawFile, _mark_spreadsheet_errors
from etl.sop import load_sop
from etl.validate import REASONS, validate
from present.words import CODE_LABELS
from tests.unit.test_validate import GOOD, ID_COLUMN, SECOND_ID, raw_file

LOAD = dt.datetime(2026, 11, 20, 9, 30)  # the moment of the load, pinned


def check(raw: RawFile, **kwargs):
    return validate(raw, {"SRG", "PDG"}, 120, **kwargs)


def amounts(values: list[str], decimal_comma: bool = False) -> list[tuple[float | None, str | None]]:
    """Each amount as loaded, or None and the reason it was quarantined."""
    rows = [{**GOOD["claims"], "claim_id": f"C{i}", "amount_idr": v} for i, v in enumerate(values)]
    checked = check(raw_file("claims", rows, decimal_comma))
    loaded = dict(zip(checked.rows["claim_id"], checked.rows["amount_idr"]))
    reasons = {r["row_number"]: r["reason"] for r in checked.quarantine.to_dicts()}
    return [(loaded.get(f"C{i}"), reasons.get(i + 2)) for i in range(len(values))]


@pytest.mark.parametrize(("values", "decimal_comma", "expected"), [
    # A comma CSV whose amounts group with dots, as Indonesian exports do: one rule for the file.
    (["Rp 2.500", "Rp. 1.500.000", "IDR 750.000"], False, [2500.0, 1500000.0, 750000.0]),
    (["Rp. 1.500.000", "Rp 2.500,-", "2 500 000"], True, [1500000.0, 2500.0, 2500000.0]),
    (["2.500,50", "2.500"], False, [2500.5, 2500.0]),  # `2.500,50`: dots group, so `2.500` is 2500
    (["1,500,000", "2,500.75", "2,500"], True, [1500000.0, 2500.75, 2500.0]),  # commas group, even with `;`
    (["1234567.50", "250000", "0.5"], False, [1234567.5, 250000.0, 0.5]),
    (["1.234.567,50", "250.000", "0,5"], True, [1234567.5, 250000.0, 0.5]),
])
def test_amounts_are_read_by_one_rule_per_file(values, decimal_comma, expected):
    assert amounts(values, decimal_comma) == [(v, None) for v in expected]


@pytest.mark.parametrize(("values", "decimal_comma", "ambiguous"), [
    (["Rp 2.500"], False, 0),  # 2.5 or 2,500 rupiah: nothing in the file says
    (["2500.50", "Rp 2.500"], False, 1),  # the file's decimal point before three digits
    (["2500000.00", "250.000"], True, 1),  # a semicolon file whose amounts write a decimal point
    (["2,500"], True, 0),
])
def test_an_amount_that_could_be_read_two_ways_is_ambiguous_number(values, decimal_comma, ambiguous):
    result = amounts(values, decimal_comma)
    assert result[ambiguous] == (None, "ambiguous_number")
    assert all(reason is None for i, (_, reason) in enumerate(result) if i != ambiguous)


def test_a_grouping_mark_out_of_place_is_bad_number():
    assert amounts(["1.500.000", "1.50.000"]) == [(1500000.0, None), (None, "bad_number")]


@pytest.mark.parametrize("error", ERROR_CELLS)
@pytest.mark.parametrize(("source_name", "column"), [
    ("queue_tickets", "rating"), ("queue_tickets", "finished_at"), ("queue_tickets", "counter_id"),
    ("queue_tickets", "outcome"), ("claims", "participant_id"), ("claims", "amount_idr"),
    ("complaints", "reopened"),
])
def test_spreadsheet_error_cells_are_spreadsheet_error_naming_the_column(source_name, column, error):
    row = {**GOOD[source_name], ID_COLUMN[source_name]: SECOND_ID[source_name], column: f" {error.lower()} "}
    raw = raw_file(source_name, [GOOD[source_name], row])
    marked = RawFile(raw.path, raw.source, _mark_spreadsheet_errors(raw.frame, raw.source), False)
    checked = check(marked)
    assert checked.quarantine.select("row_number", "column_name", "reason").rows() == [
        (3, column, "spreadsheet_error")]
    assert checked.rows.height == 1


def test_a_timestamp_after_the_load_is_future_and_the_lower_bound_is_1990():
    times = ["2026-11-21 09:00", "2026-11-21 09:31", "2099-01-01 08:00", "1999-07-01 08:00", "1989-12-31 23:59"]
    rows = [{**GOOD["complaints"], "complaint_id": f"K{i}", "received_at": t, "first_response_at": "",
             "resolved_at": "", "status": "open"} for i, t in enumerate(times)]
    checked = check(raw_file("complaints", rows), latest=LOAD + dt.timedelta(days=1))
    assert sorted(checked.rows["complaint_id"]) == ["K0", "K3"]  # a 1999 call-centre log loads
    assert checked.quarantine.select("row_number", "reason").rows() == [
        (3, "future_timestamp"), (4, "future_timestamp"), (6, "bad_timestamp")]
    # The lower bound is the configured one.
    later = check(raw_file("complaints", rows[3:4]), earliest=dt.datetime(2000, 1, 1))
    assert later.quarantine["reason"].to_list() == ["bad_timestamp"]


def test_plausible_time_is_configured_in_sop_toml(tmp_path):
    config = Path(__file__).parents[2] / "data" / "config" / "sop.toml"
    sop = load_sop(config.parent)
    assert (sop.earliest_timestamp, sop.future_tolerance) == (dt.datetime(1990, 1, 1), dt.timedelta(days=1))
    text = config.read_text(encoding="utf-8").replace("earliest = 1990-01-01", "earliest = 1995-06-01")
    (tmp_path / "sop.toml").write_text(text.replace("future_days = 1", "future_days = 0.5"), encoding="utf-8")
    sop = load_sop(tmp_path)
    assert (sop.earliest_timestamp, sop.future_tolerance) == (dt.datetime(1995, 6, 1), dt.timedelta(hours=12))


def test_invisible_characters_are_described_and_bad_code_lists_the_accepted_codes():
    row = {**GOOD["complaints"], "complaint_id": "K2", "channel": "walk\u200b_in", "branch_code": "SRG"}
    detail = check(raw_file("complaints", [GOOD["complaints"], row])).quarantine["detail"].item()
    assert "\u200b" not in detail
    assert "walk<zero width space, U+200B>_in" in detail
    assert detail.endswith("not one of the accepted codes: walk_in, call_center, email, social_media, mass_media, "
                           "jmo, lapor, other")


def test_every_quarantine_reason_has_a_label_in_both_languages_and_a_line_in_the_data_contract():
    contract = (Path(__file__).parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    assert [r for r in REASONS if r not in CODE_LABELS] == []
    assert [r for r in REASONS if f"| `{r}` |" not in contract] == []
