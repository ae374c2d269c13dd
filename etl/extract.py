"""Read raw exports (CSV, XLSX, Parquet) as text, with canonical column names.

Every cell is read as text so that parsing happens in validation, where a bad
cell becomes a quarantined row instead of a silent null. A file that cannot be
read at all raises `FileRejected`, naming the file and the problem: its line and column where known, and
what was expected, never a cell's value (a file without a header row, or in another encoding, would put a
participant's NIK or name into the message, which is stored, printed and shown on the Data page).
Size limits (etl.limits) are checked before any reader holds the data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl import limits
from etl.contract import Source, source_for_file
from etl.mapping import HeaderMissing, Mapping, apply_mapping
from etl.readers import FileRejected, read_csv, read_parquet, read_xlsx

ROW_NUMBER = "_row"  # the row's line in the file as a spreadsheet shows it: the header is row 1
READERS = (".csv", ".xlsx", ".parquet")
# Marks a row whose personal identifier arrived as a spreadsheet or Parquet number of 16 or more digits, holding
# that column's name: such a number went through a float and is not the identifier written (validation refuses it).
LONG_NUMBER = "_long_number"
# Marks a row holding a spreadsheet error cell (#REF!, #N/A, …) in a contract column, with that column's name:
# marked before personal columns are hashed, so an error cell is found in any column.
SPREADSHEET_ERROR = "_spreadsheet_error"
ERROR_CELLS = ("#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NULL!", "#NUM!")
# A column name that is really a value (a number, a date): the file has no header row, its first row was taken for one.
DATA_LIKE_NAME = r"^[+-]?\d[\d .,:/-]{3,}$"


@dataclass(frozen=True)
class RawFile:
    """One raw file, read: text columns with canonical names plus its row numbers."""

    path: Path
    source: Source
    frame: pl.DataFrame
    decimal_comma: bool
    mapping: str | None = None
    blank_lines: int = 0  # lines with no value at all: skipped, counted on the batch, neither loaded nor quarantined
    notes: tuple[str, ...] = ()  # what reading did that the batch should say (an encoding guessed, a line skipped)


def raw_files(raw_dir: Path, mappings: list[Mapping]) -> list[tuple[Path, Source | None, Mapping | None]]:
    """The loadable files in `raw_dir` in name order (a later weekly drop wins), branches first."""
    found = []
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
        mapping = next((m for m in mappings if m.matches(path.name)), None)
        source = mapping.source if mapping else source_for_file(path.name)
        found.append((path, source, mapping))
    # Branches load first so that every other file can check its branch codes.
    return sorted(found, key=lambda f: (f[1] is None or f[1].name != "branches", f[0].name))


def read_raw(path: Path, source: Source | None, mapping: Mapping | None = None) -> RawFile:
    """Read one file as text with canonical headers; raise FileRejected when that is impossible."""
    if source is None:
        raise FileRejected(path, "unknown source: the name must start with branches, queue_tickets, claims or "
                                 "complaints, or match a mapping in data/mappings/")
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise FileRejected(path, f"unsupported file type '{suffix}' (use .csv, .xlsx or .parquet)")
    personal = {c.name for c in source.columns if c.personal}

    def canonical(header: str) -> str:
        # A header feeding several columns is marked by the personal one among them.
        targets = mapping.targets(header) if mapping else ()
        return next((t for t in targets if t in personal), targets[0] if targets else header.strip().lower())

    def is_personal(header: str) -> bool:
        return canonical(header) in personal

    notes: tuple[str, ...] = ()
    try:
        long_numbers: dict[str, pl.Series] = {}
        if suffix == ".csv":
            frame, separator, notes = read_csv(path, source, _known_names(source, mapping))
            decimal_comma = separator == ";"
        elif suffix == ".xlsx":
            (frame, long_numbers), decimal_comma = read_xlsx(path, is_personal), False
        else:
            wanted = set(source.column_names)
            (frame, long_numbers), decimal_comma = read_parquet(path, lambda h: canonical(h) in wanted,
                                                                 is_personal), False
        _check_headers(path, frame.columns, canonical, source, mapping)
        # Row numbers before blank lines go, so that each row keeps the line a spreadsheet shows it on.
        frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW_NUMBER))
        marks = [pl.when(pl.lit(cells)).then(pl.lit(canonical(h))) for h, cells in long_numbers.items()
                 if cells.any()]
        if marks:
            frame = frame.with_columns(pl.coalesce(marks).alias(LONG_NUMBER))
        frame, blank_lines = _drop_blank_lines(frame)
        limits.check_rows(frame.height)
    except limits.Refusal as refusal:
        raise FileRejected(path, str(refusal)) from None
    if mapping is not None:
        try:
            frame = apply_mapping(frame, mapping)
        except HeaderMissing as missing:
            raise FileRejected(path, str(missing)) from None
        # Spreadsheet and Parquet numbers are typed already; the mapping speaks of CSV text only.
        if mapping.decimal_comma is not None and suffix == ".csv":
            decimal_comma = mapping.decimal_comma
    frame = _mark_spreadsheet_errors(_canonical_columns(path, frame, source, mapping), source)
    if blank_lines:
        notes += (f"{blank_lines:,} blank line(s) skipped (no value at all): not counted as rows",)
    return RawFile(path, source, frame, decimal_comma, mapping.name if mapping else None, blank_lines, notes)


INTERNAL_COLUMNS = (ROW_NUMBER, LONG_NUMBER)


def _mark_spreadsheet_errors(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Name, per row, the first stored column holding an error cell's text; a name nobody keeps may hold one."""
    names = [c.name for c in source.stored_columns]
    # A quick look at the first character first (a prefix test is ten times cheaper than a search): most columns
    # of most files hold no value starting with '#' or a blank, and are not read again.
    hashes = frame.select((pl.col(n).str.starts_with("#") | pl.col(n).str.starts_with(" ")).any()
                          for n in names).row(0)
    error = r"(?i)^\s*(?:" + "|".join(re.escape(e) for e in ERROR_CELLS) + r")\s*$"
    found = [pl.when(pl.col(n).str.contains(error)).then(pl.lit(n)) for n, has in zip(names, hashes) if has]
    marked = frame.with_columns(pl.coalesce(found).alias(SPREADSHEET_ERROR)) if found else frame
    return marked if found and marked[SPREADSHEET_ERROR].is_not_null().any() else frame


def _drop_blank_lines(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The rows that hold at least one value, and how many held none (an empty line, or only separators)."""
    values = [c for c in frame.columns if c not in INTERNAL_COLUMNS]
    if not values or frame.height == 0:
        return frame, 0
    def blank(c: str) -> pl.Expr:
        return pl.col(c).is_null() | pl.col(c).str.contains(r"^\s*$")
    # A blank line is blank in its first column: most files have none there, and are not looked at further.
    if not frame.select(blank(values[0]).any()).item():
        return frame, 0
    kept = frame.filter(~pl.all_horizontal(blank(c) for c in values))
    return kept, frame.height - kept.height


def _check_headers(path: Path, headers: list[str], canonical, source: Source, mapping: Mapping | None) -> None:
    """Refuse a header that gives one contract column twice: which one holds the value would be a guess.

    Headers match ignoring case and blanks, and through the mapping; `outcome` and `Outcome`, or two export
    headers a mapping sends to `status`, are the same column. Extra columns the contract does not know may repeat.
    """
    wanted = set(source.column_names)
    seen: dict[str, list[int]] = {}
    for number, header in enumerate(headers, 1):
        # The readers rename a repeated header (CSV `x_duplicated_0`, XLSX `x_1`): it is the same header again.
        repeated = re.match(r"^(.*?)_(?:duplicated_)?\d+$", header)
        name = canonical(repeated.group(1) if repeated and repeated.group(1) in headers else header)
        if name in wanted:
            seen.setdefault(name, []).append(number)
    twice = {name: numbers for name, numbers in seen.items() if len(numbers) > 1}
    if not twice:
        return
    name, numbers = next(iter(twice.items()))
    where = " and ".join(str(n) for n in numbers)
    through = f" (through the mapping {mapping.name})" if mapping else ""
    raise FileRejected(path, f"line 1 (the header): columns {where} are the same column, {name}{through}; headers are "
                             "matched ignoring case and blanks, so each contract column may appear only once. "
                             "Remove or rename the extra column and load the file again")


def _known_names(source: Source, mapping: Mapping | None) -> set[str]:
    """Column names a message may repeat: the contract's and the mapping's. Any other "name" may be a value."""
    return {c.name for c in source.columns} | {h.strip().lower() for h in (mapping.columns if mapping else {})}


def _canonical_columns(path: Path, frame: pl.DataFrame, source: Source, mapping: Mapping | None) -> pl.DataFrame:
    """Keep the contract's columns in order; a missing required column rejects the file."""
    found: dict[str, str] = {}  # canonical name -> the file's header (read_raw refused a contract name given twice)
    for column in frame.columns:
        if column not in INTERNAL_COLUMNS:
            found.setdefault(column.strip().lower(), column)
    missing = [c.name for c in source.columns if c.required and c.name not in found]
    if missing:
        headers = [c.strip().lower() for c in frame.columns if c not in INTERNAL_COLUMNS]
        raise FileRejected(path, f"missing required column(s) {', '.join(missing)} for {source.name}; "
                                 + _found_columns(path, headers, _known_names(source, mapping)))
    return frame.select(
        ROW_NUMBER,
        *[pl.col(found[c.name]).alias(c.name) if c.name in found else pl.lit(None, dtype=pl.String).alias(c.name)
          for c in source.columns],
        *[pl.col(LONG_NUMBER)] * (LONG_NUMBER in frame.columns),
    )


def _found_columns(path: Path, columns: list[str], known_names: set[str]) -> str:
    """The columns found, as far as a message may name them: names the contract or a mapping knows, and a count
    of the rest (in a file without a header row they are the first row's values: a NIK, a name)."""
    named = [c for c in columns if c in known_names]
    others = len(columns) - len(named)
    found = f"found {', '.join(named) or 'none of its columns'}"
    if others:
        found += f" and {others:,} other column(s), not named here"
    if any(re.match(DATA_LIKE_NAME, c) for c in columns):
        found += ("; the first line holds values (numbers, dates), not column names: the file has no header row. "
                  "Export it with its header row")
    elif len(columns) == 1 and path.suffix.lower() == ".csv":
        # Only a separator between names the contract knows is named: a single character, never a value.
        between = set(re.findall(r"(?<=[a-z0-9_])([^a-z0-9_\s])(?=[a-z0-9_])", columns[0]))
        names = [n for n in re.split(r"[^a-z0-9_]+", columns[0]) if n in known_names]
        used = f" (its names are separated by '{between.pop()}')" if len(between) == 1 and len(names) > 1 else ""
        found += f"; the header reads as a single column{used}: separate the columns with commas, semicolons or tabs"
    return found
