"""The three file formats, read as text: CSV (its encoding, line ends and separator), XLSX and Parquet.

Each reader returns the file's cells as text with its own headers; etl.extract gives them the contract's names.
A file that cannot be read raises FileRejected or limits.Refusal, naming where and what was expected, never a
cell's value (data/README.md, "Bad file").
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from pathlib import Path

import polars as pl

from etl import limits
from etl.contract import Source
from etl.sheet_cells import sheet_cells

SEPARATORS = (",", ";", "\t")  # comma first: it wins a tie, such as a header of one column
LONG_NUMBER_DIGITS = 16  # a float keeps 15 significant digits; Excel shows and stores no more
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
def read_csv(path: Path, source: Source, known_names: set[str]) -> tuple[pl.DataFrame, str, tuple[str, ...]]:
    limits.check_csv_size(path)
    notes: list[str] = []
    # The file itself, or its bytes made readable in memory (another encoding, old line ends, a `sep=` line).
    data: Path | bytes = path
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not _is_utf8(path):
        data = _windows_1252(path, known_names)
        head = data[:HEAD_BYTES]
        notes.append("read as Windows-1252 (not UTF-8, and no UTF-8 character in it: what Excel writes for "
                     "'CSV (Comma delimited)'); save it as 'CSV UTF-8' to be sure")
    if b"\r" in head and b"\n" not in head:
        # Old Mac exports end lines with CR alone; the reader would take the whole file for a header line.
        data = (data if isinstance(data, bytes) else path.read_bytes()).replace(b"\r", b"\n")
        head = data[:HEAD_BYTES]
        notes.append("line ends are CR only (an old Mac export): read as line breaks")
    text = head.decode("utf-8-sig", errors="ignore")  # only a character cut at HEAD_BYTES can be ignored here
    if _looks_like_html(text):
        # Said as a missing header first, like any file without the contract's columns, then why.
        required = ", ".join(c.name for c in source.columns if c.required)
        raise FileRejected(path, f"missing required column(s) {required} for {source.name}: the file is a web page "
                                 "(HTML), not a CSV export (it starts with an HTML tag), often an error "
                                 "page or a report page saved by the browser. Download the export again as CSV")
    header = text.split("\n", 1)[0]
    declared = re.match(r"^sep=([^\w\s\"']|\t) *$", header.strip("\r"), flags=re.IGNORECASE)
    if declared:
        # Excel's "sep=," line names the separator; Excel does not show it, so the header below is row 1.
        data = data if isinstance(data, bytes) else path.read_bytes()
        data = data[data.index(b"\n") + 1:]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        header = text.split("\n", 1)[0]
        notes.append(f"its first line 'sep={declared.group(1)}' (written by Excel) names the separator: skipped")
    if not header.strip():
        raise FileRejected(path, "empty file: no header row")
    if "\x00" in header:
        raise FileRejected(path, "the header row holds NUL bytes: the file is probably UTF-16 text without a "
                                 "byte-order mark. Save the export as UTF-8 (in Excel: 'CSV UTF-8')")
    # The first of equals wins: comma, so a one-column header reads as comma.
    separator = declared.group(1) if declared else max(SEPARATORS, key=header.count)
    limits.check_columns(header.count(separator) + 1)
    try:
        # One row past the limit is enough to know the file is past it; the rest is never read.
        frame = pl.read_csv(data if isinstance(data, Path) else io.BytesIO(data), separator=separator,
                            infer_schema=False, n_rows=limits.MAX_ROWS + 1)
    except pl.exceptions.PolarsError:
        # The reader's own text can quote the offending line: it is never passed on.
        raise FileRejected(path, _csv_problem(data, separator)) from None
    limits.check_rows(frame.height, at_least=True)
    return frame, separator, tuple(notes)


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is UTF-8, checked in blocks so that a large file is never held as text as well."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 24):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# One UTF-8 character of two to four bytes. A file holding none of these is not UTF-8 text at all.
UTF8_MULTIBYTE = re.compile(rb"[\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}"
                            rb"|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}"
                            rb"|\xF4[\x80-\x8F][\x80-\xBF]{2}")


def _windows_1252(path: Path, known_names: set[str]) -> bytes:
    """The file, which is not UTF-8, as UTF-8 bytes read from Windows-1252; FileRejected when it cannot be that.

    Excel's "CSV (Comma delimited)" writes Windows-1252. A file that also holds UTF-8 characters is two
    encodings mixed (lines pasted from two exports): no single reading is right, so it is refused, naming
    where the first byte that is not UTF-8 is. So are UTF-16 and binary files (NUL bytes).
    """
    data = path.read_bytes()
    foreign = any(data.startswith(magic) for magic, _ in FOREIGN_FORMATS) or b"\x00" in data
    if foreign or UTF8_MULTIBYTE.search(data):
        raise FileRejected(path, _encoding_problem(data, known_names))
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined: not that encoding either
        raise FileRejected(path, _encoding_problem(data, known_names)) from None


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


def _csv_problem(data: Path | bytes, separator: str) -> str:
    """Where the file stops being a CSV, in words of our own: the line, and how many values it has."""
    problem = "not a readable CSV"
    stream = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
    with io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as handle:
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


def read_xlsx(path: Path, is_personal) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """The first sheet as text, and for each personal column the rows whose cell is a number of 16+ digits."""
    limits.check_workbook(path)
    try:
        # Empty rows are dropped in read_raw, once numbered: the number-cell read must line up row by row.
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0, drop_empty_rows=False)
    except pl.exceptions.NoDataError:
        raise limits.Refusal("empty workbook: its first sheet has no header row") from None
    except Exception as error:  # calamine raises its own types for any broken workbook; its text can quote cells
        raise limits.Refusal(f"not a readable XLSX workbook: the reader cannot open it ({type(error).__name__}); "
                             "save it again from Excel") from None
    limits.check_columns(frame.width)
    frame = _with_hidden_cells(path, frame)
    numbers = _number_cells(path, [c for c in frame.columns if is_personal(c)], frame.height)
    digits = rf"^-?\d{{{LONG_NUMBER_DIGITS},}}(\.\d*)?$"
    # Empty rows stay until the row numbers are set (read_raw): a row keeps the number Excel shows.
    return frame, {h: (cells & frame[h].str.contains(digits)).fill_null(False) for h, cells in numbers.items()}


def _with_hidden_cells(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with what the reader hides put back as text: an error cell's `#REF!` (the reader gives it as
    empty), and a date-only cell as its date alone (the reader adds 00:00:00), which validation then refuses."""
    try:
        cells = sheet_cells(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise limits.Refusal(f"not a readable XLSX workbook: its sheet cannot be read ({type(error).__name__})"
                             ) from None
    changes: dict[str, dict[int, str | None]] = {}
    for (row, column), text in [*cells.errors.items(), *((cell, None) for cell in cells.date_only)]:
        at, field = row - cells.first_row - 1, column - cells.first_column  # the header is the first used row
        if 0 <= at < frame.height and 0 <= field < frame.width:
            changes.setdefault(frame.columns[field], {})[at] = text
    for name, cells_changed in changes.items():
        rows = list(cells_changed)
        old = frame[name].gather(rows)
        new = pl.Series([text if text is not None else (value or "")[:10]
                         for text, value in zip(cells_changed.values(), old.to_list())], dtype=pl.String)
        frame = frame.with_columns(frame[name].clone().scatter(rows, new))
    return frame


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


def read_parquet(path: Path, wanted, is_personal) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """The contract's columns as text; the others only as names (they are dropped, whatever their type)."""
    import pyarrow.parquet as pq  # only Parquet files need it

    limits.check_parquet(path)
    names = pq.read_schema(path).names
    try:
        # Only the columns the contract wants are decoded: an extra list, struct or binary column costs nothing.
        frame = pl.read_parquet(path, columns=[n for n in names if wanted(n)])
    except Exception as error:  # pyarrow and polars raise several types for a damaged file
        raise limits.Refusal(f"not a readable Parquet file: its data cannot be read as a table of values "
                             f"({type(error).__name__}); export it again") from None
    columns, long = [], {}
    for number, (name, dtype) in enumerate(frame.schema.items(), 1):
        column = pl.col(name)
        if dtype.is_float():
            # A column with gaps is often stored as float: 4.0 must read as the rating 4. A float too large for an
            # integer stays as it is (a rule refuses it). An identifier stored as a float of 16+ digits is marked:
            # a float cannot hold it exactly.
            if is_personal(name):
                long[name] = (frame[name].abs() >= 10 ** (LONG_NUMBER_DIGITS - 1)).fill_null(False)
            whole = (column % 1 == 0) & (column.abs() < 2 ** 63)
            column = pl.when(whole).then(column.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(
                column.cast(pl.String))
        elif dtype.is_nested() or isinstance(dtype, (pl.Duration, pl.Object)):
            raise limits.Refusal(f"column {name} (column {names.index(name) + 1}) is stored as {_parquet_kind(dtype)}, "
                                 "where one value per row (text, a number or a timestamp) was expected; export it as "
                                 "text")
        columns.append(column.cast(pl.String).alias(name))
    try:
        frame = frame.select(columns)
    except Exception as error:  # binary that is not UTF-8 text, or a type without a text form
        raise limits.Refusal(f"not a readable Parquet file: a column cannot be read as text ({type(error).__name__})"
                             "; export every column as text") from None
    # The other columns, by name only: a message may count them.
    others = [pl.lit(None, dtype=pl.String).alias(n) for n in names if not wanted(n) and n not in frame.columns]
    return (frame.with_columns(others) if others else frame), long


def _parquet_kind(dtype: pl.DataType) -> str:
    """A Parquet column's type in words (never a value)."""
    if isinstance(dtype, (pl.List, pl.Array)):
        return "lists of values"
    if isinstance(dtype, pl.Struct):
        return "records of several fields (a struct)"
    if isinstance(dtype, pl.Duration):
        return "durations"
    return f"type {dtype}"
