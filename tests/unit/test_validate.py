"""Validation rules: every bad row goes to quarantine with the right reason, column and row number."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from etl.contract import SOURCES
from etl.extract import ROW_NUMBER, RawFile
from etl.pseudonymise import protect_personal_data, pseudonym
from etl.validate import validate
from tests.conftest import TEST_SECRET

BRANCHES = {"SRG", "PDG"}
TOLERANCE_SECONDS = 120
NIK = "3601234567890001"

# One valid row per source, as raw text; a bad row is this row with a few cells changed.
GOOD = {
    "branches": {
        "branch_code": "SRG", "branch_name": "KC Serang", "branch_type": "KC", "region_code": "BTN",
        "region_name": "Banten", "city": "Serang", "counters": "4", "opens_at": "08:00", "closes_at": "15:00",
    },
    "queue_tickets": {
        "ticket_id": "T1", "visit_id": "V1", "branch_code": "SRG", "participant_id": NIK, "service": "claim_jht",
        "priority_group": "", "issued_at": "2026-11-16 08:00:00", "called_at": "2026-11-16 08:10:00",
        "finished_at": "2026-11-16 08:20:00", "counter_id": "L1", "outcome": "resolved", "rating": "5",
    },
    "claims": {
        "claim_id": "C1", "branch_code": "SRG", "participant_id": NIK, "programme": "JHT", "channel": "jmo",
        "amount_idr": "1500000", "submitted_at": "2026-11-16 09:00:00", "docs_complete_at": "2026-11-16 09:30:00",
        "decided_at": "2026-11-17 10:00:00", "paid_at": "2026-11-17 14:00:00", "status": "paid",
        "rejection_reason": "",
    },
    "complaints": {
        "complaint_id": "K1", "branch_code": "SRG", "participant_id": NIK, "participant_name": "Siti Aminah",
        "channel": "walk_in", "category": "queue", "received_at": "2026-11-16 10:00:00",
        "first_response_at": "2026-11-16 11:00:00", "resolved_at": "2026-11-18 10:00:00", "status": "resolved",
        "reopened": "tidak",
    },
    "annotations": {
        "annotation_id": "E1", "region_code": "BTN", "branch_code": "", "category": "outage",
        "starts_on": "2026-10-05", "ends_on": "2026-10-11", "label": "JMO gangguan", "text": "", "author": "Kanwil",
    },
}
ID_COLUMN = {name: source.id_column for name, source in SOURCES.items()}
# The id of the second row, so that it is not a duplicate of the first.
SECOND_ID = {"branches": "PDG", "queue_tickets": "T2", "claims": "C2", "complaints": "K2", "annotations": "E2"}


def raw_file(source_name: str, rows: list[dict[str, str]], decimal_comma: bool = False) -> RawFile:
    """A RawFile as `read_raw` builds it: canonical text columns, row numbers from 2 (the header is row 1)."""
    source = SOURCES[source_name]
    frame = pl.DataFrame(
        [{c: row.get(c) for c in source.column_names} for row in rows],
        schema={c: pl.String for c in source.column_names},
    ).select((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW_NUMBER), *source.column_names)
    return RawFile(Path(f"{source_name}.csv"), source, frame, decimal_comma)


def good_then(source_name: str, **changes: str) -> RawFile:
    """The good row (row 2), then the good row with `changes` and its own id (row 3)."""
    bad = {**GOOD[source_name], ID_COLUMN[source_name]: SECOND_ID[source_name], **changes}
    return raw_file(source_name, [GOOD[source_name], bad])


def run(raw: RawFile):
    return validate(raw, BRANCHES, TOLERANCE_SECONDS)


def quarantined(validated) -> list[tuple[int, str, str]]:
    return [(q["row_number"], q["column_name"], q["reason"]) for q in validated.quarantine.to_dicts()]


def assert_reconciles(raw: RawFile, validated) -> None:
    assert raw.frame.height == validated.rows.height + validated.quarantine.height + validated.exact_duplicates


def assert_second_row_quarantined(source_name: str, changes: dict[str, str], column: str, reason: str) -> None:
    raw = good_then(source_name, **changes)
    validated = run(raw)
    assert quarantined(validated) == [(3, column, reason)]
    id_column = ID_COLUMN[source_name]
    assert validated.rows[id_column].to_list() == [GOOD[source_name][id_column]]
    assert_reconciles(raw, validated)


REQUIRED = [
    (source.name, column.name) for source in SOURCES.values() for column in source.stored_columns if column.required
]


@pytest.mark.parametrize(("source_name", "column"), REQUIRED, ids=[f"{s}.{c}" for s, c in REQUIRED])
@pytest.mark.parametrize("empty", ["", "   "], ids=["empty", "blank"])
def test_missing_required_value_is_quarantined(source_name, column, empty):
    raw = good_then(source_name, **{column: empty})
    validated = run(raw)
    # An empty id cannot name the second row; the first row keeps its own id either way.
    assert quarantined(validated) == [(3, column, "missing_required")]
    assert validated.rows.height == 1
    assert_reconciles(raw, validated)


BAD_TIMESTAMPS = [
    ("queue_tickets", "issued_at", "kemarin"),
    ("queue_tickets", "issued_at", "2026-13-01 08:00"),
    ("queue_tickets", "issued_at", "16-11-2026 08:00"),
    ("queue_tickets", "issued_at", "2026-11-16"),
    ("queue_tickets", "issued_at", "1900-01-01 08:00:00"),
    ("queue_tickets", "issued_at", "2999-01-01 08:00:00"),
    ("queue_tickets", "called_at", "08:10"),
    ("queue_tickets", "finished_at", "31/02/2026 08:20"),
    ("claims", "submitted_at", "1900-01-01 09:00"),
    ("claims", "submitted_at", "2999-11-16 09:00"),
    ("claims", "docs_complete_at", "besok"),
    ("claims", "decided_at", "17/11/26 10:00"),
    ("claims", "paid_at", "2026-11-17 25:00"),
    ("complaints", "received_at", "1900-01-01 10:00"),
    ("complaints", "received_at", "2999-01-01 10:00"),
    ("complaints", "first_response_at", "n/a"),
    ("complaints", "resolved_at", "18.11.2026 10:00"),
]


@pytest.mark.parametrize(("source_name", "column", "value"), BAD_TIMESTAMPS)
def test_unparseable_or_implausible_timestamp_is_bad_timestamp(source_name, column, value):
    assert_second_row_quarantined(source_name, {column: value}, column, "bad_timestamp")


BAD_CODES = [
    ("branches", "branch_type", "KCU"),
    ("queue_tickets", "service", "klaim"),
    ("queue_tickets", "priority_group", "vip"),
    ("queue_tickets", "outcome", "Resolved"),
    ("claims", "programme", "jht"),
    ("claims", "channel", "kantor"),
    ("claims", "status", "approved"),
    ("complaints", "channel", "fax"),
    ("complaints", "category", "parking"),
    ("complaints", "status", "closed"),
]


@pytest.mark.parametrize(("source_name", "column", "value"), BAD_CODES)
def test_value_outside_the_code_list_is_bad_code(source_name, column, value):
    assert_second_row_quarantined(source_name, {column: value}, column, "bad_code")


def test_unknown_rejection_reason_is_bad_code():
    changes = {"status": "rejected", "paid_at": "", "rejection_reason": "lainnya"}
    assert_second_row_quarantined("claims", changes, "rejection_reason", "bad_code")


BAD_NUMBERS = [
    ("queue_tickets", "rating", "7"),
    ("queue_tickets", "rating", "0"),
    ("queue_tickets", "rating", "x"),
    ("queue_tickets", "rating", "4.5"),
    ("branches", "counters", "0"),
    ("branches", "counters", "empat"),
    ("claims", "amount_idr", "-5"),
    ("claims", "amount_idr", "satu juta"),
    ("claims", "amount_idr", "NaN"),  # bug: NaN passes the minimum check and loads
    ("claims", "amount_idr", "inf"),  # bug: infinity is not an amount in rupiah
]


@pytest.mark.parametrize(("source_name", "column", "value"), BAD_NUMBERS)
def test_number_out_of_range_or_unparseable_is_bad_number(source_name, column, value):
    assert_second_row_quarantined(source_name, {column: value}, column, "bad_number")


@pytest.mark.parametrize("value", ["mungkin", "yes", "2"])
def test_unrecognised_boolean_is_bad_boolean(value):
    assert_second_row_quarantined("complaints", {"reopened": value}, "reopened", "bad_boolean")


@pytest.mark.parametrize(("changes", "column"), [
    ({"opens_at": "25:00"}, "opens_at"),
    ({"opens_at": "jam 8"}, "opens_at"),
    ({"closes_at": "3pm"}, "closes_at"),
    ({"opens_at": "15:00", "closes_at": "08:00"}, "closes_at"),
    ({"opens_at": "08:00", "closes_at": "08:00"}, "closes_at"),
], ids=["hour-25", "words", "am-pm", "closes-before-opens", "closes-when-opens"])
def test_bad_service_hours_are_bad_time(changes, column):
    assert_second_row_quarantined("branches", changes, column, "bad_time")


@pytest.mark.parametrize("source_name", ["queue_tickets", "claims", "complaints"])
@pytest.mark.parametrize("branch_code", ["JKT", "srg"])
def test_branch_code_not_in_branches_is_unknown_branch(source_name, branch_code):
    assert_second_row_quarantined(source_name, {"branch_code": branch_code}, "branch_code", "unknown_branch")


STATUS_MISMATCHES = [
    ("no-show-with-called-at", "queue_tickets", {"outcome": "no_show", "finished_at": ""}, "outcome",
     "status_mismatch"),
    ("resolved-without-called-at", "queue_tickets", {"called_at": "", "finished_at": "", "counter_id": ""},
     "outcome", "status_mismatch"),
    ("finished-without-called", "queue_tickets", {"outcome": "no_show", "called_at": "", "counter_id": ""},
     "finished_at", "status_mismatch"),
    ("called-without-counter", "queue_tickets", {"counter_id": ""}, "counter_id", "missing_required"),
    ("paid-without-paid-at", "claims", {"paid_at": ""}, "paid_at", "status_mismatch"),
    ("paid-at-on-in-process", "claims", {"status": "in_process", "decided_at": ""}, "paid_at", "status_mismatch"),
    ("decided-at-on-in-process", "claims", {"status": "in_process", "paid_at": ""}, "decided_at",
     "status_mismatch"),
    ("rejected-without-decided-at", "claims",
     {"status": "rejected", "decided_at": "", "paid_at": "", "rejection_reason": "employer_arrears"},
     "decided_at", "status_mismatch"),
    ("rejected-without-reason", "claims", {"status": "rejected", "paid_at": ""}, "rejection_reason",
     "missing_required"),
    ("reason-on-paid", "claims", {"rejection_reason": "duplicate_membership"}, "rejection_reason",
     "status_mismatch"),
    ("paid-without-docs-complete", "claims", {"docs_complete_at": ""}, "docs_complete_at", "missing_required"),
    ("resolved-without-resolved-at", "complaints", {"resolved_at": ""}, "resolved_at", "status_mismatch"),
    ("resolved-at-on-open", "complaints", {"status": "open"}, "resolved_at", "status_mismatch"),
    ("resolved-at-in-progress", "complaints", {"status": "in_progress"}, "resolved_at", "status_mismatch"),
]


@pytest.mark.parametrize(("source_name", "changes", "column", "reason"), [case[1:] for case in STATUS_MISMATCHES],
                         ids=[case[0] for case in STATUS_MISMATCHES])
def test_row_contradicting_its_status_is_quarantined(source_name, changes, column, reason):
    assert_second_row_quarantined(source_name, changes, column, reason)


# (source, a timestamp, the timestamp it must not precede)
ORDERED_PAIRS = [
    ("queue_tickets", "called_at", "issued_at"),
    ("queue_tickets", "finished_at", "called_at"),
    ("claims", "docs_complete_at", "submitted_at"),
    ("claims", "decided_at", "docs_complete_at"),
    ("claims", "paid_at", "decided_at"),
    ("complaints", "first_response_at", "received_at"),
    ("complaints", "resolved_at", "received_at"),
]


def _before(source_name: str, earlier: str, seconds: int) -> str:
    """The good value of `earlier` minus `seconds`, as raw text."""
    moment = dt.datetime.fromisoformat(GOOD[source_name][earlier]) - dt.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize(("source_name", "column", "earlier"), ORDERED_PAIRS)
@pytest.mark.parametrize("seconds", [121, 600, 86_400])
def test_timestamp_earlier_than_the_one_before_it_beyond_tolerance_is_time_order(source_name, column, earlier,
                                                                                   seconds):
    changes = {column: _before(source_name, earlier, seconds)}
    assert_second_row_quarantined(source_name, changes, column, "time_order")


@pytest.mark.parametrize(("source_name", "column", "earlier"), ORDERED_PAIRS)
@pytest.mark.parametrize("seconds", [1, 120])
def test_clock_skew_within_tolerance_is_clamped_flagged_and_loaded(source_name, column, earlier, seconds):
    raw = good_then(source_name, **{column: _before(source_name, earlier, seconds)})
    validated = run(raw)
    assert quarantined(validated) == []
    assert validated.adjusted == 1
    assert validated.rows["clock_skew_adjusted"].to_list() == [False, True]
    clamped = validated.rows.row(1, named=True)
    assert clamped[column] == clamped[earlier] == dt.datetime.fromisoformat(GOOD[source_name][earlier])
    assert_reconciles(raw, validated)


@pytest.mark.parametrize("source_name", list(SOURCES))
def test_duplicate_id_in_one_file_keeps_the_later_valid_row(source_name):
    id_column = ID_COLUMN[source_name]
    changed = "city" if source_name == "branches" else "branch_code"
    resent = {**GOOD[source_name], changed: "Cilegon" if source_name == "branches" else "PDG"}
    raw = raw_file(source_name, [GOOD[source_name], resent])
    validated = run(raw)
    assert quarantined(validated) == [(2, id_column, "duplicate_id")]
    assert validated.rows[changed].to_list() == [resent[changed]]
    assert_reconciles(raw, validated)


def test_duplicate_id_whose_later_row_is_bad_keeps_the_earlier_valid_row():
    raw = raw_file("queue_tickets", [GOOD["queue_tickets"], {**GOOD["queue_tickets"], "rating": "9"}])
    validated = run(raw)
    assert quarantined(validated) == [(3, "rating", "bad_number")]
    assert validated.rows["rating"].to_list() == [5]


def test_resend_that_repeats_an_earlier_version_of_a_row_wins_over_the_version_between():
    # Bug: exact duplicates keep the FIRST copy, so row 4 (the latest word on T1) is dropped as a
    # duplicate of row 2 and the older row 3 wins. Keeping the last copy fixes it.
    first = GOOD["queue_tickets"]
    corrected = {**first, "rating": "3"}
    raw = raw_file("queue_tickets", [first, corrected, first])
    validated = run(raw)
    assert validated.exact_duplicates == 1
    assert validated.rows["rating"].to_list() == [5]
    assert quarantined(validated) == [(3, "ticket_id", "duplicate_id")]


@pytest.mark.parametrize("source_name", list(SOURCES))
def test_exact_duplicate_lines_are_counted_not_quarantined(source_name):
    good = GOOD[source_name]
    padded = {column: f" {value} " if value else value for column, value in good.items()}
    other = {**good, ID_COLUMN[source_name]: SECOND_ID[source_name]}
    raw = raw_file(source_name, [good, other, good, padded])
    validated = run(raw)
    assert validated.exact_duplicates == 2
    assert quarantined(validated) == []
    id_column = ID_COLUMN[source_name]
    assert sorted(validated.rows[id_column]) == sorted([good[id_column], other[id_column]])
    assert_reconciles(raw, validated)


def test_quarantine_keeps_the_raw_text_with_personal_data_protected():
    raw = protect_personal_data(good_then("complaints", reopened="mungkin", received_at="16/11/2026 10:00"),
                                TEST_SECRET)
    row = run(raw).quarantine.row(0, named=True)
    assert json.loads(row["raw_values"]) == {
        "complaint_id": "K2", "branch_code": "SRG", "participant_id": pseudonym(TEST_SECRET, NIK),
        "channel": "walk_in", "category": "queue", "received_at": "16/11/2026 10:00",
        "first_response_at": "2026-11-16 11:00:00", "resolved_at": "2026-11-18 10:00:00", "status": "resolved",
        "reopened": "mungkin",
    }
    assert NIK not in row["raw_values"] and "Siti" not in row["raw_values"]
    assert row["detail"] == "reopened = 'mungkin': not a boolean (true/false, 1/0, ya/tidak, y/n)"


def test_quarantined_claim_keeps_the_amount_as_written():
    raw = protect_personal_data(good_then("claims", amount_idr="Rp -5"), TEST_SECRET)
    row = run(raw).quarantine.row(0, named=True)
    assert (row["row_number"], row["column_name"], row["reason"]) == (3, "amount_idr", "bad_number")
    raw_values = json.loads(row["raw_values"])
    assert raw_values["amount_idr"] == "Rp -5"
    assert raw_values["participant_id"] == pseudonym(TEST_SECRET, NIK)
    assert raw_values["rejection_reason"] is None


@pytest.mark.parametrize(("column", "value"), [
    ("branch_name", "[Masuk](https://evil.example/sso)"),
    ("branch_name", "![](https://evil.example/pixel.png)"),
    ("region_name", "<img src=x onerror=alert(1)>"),
    ("region_name", "Kanwil <https://evil.example>"),
    ("city", "https://evil.example/sso"),
    ("branch_name", "KC Serang WWW.evil.example"),
])
def test_markup_in_a_name_the_pages_show_is_markup_text(column, value):
    assert_second_row_quarantined("branches", {column: value}, column, "markup_text")


@pytest.mark.parametrize("name", ["KC Jakarta Salemba", "KCP Pandeglang", "KC Tangerang Cikokol",
                                  "KC Cilegon – Ñusantara Café", "KC Bekasi (Cikarang)", "KCP Jkt. Sel/Barat"])
def test_real_office_names_are_not_markup(name):
    validated = run(good_then("branches", branch_name=name, region_name="Kanwil DKI Jakarta", city="Jakarta Pusat"))
    assert validated.quarantine.is_empty() and validated.rows["branch_name"].to_list() == ["KC Serang", name]


def test_a_row_breaking_several_rules_is_quarantined_once_with_the_first_rule():
    changes = {"branch_code": "JKT", "rating": "9", "outcome": "no_show"}
    assert_second_row_quarantined("queue_tickets", changes, "rating", "bad_number")
