"""Mapping files, without a database: what each key does to an export's cells, and every mistake refused at once."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from etl.mapping import MappingError, apply_mapping, load_mappings
from etl.parse import parse_timestamp

COMPLAINTS_HEAD = 'source = "complaints"\nfile_patterns = ["export*"]\n'


def _mapping(tmp_path: Path, body: str, head: str = COMPLAINTS_HEAD):
    (tmp_path / "m.toml").write_text(head + body, encoding="utf-8")
    [mapping] = load_mappings(tmp_path)
    return mapping


def _mistakes(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as error:
        load_mappings(tmp_path)
    return error.value.problems


def _shaped(mapping, export: dict[str, list]) -> pl.DataFrame:
    return apply_mapping(pl.DataFrame(export, schema={k: pl.String for k in export}), mapping)


def _timestamps(frame: pl.DataFrame, column: str) -> list[dt.datetime | None]:
    """What validation makes of the shaped column: None is bad_timestamp (the text is kept, so it is not empty)."""
    return frame.select(parse_timestamp(pl.col(column))).to_series().to_list()


def test_month_first_with_a_24_hour_clock_is_read_month_first(tmp_path):
    mapping = _mapping(tmp_path, '[columns]\n"Date" = "received_at"\n'
                                 '[timestamps]\nreceived_at = ["%m/%d/%Y %H:%M"]\n')
    frame = _shaped(mapping, {"Date": ["04/12/2018 13:05", "11/13/2014 08:00", "13/11/2014 08:00"]})
    assert _timestamps(frame, "received_at") == [dt.datetime(2018, 4, 12, 13, 5), dt.datetime(2014, 11, 13, 8), None]


def test_a_slash_date_without_a_format_is_never_read_day_first(tmp_path):
    # Before: a mapped column took the contract's day-first default, so 04/12/2018 loaded as 4 December.
    mapping = _mapping(tmp_path, '[columns]\n"Date" = "received_at"\n')
    frame = _shaped(mapping, {"Date": ["04/12/2018 13:05", "2018-04-12 13:05", None]})
    assert _timestamps(frame, "received_at") == [None, dt.datetime(2018, 4, 12, 13, 5), None]
    assert frame["received_at"][0].startswith("04/12/2018 13:05 (expected YYYY-MM-DD")
    assert frame["received_at"][2] is None  # an empty cell stays empty, not bad


def test_twelve_hour_clock_formats_are_tried_in_order_each_strict(tmp_path):
    mapping = _mapping(tmp_path, '[columns]\n"Created" = "received_at"\n'
                                 '[timestamps]\nreceived_at = ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p"]\n')
    frame = _shaped(mapping, {"Created": ["04/12/2018 11:11:26 AM", "04/12/2018 11:11:26 PM", "04/12/2018 12:00:00 AM",
                                          "4/2/2018 1:05 pm", "04/12/2018 13:11:26", "04/12/2018 11:11:26"]})
    assert _timestamps(frame, "received_at") == [
        dt.datetime(2018, 4, 12, 11, 11, 26), dt.datetime(2018, 4, 12, 23, 11, 26), dt.datetime(2018, 4, 12, 0, 0),
        dt.datetime(2018, 4, 2, 13, 5), None, None,  # a 24-hour time, and one without AM/PM: neither format says so
    ]


def test_a_date_alone_is_a_timestamp_only_where_the_mapping_says_so(tmp_path):
    mapping = _mapping(tmp_path, '[columns]\n"Received" = "received_at"\n"Sent" = "first_response_at"\n'
                                 '[timestamps]\nreceived_at = ["%m/%d/%Y"]\nfirst_response_at = ["%m/%d/%Y %H:%M"]\n')
    frame = _shaped(mapping, {"Received": ["11/13/2014", "2014-11-13", "11/13/2014 10:00"],
                              "Sent": ["11/13/2014", "11/13/2014 10:00", None]})
    assert _timestamps(frame, "received_at") == [dt.datetime(2014, 11, 13), dt.datetime(2014, 11, 13), None]
    assert _timestamps(frame, "first_response_at") == [None, dt.datetime(2014, 11, 13, 10), None]


def test_constants_defaults_otherwise_and_one_column_feeding_two(tmp_path):
    mapping = _mapping(tmp_path, """
[columns]
"Date received" = ["received_at", "first_response_at"]
"Issue" = "category"
"Disputed?" = "reopened"
[constants]
branch_code = "SRG"
[defaults]
reopened = false
[values.category]
"Long wait" = "queue"
"Rude staff" = "staff_attitude"
[otherwise]
category = "other"
[values.reopened]
"Yes" = "true"
"No" = "false"
[timestamps]
received_at = ["%m/%d/%Y"]
first_response_at = ["%m/%d/%Y"]
""")
    frame = _shaped(mapping, {"Date received": ["11/13/2014", "11/14/2014", "11/15/2014"],
                              "Issue": ["Long wait", "Billing dispute", None], "Disputed?": ["Yes", "", "No"]})
    assert frame.select("branch_code", "category", "reopened", "received_at", "first_response_at").rows() == [
        ("SRG", "queue", "true", "2014-11-13 00:00:00", "2014-11-13 00:00:00"),
        ("SRG", "other", "false", "2014-11-14 00:00:00", "2014-11-14 00:00:00"),
        ("SRG", None, "false", "2014-11-15 00:00:00", "2014-11-15 00:00:00"),  # empty stays empty: no default
    ]
    # The same mapping on an export without the "Disputed?" column: the default fills every row.
    frame = _shaped(mapping, {"Date received": ["11/13/2014"], "Issue": ["Long wait"]})
    assert frame["reopened"].to_list() == ["false"]


def test_conditional_values_come_from_another_column_when_a_condition_holds(tmp_path):
    mapping = _mapping(tmp_path, """
[columns]
"Created" = "received_at"
"State" = "status"
[values.status]
"Open" = "open"
"Assigned" = "in_progress"
"Closed" = "resolved"
[timestamps]
received_at = ["%m/%d/%Y %I:%M:%S %p"]
resolved_at = ["%m/%d/%Y %I:%M:%S %p"]
[[conditional]]
column = "resolved_at"
from = "Closed Date"
when = "State"
is = ["Closed"]
[[conditional]]
column = "status"
value = "in_progress"
when = "Updated"
is_not = [""]
[[conditional]]
column = "status"
value = "resolved"
when = "Updated"
is = ["never wins: the first rule that holds does"]
""")
    frame = _shaped(mapping, {
        "Created": ["04/12/2018 11:11:26 AM"] * 3, "State": ["Closed", "Open", "Open"],
        "Closed Date": ["04/13/2018 09:00:00 AM", "04/13/2018 09:00:00 AM", None],
        "Updated": [None, None, "04/12/2018 01:00:00 PM"],
    })
    assert frame.select("status", "resolved_at").rows() == [
        ("resolved", "2018-04-13 09:00:00"), ("open", None), ("in_progress", None)]


def test_a_conditional_can_override_a_constant(tmp_path):
    mapping = _mapping(tmp_path, '[columns]\n"ID" = "complaint_id"\n[constants]\nstatus = "open"\n'
                                 '[[conditional]]\ncolumn = "status"\nvalue = "resolved"\nwhen = "Done"\nis = ["Y"]\n')
    assert _shaped(mapping, {"ID": ["a", "b"], "Done": ["Y", None]})["status"].to_list() == ["resolved", "open"]


def test_a_conditional_reading_a_column_the_file_lacks_refuses_the_file(tmp_path):
    from etl.mapping import HeaderMissing
    mapping = _mapping(tmp_path, '[columns]\n"State" = "status"\n[[conditional]]\ncolumn = "status"\n'
                                 'value = "resolved"\nwhen = "Closed"\nis_not = [""]\n')
    with pytest.raises(HeaderMissing, match="missing column.s. Closed, which mapping m reads"):
        _shaped(mapping, {"State": ["open"]})


def test_every_mistake_in_every_mapping_file_is_reported_at_once(tmp_path):
    problems = _mistakes(tmp_path, {
        "a.toml": COMPLAINTS_HEAD + """
decimal_coma = true
[columns]
"Date" = "received_at"
"Opened" = "received_at"
"Kind" = "kategori"
[values.channel]
"Web" = "jmo"
[values.status]
"" = "open"
"Closed" = "closed"
[otherwise]
category = "other"
[timestamps]
received_at = ["%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"]
status = ["%Y"]
[constants]
status = "open"
""",
        "b.toml": 'source = "complaint"\n',
        "c.toml": COMPLAINTS_HEAD + '[columns]\n"T" = "resolved_at"\n'
                                    '[timestamps]\nresolved_at = ["%m/%d/%Y %I:%M", "%m/%d/%y %H:%M %Z"]\n'
                                    '[defaults]\nbranch_code = "SRG"\n'
                                    '[[conditional]]\ncolumn = "status"\nfrom = "S"\nvalue = "open"\nwhen = "S"\n',
    })
    assert problems == [
        "a.toml: decimal_coma: not a mapping key (expected one of source, file_patterns, decimal_comma, columns, "
        "constants, defaults, values, otherwise, timestamps, conditional)",
        "a.toml: columns.'Opened': received_at is already fed by 'Date'; one export column per canonical column",
        "a.toml: columns.'Kind': 'kategori' is not a column of this source (expected one of branch_code, category, "
        "channel, complaint_id, first_response_at, participant_id, participant_name, received_at, reopened, "
        "resolved_at, status)",
        "a.toml: values.channel: the mapping does not produce channel; name the export column that feeds it in "
        "[columns] (its values are never translated otherwise)",
        "a.toml: values.status: the mapping does not produce status; name the export column that feeds it in "
        "[columns] (its values are never translated otherwise)",
        "a.toml: otherwise.category: needs a [values.category] table, whose unlisted values it replaces",
        "a.toml: timestamps.received_at: the formats disagree on whether the day or the month comes first, so a date "
        "such as 04/12 would be read either way; keep one order",
        "a.toml: timestamps.status: not a timestamp column of this source (expected one of received_at, "
        "first_response_at, resolved_at)",
        "b.toml: source: expected one of branches, queue_tickets, claims, complaints, annotations",
        "c.toml: conditional #1: expected either from (an export column) or value (a fixed value)",
        "c.toml: conditional #1: expected either is or is_not (a list of values of the when column)",
        "c.toml: defaults.branch_code: no export column feeds branch_code in [columns]; use [constants] for a column "
        "the export never has",
        "c.toml: timestamps.resolved_at: '%m/%d/%Y %I:%M': a 12-hour clock needs both %I and %p (AM/PM); a 24-hour "
        "clock uses %H without %p",
        "c.toml: timestamps.resolved_at: '%m/%d/%y %H:%M %Z': %y, %Z not allowed (expected %Y %m %d %H %M %S, %I with "
        "%p for a 12-hour clock, %b or %B for a month name, %e for a day without a leading zero)",
    ]


def test_keys_that_would_do_nothing_or_break_the_contract_are_refused(tmp_path):
    problems = _mistakes(tmp_path, {"a.toml": COMPLAINTS_HEAD + """
[columns]
"Via" = "channel"
"State" = "status"
"Date" = "received_at"
[values.channel]
"Web" = "website"
"" = "walk_in"
[values.received_at]
"today" = "2026-01-01 00:00"
[constants]
status = "open"
[otherwise]
channel = "fax"
""", "b.toml": 'source = "claims"\nfile_patterns = []\n'})
    assert problems == [
        "a.toml: constants.status: the export already feeds this column in [columns]",
        "a.toml: values.channel: the key \"\" never matches (an empty cell is empty, not text); use [defaults] "
        "channel = ... for empty cells",
        "a.toml: values.received_at: received_at is a timestamp; give its formats in [timestamps] instead",
        "a.toml: values.channel: 'website' is not a code of channel (expected one of walk_in, call_center, email, "
        "social_media, mass_media, jmo, lapor, other)",
        "a.toml: otherwise.channel: 'fax' is not a code of channel (expected one of walk_in, call_center, email, "
        "social_media, mass_media, jmo, lapor, other)",
        "b.toml: file_patterns: expected a list of file-name patterns such as [\"complaints_export*\"]; without one "
        "the mapping applies to no file",
    ]


def test_a_missing_mappings_folder_is_an_error_not_an_empty_list(tmp_path):
    with pytest.raises(MappingError, match="the mappings folder does not exist"):
        load_mappings(tmp_path / "nowhere")
