"""Read raw exports (CSV, XLSX, Parquet) as text, with canonical column names.

Every cell is read as text so that parsing happens in validation, where a bad
cell becomes a quarantined row instead of a silent null. A file that cannot be
read at all raises `FileRejected`, naming the file and the problem: its line and column where known, and
what was expected, never a cell's value (a file without a header row, or in another encoding, would put a
participant's NIK or name into the message, which is stored, printed and shown on the Data page).
Size limits (etl.limits) are checked before any reader holds the data.
"""
from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl import limits
from etl.contract import Source, source_for_file
from etl.mapping import HeaderMissing, Mapping, apply_mapping

ROW_NUMBER = "_row"  # the row's line in the file as a spreadsheet shows it: the header is row 1
READERS = (".csv", ".xlsx", ".parquet")
SEPARATORS = (",", ";", "\t")  # comma first: it wins a tie, such as a header of one column
# Marks a row whose personal identifier arrived as a spreadsheet or Parquet number of 16 or more digits, holding
# that column's name: such a number went through a float and is not the identifier written (validation refuses it).
LONG_NUMBER = "_long_number"
LONG_NUMBER_DIGITS = 16  # a float keeps 15 significant digits; Excel shows and stores no more
# A column name that is really a value (a number, a date): the file has no header row, its first row was taken for one.
DATA_LIKE_NAME = r"^[+-]?\d[\d .,:/-]{3,}$"
HEAD_BYTES = 1 << 16  # enough for any header line and for recognising a file that is not a CSV at all
# Files that are not text at all, by their first bytes: named so the user knows what to do.
FOREIGN_FORMATS = (
    (b"\xff\xfe", "UTF-16 text: save the export as UTF-8 (in Excel: 'CSV UTF-8')"),
    (b"\xfe\xff", "UTF-16 text: save the export as UTF-8 (in Excel: 'CSV UTF-8')"),
    (b"PK\x03\x04", "a zip archive, probably an XLSX workbook named .csv: rename it to .xlsx"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook: save it as .xlsx or as 'CSV UTF-8'"),
)


class FileRejected(Exception):
    """A raw file that cannot be loaded at all; nothing from it is loaded."""

    def __init__(self, path: Path, problem: str):
        # What a file says (its header, a value) can hold control characters: shown as escapes, so the
        # message reads as text and PostgreSQL, which refuses NUL in text, can store it.
        problem = "".join(repr(ch)[1:-1] if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in problem)
        super().__init__(f"{path.name}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class RawFile:
    """One raw file, read: text columns with canonical names plus its row numbers."""

    path: Path
    source: Source
    frame: pl.DataFrame
    decimal_comma: bool
    mapping: str | None = None


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

    try:
        long_numbers: dict[str, pl.Series] = {}
        if suffix == ".csv":
            frame, separator = _read_csv(path, source, mapping)
            decimal_comma = separator == ";"
        elif suffix == ".xlsx":
            (frame, long_numbers), decimal_comma = _read_xlsx(path, is_personal), False
        else:
            (frame, long_numbers), decimal_comma = _read_parquet(path, is_personal), False
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
    frame = _canonical_columns(path, frame, source, mapping)
    marks = [pl.when(pl.lit(cells)).then(pl.lit(canonical(h))) for h, cells in long_numbers.items() if cells.any()]
    if marks:
        frame = frame.with_columns(pl.coalesce(marks).alias(LONG_NUMBER))
    return RawFile(path, source, frame, decimal_comma, mapping.name if mapping else None)


def _known_names(source: Source, mapping: Mapping | None) -> set[str]:
    """Column names a message may repeat: the contract's and the mapping's. Any other "name" may be a value."""
    return {c.name for c in source.columns} | {h.strip().lower() for h in (mapping.columns if mapping else {})}


def _read_csv(path: Path, source: Source, mapping: Mapping | None) -> tuple[pl.DataFrame, str]:
    limits.check_csv_size(path)
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    _check_utf8(path, _known_names(source, mapping))
    text = head.decode("utf-8-sig", errors="ignore")  # only a character cut at HEAD_BYTES can be ignored here
    if _looks_like_html(text):
        # Said as a missing header first, like any file without the contract's columns, then why.
        required = ", ".join(c.name for c in source.columns if c.required)
        raise FileRejected(path, f"missing required column(s) {required} for {source.name}: the file is a web page "
                                 "(HTML), not a CSV export (it starts with an HTML tag), often an error "
                                 "page or a report page saved by the browser. Download the export again as CSV")
    header = text.split("\n", 1)[0]
    if not header.strip():
        raise FileRejected(path, "empty file: no header row")
    if "\x00" in header:
        raise FileRejected(path, "the header row holds NUL bytes: the file is probably UTF-16 text without a "
                                 "byte-order mark. Save the export as UTF-8 (in Excel: 'CSV UTF-8')")
    separator = max(SEPARATORS, key=header.count)  # the first of equals: comma, so a one-column header reads as comma
    limits.check_columns(header.count(separator) + 1)
    try:
        # One row past the limit is enough to know the file is past it; the rest is never read.
        frame = pl.read_csv(path, separator=separator, infer_schema=False, n_rows=limits.MAX_ROWS + 1)
    except pl.exceptions.PolarsError:
        # The reader's own text can quote the offending line: it is never passed on.
        raise FileRejected(path, _csv_problem(path, separator)) from None
    limits.check_rows(frame.height, at_least=True)
    return frame, separator


def _check_utf8(path: Path, known_names: set[str]) -> None:
    """Raise FileRejected, naming the first bad line and column, unless the whole file is UTF-8.

    Checked in blocks, so that a large file is never held as text as well as bytes.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 24):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise FileRejected(path, _encoding_problem(path.read_bytes(), known_names)) from None


def _encoding_problem(data: bytes, known_names: set[str]) -> str:
    """Where the first byte that is not UTF-8 is, what it probably is, and how many lines have one.

    The value itself is never quoted (it is usually a name), nor a column name the contract does not know
    (in a file without a header row, the "names" are the first row's values).
    """
    try:
        data.decode("utf-8")
        return "not UTF-8 text"
    except UnicodeDecodeError as error:
        start = error.start
    line_number = data.count(b"\n", 0, start) + 1
    where = f"not UTF-8 text (line {line_number}, byte {start})"
    for magic, what in FOREIGN_FORMATS:
        if data.startswith(magic):
            return f"{where}: the file is {what}"
    if data[:HEAD_BYTES].count(0) * 4 > len(data[:HEAD_BYTES]):  # every other byte NUL: UTF-16 of mostly ASCII
        return (f"{where}: the file is UTF-16 text without a byte-order mark: save the export as UTF-8 "
                "(in Excel: 'CSV UTF-8')")
    line_start = data.rfind(b"\n", 0, start) + 1
    header = data[: max(data.find(b"\n"), 0) or len(data)].decode("utf-8", errors="replace").lstrip("\ufeff")
    separator = max(SEPARATORS, key=header.count)
    names = [name.strip().strip('"') for name in header.split(separator)]
    field = data[line_start:start].count(separator.encode())
    known = field < len(names) and names[field].strip().lower() in known_names
    column = f"column {names[field]}" if known else f"column {field + 1}"
    text = data.decode("utf-8", errors="surrogateescape")
    bad_lines = len(re.findall(r"^.*[\udc80-\udcff]", text, flags=re.MULTILINE))
    lines = text.count("\n") + (not text.endswith("\n"))
    # Windows-1252 is what Excel writes for "CSV (comma delimited)" on an Indonesian or English Windows.
    return (f"{where}: {column} holds text in another encoding (probably Windows-1252/Latin-1); "
            f"{bad_lines:,} of {lines:,} lines are not UTF-8. Save the export as UTF-8 (in Excel: "
            f"'CSV UTF-8') and load it again; nothing from this file was loaded")


def _looks_like_html(head: str) -> bool:
    start = head.lstrip().lower()
    return start.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")) or "<html" in start[:1024]


def _csv_problem(path: Path, separator: str) -> str:
    """Where the file stops being a CSV, in words of our own: the line, and how many values it has."""
    problem = "not a readable CSV"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator, strict=True)
        try:
            width = len(next(reader, []))
            for values in reader:
                if len(values) > width:
                    return (f"{problem}: line {reader.line_num} has {len(values)} values where the header has "
                            f"{width} columns (a separator inside an unquoted value?); quote such values or export "
                            "the file again")
        except csv.Error:
            return (f"{problem}: line {reader.line_num} cannot be split into values (a quote that is not closed, "
                    "or text after a closing quote); export the file again")
    return f"{problem}: it cannot be split into rows and columns; export the file again as CSV"


def _read_xlsx(path: Path, is_personal) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """The first sheet as text, and for each personal column the rows whose cell is a number of 16+ digits."""
    limits.check_workbook(path)
    try:
        # Empty rows are dropped below, once the number cells are known: both reads must line up row by row.
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0, drop_empty_rows=False)
    except pl.exceptions.NoDataError:
        raise limits.Refusal("empty workbook: its first sheet has no header row") from None
    except Exception as error:  # calamine raises its own types for any broken workbook; its text can quote cells
        raise limits.Refusal(f"not a readable XLSX workbook: the reader cannot open it ({type(error).__name__}); "
                             "save it again from Excel") from None
    limits.check_columns(frame.width)
    numbers = _number_cells(path, [c for c in frame.columns if is_personal(c)], frame.height)
    filled = frame.select(~pl.all_horizontal(pl.all().is_null())).to_series()
    frame = frame.filter(filled)
    limits.check_rows(frame.height)
    digits = rf"^-?\d{{{LONG_NUMBER_DIGITS},}}(\.\d*)?$"
    return frame, {h: (cells.filter(filled) & frame[h].str.contains(digits)).fill_null(False)
                   for h, cells in numbers.items()}


def _number_cells(path: Path, headers: list[str], height: int) -> dict[str, pl.Series]:
    """Per column, True where the cell is a number (not text): read as booleans, only non-text cells convert."""
    if not headers:
        return {}
    import fastexcel  # polars reads workbooks through it; cell types need it directly

    try:
        sheet = fastexcel.read_excel(path).load_sheet(0, use_columns=headers, dtypes=dict.fromkeys(headers, "boolean"),
                                                      dtype_coercion="coerce", eager=True)
        cells = pl.from_arrow(sheet)
    except Exception as error:  # same workbook as the text read, so this is not expected; never pass its text on
        raise limits.Refusal(f"not a readable XLSX workbook: its cell types cannot be read ({type(error).__name__})"
                             ) from None
    if cells.height != height:
        raise limits.Refusal("not a readable XLSX workbook: its cell types do not line up with its rows; save it again "
                             "from Excel")
    return {h: cells[h].is_not_null() for h in headers}


def _read_parquet(path: Path, is_personal) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    limits.check_parquet(path)
    try:
        frame = pl.read_parquet(path)
        # A column with gaps is often stored as float: 4.0 must read as the rating 4. An identifier stored as a
        # float of 16+ digits is marked: a float cannot hold it exactly.
        floats = [c for c, t in frame.schema.items() if t.is_float()]
        long = {c: (frame[c].abs() >= 10 ** (LONG_NUMBER_DIGITS - 1)).fill_null(False)
                for c in floats if is_personal(c)}
        whole = [c for c in floats if (frame[c].drop_nulls() % 1 == 0).all()]
        frame = frame.with_columns(pl.col(whole).cast(pl.Int64)).select(pl.all().cast(pl.String))
    except Exception as error:  # pyarrow and polars raise several types for a damaged file, or a nested column
        raise limits.Refusal(f"not a readable Parquet file: its data cannot be read as a table of values "
                             f"({type(error).__name__}); export it again") from None
    limits.check_rows(frame.height)
    return frame, long


def _canonical_columns(path: Path, frame: pl.DataFrame, source: Source, mapping: Mapping | None) -> pl.DataFrame:
    """Keep the contract's columns in order; a missing required column rejects the file."""
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [c.name for c in source.columns if c.required and c.name not in frame.columns]
    if missing:
        raise FileRejected(path, f"missing required column(s) {', '.join(missing)} for {source.name}; "
                                 + _found_columns(path, frame.columns, _known_names(source, mapping)))
    return frame.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW_NUMBER),
        *[pl.col(c.name) if c.name in frame.columns else pl.lit(None, dtype=pl.String).alias(c.name)
          for c in source.columns],
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
