"""Mapping files: how a foreign export's headers and values become the canonical contract.

A mapping is checked whole before any data is read: every key must do something, every target must be a
column or code of the contract, and every mistake in every file is reported at once (`MappingError`). The
format is documented in data/README.md, section 9.
"""
from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.contract import SOURCES, Source

KEYS = ("source", "file_patterns", "decimal_comma", "columns", "constants", "defaults", "values", "otherwise",
        "timestamps", "conditional")
CONDITIONAL_KEYS = ("column", "from", "value", "when", "is", "is_not")
# Directives a timestamp format may use (chrono's, as polars reads them). Each says one thing, so a format
# always says whether the day or the month comes first; time zones and fractions stay the contract's ISO form.
DIRECTIVES = {"Y": "year", "m": "month", "b": "month", "B": "month", "d": "day", "e": "day", "H": "hour",
              "I": "hour", "M": "minute", "S": "second", "p": "am_pm"}
ISO = "%Y-%m-%d %H:%M:%S"
# The contract's own year-first form (offsets included): unambiguous, and how spreadsheet date cells read.
YEAR_FIRST = r"^\d{4}-\d{2}-\d{2}[ T]\d"


class MappingError(ValueError):
    """Mapping files that cannot be used: every mistake found, one per line (file: key: what was expected)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class HeaderMissing(Exception):
    """A file lacks an export column that a mapping's condition reads: the file cannot be shaped."""


@dataclass(frozen=True)
class Conditional:
    """On rows where export column `when` holds one of `is_` (or none of `is_not`), `column` takes the value of
    export column `source`, or the fixed canonical `value`. An empty string in `is_`/`is_not` is an empty cell."""

    column: str
    when: str
    is_: tuple[str, ...] | None
    is_not: tuple[str, ...] | None
    source: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Mapping:
    """How a real export's headers and values translate into the canonical contract."""

    name: str
    source: Source
    file_patterns: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # export header -> the canonical columns it feeds
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical column -> export value -> code
    decimal_comma: bool | None = None
    constants: dict[str, str] = field(default_factory=dict)  # canonical column the export lacks -> its value
    defaults: dict[str, str] = field(default_factory=dict)  # canonical column -> value for an empty or absent cell
    otherwise: dict[str, str] = field(default_factory=dict)  # canonical column -> code for any unlisted value
    timestamps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical column -> formats, in order
    conditionals: tuple[Conditional, ...] = ()

    def matches(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name.lower(), p.lower()) for p in self.file_patterns)

    def targets(self, header: str) -> tuple[str, ...]:
        """The canonical columns an export header feeds (none when the mapping does not name it)."""
        return self.columns.get(header.strip(), ())


def load_mappings(mappings_dir: Path) -> list[Mapping]:
    """Every `*.toml` mapping in `mappings_dir`; raises MappingError listing every mistake in every file."""
    if not mappings_dir.is_dir():
        raise MappingError([f"{mappings_dir}: the mappings folder does not exist"])
    mappings, problems = [], []
    for path in sorted(mappings_dir.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            problems.append(f"{path.name}: not a readable TOML file ({error})")
            continue
        found: list[str] = []
        mapping = _mapping(path.stem, raw, found)
        problems += [f"{path.name}: {p}" for p in found]
        if mapping is not None and not found:
            mappings.append(mapping)
    if problems:
        raise MappingError(problems)
    return mappings


def _mapping(name: str, raw: dict, problems: list[str]) -> Mapping | None:
    for key in raw:
        if key not in KEYS:
            problems.append(f"{key}: not a mapping key (expected one of {', '.join(KEYS)})")
    source = SOURCES.get(raw.get("source")) if isinstance(raw.get("source"), str) else None
    if source is None:
        problems.append(f"source: expected one of {', '.join(SOURCES)}")
        return None
    patterns = raw.get("file_patterns")
    if not (isinstance(patterns, list) and patterns and all(isinstance(p, str) and p.strip() for p in patterns)):
        problems.append("file_patterns: expected a list of file-name patterns such as [\"complaints_export*\"]; "
                        "without one the mapping applies to no file")
        patterns = []
    decimal_comma = raw.get("decimal_comma")
    if decimal_comma is not None and not isinstance(decimal_comma, bool):
        problems.append("decimal_comma: expected true or false")
    known = set(source.column_names)
    columns = _columns(_table(raw, "columns", problems), known, problems)
    fed = {c for targets in columns.values() for c in targets}
    conditionals = _conditionals(raw.get("conditional", []), source, problems)
    read = fed | {c.column for c in conditionals if c.source}  # columns whose cells come from the export
    constants = _scalars(raw, "constants", known, problems)
    for column in sorted(set(constants) & fed):
        problems.append(f"constants.{column}: the export already feeds this column in [columns]")
    defaults = _scalars(raw, "defaults", known, problems)
    for column in sorted(set(defaults) - fed):
        problems.append(f"defaults.{column}: no export column feeds {column} in [columns]; "
                        f"use [constants] for a column the export never has")
    values = {}
    for column, table in _table(raw, "values", problems).items():
        key = f"values.{column}"
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            problems.append(f"{key}: expected a table of export value = \"canonical value\"")
        elif column not in read:
            problems.append(f"{key}: the mapping does not produce {column}; name the export column that feeds it "
                            "in [columns] (its values are never translated otherwise)")
        elif source.column(column).kind == "timestamp":
            problems.append(f"{key}: {column} is a timestamp; give its formats in [timestamps] instead")
        else:
            if "" in table:
                problems.append(f"{key}: the key \"\" never matches (an empty cell is empty, not text); use "
                                f"[defaults] {column} = ... for empty cells")
            values[column] = {k: v for k, v in table.items() if k != ""}
    otherwise = _scalars(raw, "otherwise", known, problems)
    for column in sorted(set(otherwise) - set(values)):
        problems.append(f"otherwise.{column}: needs a [values.{column}] table, whose unlisted values it replaces")
    timestamps = _timestamps(_table(raw, "timestamps", problems), source, read, problems)
    written = [(f"values.{c}", c, v) for c, table in values.items() for v in table.values()]
    written += [(f"{key}.{c}", c, v) for key, table in (("constants", constants), ("defaults", defaults),
                                                         ("otherwise", otherwise)) for c, v in table.items()]
    written += [("conditional", c.column, c.value) for c in conditionals if c.value is not None]
    for where, column, value in written:
        codes = source.column(column).codes
        if codes and value not in (*codes, ""):
            problems.append(f"{where}: {value!r} is not a code of {column} (expected one of {', '.join(codes)})")
    if problems:
        return None
    return Mapping(name=name, source=source, file_patterns=tuple(patterns), columns=columns, values=values,
                   decimal_comma=decimal_comma, constants=constants, defaults=defaults, otherwise=otherwise,
                   timestamps=timestamps, conditionals=tuple(conditionals))


def _table(raw: dict, key: str, problems: list[str]) -> dict:
    table = raw.get(key, {})
    if not isinstance(table, dict):
        problems.append(f"{key}: expected a table ([{key}])")
        return {}
    return table


def _columns(table: dict, known: set[str], problems: list[str]) -> dict[str, tuple[str, ...]]:
    """Export header -> canonical columns; a canonical column fed by two headers is refused."""
    columns, fed_by = {}, {}
    for header, targets in table.items():
        targets = (targets,) if isinstance(targets, str) else targets
        if not (isinstance(targets, list | tuple) and targets and all(isinstance(t, str) for t in targets)):
            problems.append(f"columns.{header!r}: expected a canonical column name, or a list of them")
            continue
        for target in targets:
            if target not in known:
                problems.append(f"columns.{header!r}: {target!r} is not a column of this source "
                                f"(expected one of {', '.join(sorted(known))})")
            elif target in fed_by:
                problems.append(f"columns.{header!r}: {target} is already fed by {fed_by[target]!r}; "
                                "one export column per canonical column")
            else:
                fed_by[target] = header
        columns[header.strip()] = tuple(targets)
    return columns


def _scalars(raw: dict, key: str, known: set[str], problems: list[str]) -> dict[str, str]:
    """A table of canonical column -> one value; TOML booleans and numbers are written as the contract's text."""
    found = {}
    for column, value in _table(raw, key, problems).items():
        if column not in known:
            problems.append(f"{key}.{column}: not a column of this source (expected one of {', '.join(sorted(known))})")
        elif isinstance(value, bool):
            found[column] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            found[column] = str(value)
        else:
            problems.append(f"{key}.{column}: expected one value (text, a number, true or false)")
    return found


def _conditionals(tables: object, source: Source, problems: list[str]) -> list[Conditional]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append("conditional: expected [[conditional]] tables")
        return []
    found = []
    for number, table in enumerate(tables, start=1):
        where = f"conditional #{number}"
        size = len(problems)
        for key in table:
            if key not in CONDITIONAL_KEYS:
                problems.append(f"{where}: {key!r} is not a key here (expected {', '.join(CONDITIONAL_KEYS)})")
        column = table.get("column")
        if column not in source.column_names:
            problems.append(f"{where}: column: expected the canonical column it sets, one of "
                            f"{', '.join(source.column_names)}")
        if ("from" in table) == ("value" in table):
            problems.append(f"{where}: expected either from (an export column) or value (a fixed value)")
        if not isinstance(table.get("when"), str):
            problems.append(f"{where}: when: expected the export column whose value decides")
        if "from" in table and not isinstance(table["from"], str):
            problems.append(f"{where}: from: expected the export column whose value is taken")
        if ("is" in table) == ("is_not" in table):
            problems.append(f"{where}: expected either is or is_not (a list of values of the when column)")
        lists = {k: [v] if isinstance(v, str) else v for k, v in table.items() if k in ("is", "is_not")}
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists.values()):
            problems.append(f"{where}: is / is_not: expected a list of values")
        if len(problems) == size:
            value = table.get("value")
            found.append(Conditional(
                column=column, when=table["when"].strip(), source=table.get("from", "").strip() or None,
                value=("true" if value else "false") if isinstance(value, bool) else None if value is None
                else str(value),
                is_=tuple(lists["is"]) if "is" in lists else None,
                is_not=tuple(lists["is_not"]) if "is_not" in lists else None))
    return found


def _timestamps(table: dict, source: Source, read: set[str], problems: list[str]) -> dict[str, tuple[str, ...]]:
    found = {}
    for column, formats in table.items():
        key = f"timestamps.{column}"
        formats = [formats] if isinstance(formats, str) else formats
        if column not in source.column_names or source.column(column).kind != "timestamp":
            stamps = [c.name for c in source.columns if c.kind == "timestamp"]
            problems.append(f"{key}: not a timestamp column of this source (expected one of {', '.join(stamps)})")
        elif column not in read:
            problems.append(f"{key}: the mapping does not produce {column}; name its export column in [columns]")
        elif not (isinstance(formats, list) and formats and all(isinstance(f, str) for f in formats)):
            problems.append(f"{key}: expected a list of formats such as [\"%m/%d/%Y %I:%M:%S %p\"]")
        else:
            mistakes = [f"{key}: {f!r}: {m}" for f in formats if (m := _format_problem(f))]
            orders = {_day_first(f) for f in formats} - {None}
            if len(orders) > 1:
                mistakes.append(f"{key}: the formats disagree on whether the day or the month comes first, so a date "
                                "such as 04/12 would be read either way; keep one order")
            problems += mistakes
            if not mistakes:
                found[column] = tuple(formats)
    return found


def _format_problem(text: str) -> str | None:
    """What is wrong with a timestamp format, or None."""
    directives = re.findall(r"%(.)", text)
    unknown = [f"%{d}" for d in directives if d not in DIRECTIVES]
    if unknown:
        return (f"{', '.join(unknown)} not allowed (expected %Y %m %d %H %M %S, %I with %p for a 12-hour clock, "
                "%b or %B for a month name, %e for a day without a leading zero)")
    parts = [DIRECTIVES[d] for d in directives]
    if len(parts) != len(set(parts)):
        return "a part (year, month, day, hour, ...) appears twice"
    if not {"year", "month", "day"} <= set(parts):
        return "expected a year (%Y), a month (%m) and a day (%d)"
    if "hour" in parts and "minute" not in parts:
        return "an hour needs minutes (%M)"
    if ("minute" in parts or "second" in parts) and "hour" not in parts:
        return "minutes need an hour (%H or %I)"
    if ("I" in directives) != ("p" in directives):
        return "a 12-hour clock needs both %I and %p (AM/PM); a 24-hour clock uses %H without %p"
    return None


def _day_first(text: str) -> bool | None:
    """Whether a format puts the day before a numeric month; None when the month is a name (never ambiguous)."""
    directives = re.findall(r"%(.)", text)
    if "m" not in directives:
        return None
    day = next(i for i, d in enumerate(directives) if DIRECTIVES.get(d) == "day")
    return day < directives.index("m")


def apply_mapping(frame: pl.DataFrame, mapping: Mapping) -> pl.DataFrame:
    """The export's columns as the canonical columns the mapping produces, its other columns as they were.

    Raises HeaderMissing when a conditional reads an export column the file does not have.
    """
    headers = {c.strip(): c for c in frame.columns}
    needed = {c.when for c in mapping.conditionals} | {c.source for c in mapping.conditionals if c.source}
    missing = sorted(needed - set(headers))
    if missing:
        raise HeaderMissing(f"missing column(s) {', '.join(missing)}, which mapping {mapping.name} reads in its "
                            "[[conditional]] tables")

    def cell(header: str) -> pl.Expr:
        text = pl.col(headers[header]).str.strip_chars()
        return pl.when(text != "").then(text)  # an empty or blank cell is empty

    produced = {}
    for header, targets in mapping.columns.items():
        for column in targets:
            if header in headers:
                produced[column] = _translated(mapping, column, cell(header))
    for column, value in mapping.defaults.items():
        produced.setdefault(column, pl.lit(value))  # the file lacks the column: its default on every row
    produced |= {column: pl.lit(value) for column, value in mapping.constants.items()}
    for column in dict.fromkeys(c.column for c in mapping.conditionals):
        chain = None
        for rule in (c for c in mapping.conditionals if c.column == column):
            holds = _condition(rule, cell(rule.when))
            value = pl.lit(rule.value) if rule.value is not None else _translated(mapping, column, cell(rule.source))
            chain = (pl.when(holds) if chain is None else chain.when(holds)).then(value)  # the first that holds wins
        produced[column] = chain.otherwise(produced.get(column, pl.lit(None, dtype=pl.String)))
    # The export's other columns pass through (a header already canonical needs no mapping); a header the
    # mapping reads, or one named like a column it produces, does not.
    named = set(mapping.columns) | needed
    kept = [c for c in frame.columns if c.strip() not in named and c.strip().lower() not in produced]
    return frame.select(*kept, *[expr.cast(pl.String).alias(column) for column, expr in produced.items()])


def _condition(rule: Conditional, value: pl.Expr) -> pl.Expr:
    listed = rule.is_ if rule.is_ is not None else rule.is_not
    matches = value.is_in([v for v in listed if v]).fill_null(False)
    if "" in listed:
        matches = matches | value.is_null()
    return matches if rule.is_ is not None else ~matches


def _translated(mapping: Mapping, column: str, value: pl.Expr) -> pl.Expr:
    """One export cell as the canonical column's text: translated, defaulted, timestamps in the contract's form."""
    if mapping.source.column(column).kind == "timestamp":
        out = _timestamp(value, mapping.timestamps.get(column, ()))
    elif column in mapping.values:
        listed = mapping.values[column]
        out = value.replace(listed)
        if column in mapping.otherwise:
            unlisted = value.is_not_null() & ~value.is_in(list(listed))
            out = pl.when(unlisted).then(pl.lit(mapping.otherwise[column])).otherwise(out)
    else:
        out = value
    if column in mapping.defaults:
        out = pl.when(value.is_null()).then(pl.lit(mapping.defaults[column])).otherwise(out)
    return out


def _timestamp(text: pl.Expr, formats: tuple[str, ...]) -> pl.Expr:
    """A timestamp read by the column's formats (each strict, first match wins) and written year-first.

    A year-first value is passed on as it is: the contract reads it, offsets included. Any other value that no
    format reads is marked with what was expected, so that validation quarantines it as bad_timestamp instead of
    reading it with the contract's day-first default: a month-first 04/12/2018 must never load as 4 December.
    """
    # A spreadsheet's date cell reads year-first: where the mapping allows a date alone, so does that.
    date_only = ("%Y-%m-%d",) if any("hour" not in {DIRECTIVES[d] for d in re.findall(r"%(.)", f)}
                                     for f in formats) else ()
    parsed = pl.coalesce(*[text.str.strptime(pl.Datetime("us"), f, strict=False) for f in (*formats, *date_only)],
                         pl.lit(None, dtype=pl.Datetime("us")))
    expected = " or ".join(formats) if formats else "YYYY-MM-DD HH:MM:SS; give other forms in [timestamps]"
    return (pl.when(text.is_null()).then(pl.lit(None, dtype=pl.String))
            .when(parsed.is_not_null()).then(parsed.dt.strftime(ISO))
            .when(text.str.contains(YEAR_FIRST)).then(text)
            .otherwise(text + pl.lit(f" (expected {expected})")))
