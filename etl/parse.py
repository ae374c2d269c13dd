"""Reading one cell's text as a typed value: timestamps, amounts, booleans, times of day, codes.

Each parser is a polars expression giving null where the text is not a value of its kind; etl.validate turns
a null beside a non-empty cell into the quarantine reason for that kind.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl.contract import Column

TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M")
OFFSET_FORMATS = ("%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M%:z")
TRUE_WORDS = ("true", "1", "ya", "y")
FALSE_WORDS = ("false", "0", "tidak", "n")
# Timestamps before EARLIEST (default; data/config/sop.toml may set another) or after LAST_YEAR are not read.
# Later than the load itself is checked apart (`future_timestamp`), against the moment of the load.
EARLIEST = dt.datetime(1990, 1, 1)
LAST_YEAR = 2099


def parse_timestamp(text: pl.Expr, earliest: dt.datetime = EARLIEST) -> pl.Expr:
    """ISO 8601 or dd/mm/yyyy, seconds optional; an offset is converted to Jakarta local time.

    Null before `earliest` and after LAST_YEAR: such a date is a typing slip or a system's placeholder.
    """
    # Most exports write `yyyy-mm-dd HH:MM:SS`: parsed directly, about ten times faster than the
    # general path below, which then only sees the other values (what it would give these is the same).
    common = text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
    text = pl.when(common.is_null()).then(text).otherwise(pl.lit(""))  # "": no work (a null still costs)
    # One shape first (yyyy-mm-dd HH:MM[:SS]), so that only two formats need trying.
    iso = text.str.replace("T", " ", literal=True).str.replace(r"^(\d{2})/(\d{2})/(\d{4})", "$3-$2-$1")
    has_offset = iso.str.contains(r"(Z|[+-]\d{2}:\d{2})$")
    local = pl.when(~has_offset).then(iso)
    offset = pl.when(has_offset).then(iso.str.replace(r"Z$", "+00:00"))
    parsed = pl.coalesce(
        common,
        *[local.str.strptime(pl.Datetime("us"), f, strict=False) for f in TIMESTAMP_FORMATS],
        *[offset.str.strptime(pl.Datetime("us", "UTC"), f, strict=False).dt.convert_time_zone("Asia/Jakarta")
          .dt.replace_time_zone(None) for f in OFFSET_FORMATS],
    )
    return pl.when((parsed >= earliest) & (parsed.dt.year() <= LAST_YEAR)).then(parsed)


def parse_date(text: pl.Expr, earliest: dt.datetime = EARLIEST) -> pl.Expr:
    """A calendar day, ISO 8601 or dd/mm/yyyy; a spreadsheet date cell arrives with a midnight time."""
    day = text.str.replace(r"[ T]00:00(:00(\.0+)?)?$", "")
    parsed = pl.coalesce(day.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
                         day.str.strptime(pl.Date, "%d/%m/%Y", strict=False))
    return pl.when((parsed >= earliest.date()) & (parsed.dt.year() <= LAST_YEAR)).then(parsed)


def amount_text(text: pl.Expr) -> pl.Expr:
    """An amount without its currency (`Rp`, `Rp.`, `IDR`), blanks, or the `,-` that says "no sen"."""
    return text.str.replace_all(r"^(?i:rp\.?|idr)|[\s\u00a0\u202f]|[.,]-$", "")  # one pass over the text


def amount_columns(columns: list[Column], decimal_comma: bool) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Two steps of helper columns per amount column: its bare text, then the file's decimal mark for it.

    Computed once and referred to by name (`amount`, `decimal_comma_of`): the parse and the ambiguity rule
    both need them, and a rule written out again would be worked out again on every row.
    """
    amounts = [c.name for c in columns if c.kind == "number"]
    return ([amount_text(pl.col(n)).alias(amount(n)) for n in amounts],
            [decimal_comma_in(pl.col(amount(n)), decimal_comma).alias(decimal_comma_of(n)) for n in amounts])


def amount(name: str) -> str:
    return f"_amount_{name}"


def decimal_comma_of(name: str) -> str:
    return f"_decimal_comma_{name}"


def decimal_comma_in(plain: pl.Expr, default: bool) -> pl.Expr:
    """Whether this file's amounts write the decimal mark as a comma: one rule for the whole file.

    What the values themselves show decides: `1.500.000` or `2.500,50` (dots group), `2500,5` (a comma with
    other than three digits after it) say comma; `1,500,000`, `2,500.50` and `2500.5` say point. When they
    say nothing, or both, the file's own convention holds (a semicolon CSV writes a decimal comma).
    """
    comma = plain.str.contains(r"^[+-]?\d{1,3}(\.\d{3}){2,}$|^[+-]?\d{1,3}(\.\d{3})+,\d+$|^[+-]?\d+,(\d{1,2}|\d{4,})$"
                               r"|^[+-]?\d{4,},\d+$").any()
    point = plain.str.contains(r"^[+-]?\d{1,3}(,\d{3}){2,}$|^[+-]?\d{1,3}(,\d{3})+\.\d+$|^[+-]?\d+\.(\d{1,2}|\d{4,})$"
                               r"|^[+-]?\d{4,}\.\d+$").any()
    return pl.when(comma & ~point).then(True).when(point & ~comma).then(False).otherwise(default)


def ambiguous_amount(plain: pl.Expr, decimal_comma: pl.Expr) -> pl.Expr:
    """`2.500` or `2,500` where that mark is the file's decimal mark: 2.5 or 2,500 rupiah? Never guessed."""
    return pl.when(decimal_comma).then(plain.str.contains(r"^[+-]?\d{1,3},\d{3}$")).otherwise(
        plain.str.contains(r"^[+-]?\d{1,3}\.\d{3}$"))


def parse_number(plain: pl.Expr, decimal_comma: pl.Expr) -> pl.Expr:
    """An amount's bare text (`amount_text`) read by the file's one rule: its decimal mark, the other mark
    grouping thousands. A grouping mark out of place (`1.50.000`) or an ambiguous value is no number."""
    as_comma = pl.when(plain.str.contains(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$")).then(
        plain.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
    as_point = pl.when(plain.str.contains(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")).then(
        plain.str.replace_all(",", "", literal=True))
    # Other spellings a number column may hold as text (`1e+300` from a Parquet float, `NaN`) go to the float
    # reader as they are; the checks below refuse what is not a finite amount.
    other = pl.when(~plain.str.contains(r"^[+-]?[\d.,]+$")).then(plain)
    number = pl.coalesce(pl.when(decimal_comma).then(as_comma).otherwise(as_point), other).cast(pl.Float64,
                                                                                                strict=False)
    return pl.when(number.is_finite() & ~ambiguous_amount(plain, decimal_comma)).then(number)


def parse_boolean(text: pl.Expr) -> pl.Expr:
    lowered = text.str.to_lowercase()
    return pl.when(lowered.is_in(TRUE_WORDS)).then(True).when(lowered.is_in(FALSE_WORDS)).then(False)


def parse_time_of_day(text: pl.Expr) -> pl.Expr:
    """`HH:MM`; spreadsheet time cells arrive as `1899-12-31 08:00:00` or `08:00:00`."""
    hh_mm = text.str.extract(r"^(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2}:\d{2})(?::00(?:\.0+)?)?$")
    return hh_mm.str.strptime(pl.Time, "%H:%M", strict=False)


def parsed_value(column: Column, earliest: dt.datetime = EARLIEST) -> pl.Expr:
    """The typed value of a column, null when its text does not parse.

    A number column is read from its helper columns (`amount_columns`): its decimal mark is decided once for
    the file, from all its values.
    """
    text = pl.col(column.name)
    parsed = {
        "text": text, "code": text,
        "timestamp": parse_timestamp(text, earliest),
        "date": parse_date(text, earliest),
        "int": text.str.to_integer(strict=False),
        "number": parse_number(pl.col(amount(column.name)), pl.col(decimal_comma_of(column.name))),
        "bool": parse_boolean(text),
        "time_of_day": parse_time_of_day(text),
    }[column.kind]
    if column.kind in ("int", "number"):
        if column.minimum is not None:
            parsed = pl.when(parsed >= column.minimum).then(parsed)
        if column.maximum is not None:
            parsed = pl.when(parsed <= column.maximum).then(parsed)
    if column.kind == "code":
        parsed = pl.when(text.is_in(column.codes)).then(text)
    return parsed
