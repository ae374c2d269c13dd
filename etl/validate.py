"""Validate raw text rows against the contract: typed rows out, bad rows to quarantine.

Every rule is a vectorised check. A row that breaks one is quarantined with the
first rule it broke (the order of `_checks`), the column, a reason code and its
raw values. Nothing is dropped silently: rows read = rows valid + rows
quarantined + exact duplicates.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from etl import limits
from etl.contract import FORMULA_START, MARKUP, Column, Source
from etl.extract import LONG_NUMBER, ROW_NUMBER, SPREADSHEET_ERROR, FileRejected, RawFile
from etl.parse import EARLIEST, ambiguous_amount, amount, amount_columns, decimal_comma_of, parsed_value
from etl.schema import FACT_TABLES

if TYPE_CHECKING:
    from etl.guard import Guard

REASONS = {
    "missing_required": "a required value is empty",
    "bad_timestamp": "not a timestamp with a time of day (YYYY-MM-DD HH:MM[:SS] or dd/mm/yyyy HH:MM[:SS]) from the "
                     "earliest date allowed (1990-01-01 unless data/config/sop.toml sets another) to 2099",
    "future_timestamp": "later than the load itself, beyond the tolerance (data/config/sop.toml, [plausible_time])",
    "bad_date": "not a date (YYYY-MM-DD or dd/mm/yyyy) from the earliest date allowed (1990-01-01 unless "
                "data/config/sop.toml sets another) to 2099",
    "bad_code": "not one of the accepted codes",
    "bad_number": "not a number in the accepted range",
    "ambiguous_number": "a single dot or comma before three digits (2.500): a decimal mark or a thousands "
                        "separator? Write the amount without grouping (2500) or with its decimals (2.500,00)",
    "spreadsheet_error": "a spreadsheet error cell (#REF!, #DIV/0!, #N/A, #VALUE!, #NAME?, #NULL!, #NUM!) where a "
                         "value was expected: the export's formula failed; fix it in the spreadsheet",
    "bad_boolean": "not a boolean (true/false, 1/0, ya/tidak, y/n)",
    "bad_time": "not a time of day HH:MM, or closing before opening",
    "unknown_branch": "branch_code is not in the branches table",
    # Decided by etl.guard from what the database holds, before every other rule.
    "out_of_scope": "a branch, region or record outside the uploader's region",
    "branch_changed": "the record is stored under another branch; a resend may not move it",
    "numeric_identifier": "a spreadsheet or Parquet number of 16 or more digits, which cannot hold the identifier "
                          "exactly: store the column as text",
    "status_mismatch": "contradicts the status or outcome",
    "time_order": "earlier than the timestamp before it, beyond the clock-skew tolerance",
    "duplicate_id": "the same id appears again later in this file; the later row wins",
    "control_character": "holds a control character (NUL, tab or line break inside the value)",
    "too_long": "longer than its column holds",
    "formula_text": "starts like a spreadsheet formula (=, +, - or @), which a spreadsheet would run",
    "region_mismatch": "region_code is not a region the branches table holds, or branch_code is not in it",
    "markup_text": "a name holding markup ([, ], <, > or a web address: ://, www.), which a page would show as a link",
}
CONTROL_CHARACTER = r"[\x00-\x1f\x7f]"
# A quarantined value is shown up to this many characters (detail) and stored up to this many (raw_values).
SHOWN_CHARS = 120
KEPT_CHARS = 1000
QUARANTINE_SCHEMA = {"row_number": pl.Int64, "column_name": pl.String, "reason": pl.String, "detail": pl.String,
                     "raw_values": pl.String, "branch_code": pl.String}


@dataclass(frozen=True)
class Validated:
    rows: pl.DataFrame  # typed, stored columns + clock_skew_adjusted (facts only)
    quarantine: pl.DataFrame
    exact_duplicates: int

    @property
    def adjusted(self) -> int:
        if "clock_skew_adjusted" not in self.rows.columns:
            return 0
        return int(self.rows["clock_skew_adjusted"].sum())


@dataclass(frozen=True)
class Check:
    column: str
    reason: str
    broken: pl.Expr


PARSE_REASON = {"timestamp": "bad_timestamp", "date": "bad_date", "code": "bad_code", "int": "bad_number",
                "number": "bad_number",
                "bool": "bad_boolean", "time_of_day": "bad_time"}


def validate(raw: RawFile, known_branches: set[str], clock_skew_tolerance_seconds: int,
             guard: Guard | None = None, *, earliest: dt.datetime = EARLIEST,
             latest: dt.datetime | None = None) -> Validated:
    """Split a raw file into typed valid rows and quarantined rows; `guard` adds what the database decides.

    A timestamp before `earliest` is bad_timestamp; one after `latest` (the load's moment plus its tolerance)
    is future_timestamp.

    Raises FileRejected when more rows break the rules than etl.limits lets one file quarantine.
    """
    source = raw.source
    text_columns = [c.name for c in source.stored_columns]
    cleaned = raw.frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c).str.strip_chars()).alias(c)
        for c in text_columns
    )
    distinct, exact_duplicates, ids_repeat = _drop_exact_duplicates(cleaned, text_columns, source.id_column)
    del cleaned  # `distinct` is all that is needed from here: let a large file's copy go

    # Lazy, so that polars computes shared subexpressions (a timestamp's parse feeds several rules) once.
    bare, marks = amount_columns(source.stored_columns, raw.decimal_comma)
    typed = distinct.lazy().with_columns(bare).with_columns(marks).with_columns(
        parsed_value(c, earliest).alias(f"_typed_{c.name}") for c in source.stored_columns
    )
    typed, skew_checks = _clamp_clock_skew(typed, source, clock_skew_tolerance_seconds)
    first = _marked_checks(source, raw.frame.columns)
    if guard is not None:
        typed, first = guard.attach(typed), guard.checks() + first
    checks = first + _checks(source, known_branches, latest) + skew_checks
    errors = typed.with_columns(
        pl.coalesce(pl.when(c.broken.fill_null(False)).then(pl.lit(f"{c.reason}|{c.column}")) for c in checks)
        .alias("_error")
    )
    errors = _supersede_duplicate_ids(errors, source) if ids_repeat else errors
    flags = ["clock_skew_adjusted"] if skew_checks else []
    # Only what the two results need is kept; each side then copies only its own columns.
    errors = errors.select(ROW_NUMBER, "_error", *text_columns, *[_typed(c) for c in text_columns], *flags).collect()
    bad = errors.lazy().filter(pl.col("_error").is_not_null()).select(ROW_NUMBER, "_error", *text_columns).collect()
    try:  # before the quarantine rows are built, one Python dictionary each
        counts = bad.get_column("_error").str.extract(r"^([^|]+)").value_counts()
        limits.check_quarantine(dict(counts.rows()), raw.frame.height)
    except limits.Refusal as refusal:
        raise FileRejected(raw.path, str(refusal)) from None
    good = _typed_rows(errors.lazy().filter(pl.col("_error").is_null()), source, flags).collect()
    return Validated(rows=good, quarantine=_quarantine_rows(bad, source, known_branches),
                     exact_duplicates=exact_duplicates)


def _drop_exact_duplicates(cleaned: pl.DataFrame, text_columns: list[str],
                           id_column: str) -> tuple[pl.DataFrame, int, bool]:
    """The first copy of every distinct line, stamped with `_last_seen`; the count of extra copies; whether ids repeat.

    A line repeated later in the file is as new as its last copy (A, B, A: A wins over B).
    Copies share their id, so only lines whose id repeats are compared in full, and their
    results are put back in place: at five million lines a comparison on every column, or
    a second copy of the file to sort, would take gigabytes.
    """
    repeats = cleaned.get_column(id_column).is_duplicated()
    rows = cleaned.get_column(ROW_NUMBER)
    if not repeats.any():
        return cleaned.with_columns(rows.alias("_last_seen")), 0, False
    repeated = cleaned.filter(repeats).select(
        pl.col(ROW_NUMBER).max().over(text_columns).alias("_last_seen"),
        pl.struct(text_columns).is_first_distinct().alias("_first"),
    )
    at = repeats.arg_true()  # where the repeated lines are, in the order `filter` kept them
    # `scatter` writes in place: into copies, never into the frame's own columns.
    last_seen = rows.clone().scatter(at, repeated.get_column("_last_seen")).alias("_last_seen")
    first_copy = pl.select(pl.repeat(True, cleaned.height)).to_series().scatter(at, repeated.get_column("_first"))
    distinct = cleaned.with_columns(last_seen).filter(first_copy)
    return distinct, cleaned.height - distinct.height, True


def _typed(name: str) -> pl.Expr:
    return pl.col(f"_typed_{name}")


def _checks(source: Source, known_branches: set[str], latest: dt.datetime | None = None) -> list[Check]:
    """The contract's rules for `source`, in the order they are reported."""
    columns = source.stored_columns
    checks = [Check(c.name, "missing_required", pl.col(c.name).is_null()) for c in columns if c.required]
    for c in columns:
        if c.kind == "number":
            checks.append(Check(c.name, "ambiguous_number",
                                ambiguous_amount(pl.col(amount(c.name)), pl.col(decimal_comma_of(c.name)))))
        if c.kind in PARSE_REASON:
            checks.append(Check(c.name, PARSE_REASON[c.kind], pl.col(c.name).is_not_null() & _typed(c.name).is_null()))
        elif c.kind == "text":
            checks += _text_checks(source, c)
    if latest is not None:
        checks += [Check(c.name, "future_timestamp", _typed(c.name) > latest) for c in columns if c.kind == "timestamp"]
    if source.name != "branches":
        checks.append(Check("branch_code", "unknown_branch", ~pl.col("branch_code").is_in(sorted(known_branches))))
    return checks + _cross_field_checks(source.name)


def _marked_checks(source: Source, columns: list[str]) -> list[Check]:
    """What etl.extract marked before personal data was hashed: a spreadsheet error cell, an identifier that
    arrived as a long number (it went through a float: refused)."""
    checks = []
    if SPREADSHEET_ERROR in columns:
        checks += [Check(c.name, "spreadsheet_error", pl.col(SPREADSHEET_ERROR) == c.name) for c in source.columns]
    if LONG_NUMBER in columns:
        checks += [Check(c.name, "numeric_identifier", pl.col(LONG_NUMBER) == c.name) for c in source.columns
                   if c.personal]
    return checks


def _text_checks(source: Source, column: Column) -> list[Check]:
    """Free text must fit its database column and stay inert: no control characters, nothing a spreadsheet runs.

    A name the pages show holds no link or markup either. Personal columns are keyed hashes by now, so they pass.
    """
    text = pl.col(column.name)
    checks = [Check(column.name, "control_character", text.str.contains(CONTROL_CHARACTER)),
              Check(column.name, "formula_text", text.str.contains(FORMULA_START))]
    if column.shown_as_name:
        checks.append(Check(column.name, "markup_text", text.str.contains(MARKUP)))
    length = _max_length(source, column.name)
    if length is not None:
        checks.append(Check(column.name, "too_long", text.str.len_chars() > length))
    return checks


def _max_length(source: Source, column: str) -> int | None:
    """The most characters the database column holds (PostgreSQL refuses more, and would fail the whole batch)."""
    return getattr(FACT_TABLES[source.name].c[column].type, "length", None)


def _cross_field_checks(source_name: str) -> list[Check]:
    t, is_set = _typed, (lambda name: _typed(name).is_not_null())
    if source_name == "branches":
        return [Check("closes_at", "bad_time", t("closes_at") <= t("opens_at"))]
    if source_name == "queue_tickets":
        return [
            Check("outcome", "status_mismatch", (t("outcome") == "no_show") == is_set("called_at")),
            Check("finished_at", "status_mismatch", is_set("finished_at") & ~is_set("called_at")),
            Check("counter_id", "missing_required", is_set("called_at") & ~is_set("counter_id")),
        ]
    if source_name == "claims":
        decided = t("status").is_in(["paid", "rejected"])
        return [
            Check("paid_at", "status_mismatch", (t("status") == "paid") != is_set("paid_at")),
            Check("decided_at", "status_mismatch", decided != is_set("decided_at")),
            Check("docs_complete_at", "missing_required", (t("status") == "paid") & ~is_set("docs_complete_at")),
            Check("rejection_reason", "missing_required", (t("status") == "rejected") & ~is_set("rejection_reason")),
            Check("rejection_reason", "status_mismatch", (t("status") != "rejected") & is_set("rejection_reason")),
        ]
    if source_name == "annotations":
        return [Check("ends_on", "time_order", t("ends_on") < t("starts_on"))]
    if source_name == "complaints":
        return [Check("resolved_at", "status_mismatch", (t("status") == "resolved") != is_set("resolved_at"))]
    return []


def _clamp_clock_skew(typed: pl.LazyFrame, source: Source, tolerance_seconds: int) -> tuple[pl.LazyFrame, list[Check]]:
    """Clamp timestamps that run backwards by at most the tolerance; flag the rest as time_order.

    In a chain (issued → called → finished) each timestamp is compared with the last
    one set before it; `time_order_from_first` compares each with the first only.
    """
    tolerance = pl.duration(seconds=tolerance_seconds)
    from_first = bool(source.time_order_from_first)
    chain = source.time_order_from_first or source.time_order
    if not chain:
        return typed, []
    earlier = _typed(chain[0])
    for name in chain[1:]:
        gap = _typed(name) - earlier
        skewed = (gap < pl.duration()) & (gap >= -tolerance)
        # Flags are computed before the clamp, which would hide the gap.
        typed = typed.with_columns(
            skewed.fill_null(False).alias(f"_skewed_{name}"),
            (gap < -tolerance).alias(f"_out_of_order_{name}"),
            pl.when(skewed).then(earlier).otherwise(_typed(name)).alias(f"_typed_{name}"),
        )
        if not from_first:
            earlier = pl.coalesce(_typed(name), earlier)
    checks = [Check(name, "time_order", pl.col(f"_out_of_order_{name}")) for name in chain[1:]]
    adjusted = pl.any_horizontal(pl.col(f"_skewed_{name}") for name in chain[1:]).alias("clock_skew_adjusted")
    return typed.with_columns(adjusted), checks


def _supersede_duplicate_ids(errors: pl.LazyFrame, source: Source) -> pl.LazyFrame:
    """Among valid rows sharing an id in one file, the last wins; earlier ones are quarantined."""
    valid = pl.col("_error").is_null()
    last_valid = pl.col("_last_seen") == pl.col("_last_seen").filter(valid).max().over(source.id_column)
    return errors.with_columns(
        pl.when(valid & ~last_valid).then(pl.lit(f"duplicate_id|{source.id_column}")).otherwise(pl.col("_error"))
        .alias("_error")
    )


def _typed_rows(good: pl.LazyFrame, source: Source, flags: list[str]) -> pl.LazyFrame:
    """The stored columns with their typed values; times of day are kept as `HH:MM` text."""
    def stored(column: Column) -> pl.Expr:
        value = _typed(column.name)
        return (value.dt.strftime("%H:%M") if column.kind == "time_of_day" else value).alias(column.name)

    return good.select(*[stored(c) for c in source.stored_columns], *flags)


def _quarantine_rows(bad: pl.DataFrame, source: Source, known_branches: set[str]) -> pl.DataFrame:
    """One row per bad row: where, why, the offending value and every raw value as JSON.

    Built row by row in Python: bad rows are few, and the text reads the same as the file.
    """
    text_columns = [c.name for c in source.stored_columns]
    rows = []
    for row in bad.select(ROW_NUMBER, "_error", *text_columns).iter_rows(named=True):
        reason, column = row["_error"].split("|", 1)
        raw_values = {c: _shortened(row[c], KEPT_CHARS) for c in text_columns}
        offending = _shown(row.get(column)) if row.get(column) else "(empty)"
        rows.append({"row_number": row[ROW_NUMBER], "column_name": column, "reason": reason,
                     "detail": f"{column} = '{offending}': {_reason_text(reason, row[column], source, column)}",
                     # JSON escapes control characters, so even a NUL is stored as text.
                     "raw_values": json.dumps(raw_values, ensure_ascii=False),
                     # Who may read the row (service.data): only a branch the database knows, never whatever
                     # a shifted or broken row put there (a NIK, a name).
                     "branch_code": row["branch_code"] if row["branch_code"] in known_branches else None})
    return pl.DataFrame(rows, schema=QUARANTINE_SCHEMA)


def _reason_text(reason: str, value: str | None, source: Source, column: str) -> str:
    if reason == "too_long":
        return f"{len(value):,} characters, more than the {_max_length(source, column)} this column holds"
    if reason == "bad_code":
        return f"{REASONS[reason]}: {', '.join(source.column(column).codes)}"
    return REASONS[reason]


def _shortened(value: str | None, limit: int) -> str | None:
    """`value`, or its first `limit` characters and how long it was: a 10 MB cell is not copied into quarantine."""
    if value is None or len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value):,} characters)"


def _shown(value: str) -> str:
    """A value as the detail shows it: control characters visible as escapes, characters that print nothing
    (a zero-width space, a non-breaking space) described, long values cut short."""
    visible = "".join(_visible(ch) for ch in value[:SHOWN_CHARS])
    return visible + (f"… ({len(value):,} characters)" if len(value) > SHOWN_CHARS else "")


def _visible(ch: str) -> str:
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return repr(ch)[1:-1]
    if ch != " " and unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp", "Co", "Cn"):
        return f"<{unicodedata.name(ch, 'unnamed character').lower()}, U+{ord(ch):04X}>"
    return ch
