"""Read raw exports (CSV, XLSX, Parquet) as text, with canonical column names.

Every cell is read as text so that parsing happens in validation, where a bad
cell becomes a quarantined row instead of a silent null. A file that cannot be
read at all raises `FileRejected`, naming the file and the problem.
"""
from __future__ import annotations

import codecs
import copy
import csv
import fnmatch
import re
import tomllib
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.contract import SOURCES, Source, source_for_file

ROW_NUMBER = "_row"  # the row's line in the file as a spreadsheet shows it: the header is row 1
READERS = (".csv", ".xlsx", ".parquet")
SEPARATORS = (",", ";", "\t")  # comma first: it wins a tie, such as a header of one column
# A whole 1,048,576-row sheet of queue tickets unpacks to about 450 MB; the reader holds it all in memory.
MAX_XLSX_UNPACKED_BYTES = 1 << 30
# A sheet packs about 10 to 1; a member above BOMB_MIN_BYTES packed more than BOMB_RATIO to 1 is a zip bomb.
BOMB_RATIO = 100
BOMB_MIN_BYTES = 1 << 20
DEFLATE_MAX_RATIO = 1032
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
class Mapping:
    """How a real export's headers and values translate into the canonical contract."""

    name: str
    source: Source
    file_patterns: tuple[str, ...]
    columns: dict[str, str]  # export header -> canonical column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical column -> export value -> code
    decimal_comma: bool | None = None

    def matches(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name.lower(), p.lower()) for p in self.file_patterns)


@dataclass(frozen=True)
class RawFile:
    """One raw file, read: text columns with canonical names plus its row numbers."""

    path: Path
    source: Source
    frame: pl.DataFrame
    decimal_comma: bool
    mapping: str | None = None


def load_mappings(mappings_dir: Path) -> list[Mapping]:
    """Every `*.toml` mapping in `mappings_dir`, checked against the contract."""
    mappings = []
    for path in sorted(mappings_dir.glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        source = SOURCES.get(raw.get("source", ""))
        if source is None:
            raise ValueError(f"{path.name}: 'source' must be one of {', '.join(SOURCES)}")
        unknown = sorted(set(raw.get("columns", {}).values()) - set(source.column_names))
        if unknown:
            raise ValueError(f"{path.name}: maps to unknown column(s) {', '.join(unknown)}")
        mappings.append(Mapping(
            name=path.stem, source=source, file_patterns=tuple(raw.get("file_patterns", [])),
            columns=dict(raw.get("columns", {})), values={k: dict(v) for k, v in raw.get("values", {}).items()},
            decimal_comma=raw.get("decimal_comma"),
        ))
    return mappings


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
    if suffix == ".csv":
        frame, separator = _read_csv(path, source)
        decimal_comma = separator == ";"
    elif suffix == ".xlsx":
        frame, decimal_comma = _read_xlsx(path), False
    else:
        frame, decimal_comma = _read_parquet(path), False
    if mapping is not None:
        frame = _apply_mapping(frame, mapping)
        # Spreadsheet and Parquet numbers are typed already; the mapping speaks of CSV text only.
        if mapping.decimal_comma is not None and suffix == ".csv":
            decimal_comma = mapping.decimal_comma
    frame = _canonical_columns(path, frame, source)
    return RawFile(path, source, frame, decimal_comma, mapping.name if mapping else None)


def _read_csv(path: Path, source: Source) -> tuple[pl.DataFrame, str]:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    _check_utf8(path)
    text = head.decode("utf-8-sig", errors="ignore")  # only a character cut at HEAD_BYTES can be ignored here
    if _looks_like_html(text):
        # Said as a missing header first, like any file without the contract's columns, then why.
        required = ", ".join(c.name for c in source.columns if c.required)
        start = " ".join(text.split())[:40]
        raise FileRejected(path, f"missing required column(s) {required} for {source.name}: the file is a web page "
                                 f"(HTML), not a CSV export (it starts with '{start}'), often an error "
                                 "page or a report page saved by the browser. Download the export again as CSV")
    header = text.split("\n", 1)[0]
    if not header.strip():
        raise FileRejected(path, "empty file: no header row")
    if "\x00" in header:
        raise FileRejected(path, "the header row holds NUL bytes: the file is probably UTF-16 text without a "
                                 "byte-order mark. Save the export as UTF-8 (in Excel: 'CSV UTF-8')")
    separator = max(SEPARATORS, key=header.count)  # the first of equals: comma, so a one-column header reads as comma
    try:
        frame = pl.read_csv(path, separator=separator, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise FileRejected(path, _csv_problem(path, separator, error)) from error
    return frame, separator


def _check_utf8(path: Path) -> None:
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
        raise FileRejected(path, _encoding_problem(path.read_bytes())) from None


def _encoding_problem(data: bytes) -> str:
    """Where the first byte that is not UTF-8 is, what it probably is, and how many lines have one."""
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
    line_end = data.find(b"\n", start)
    line = data[line_start: len(data) if line_end < 0 else line_end]
    header = data[: max(data.find(b"\n"), 0) or len(data)].decode("utf-8", errors="replace").lstrip("\ufeff")
    separator = max(SEPARATORS, key=header.count)
    names = [name.strip().strip('"') for name in header.split(separator)]
    field = line[: start - line_start].count(separator.encode())
    value = line.split(separator.encode())[field].strip(b'"\r ') if field < len(names) else b""
    column = f"column {names[field]}" if field < len(names) else "a column past the header's"
    # Windows-1252 is what Excel writes for "CSV (comma delimited)" on an Indonesian or English Windows.
    shown = value.decode("cp1252", errors="replace")[:60]
    text = data.decode("utf-8", errors="surrogateescape")
    bad_lines = len(re.findall(r"^.*[\udc80-\udcff]", text, flags=re.MULTILINE))
    lines = text.count("\n") + (not text.endswith("\n"))
    return (f"{where}: {column} holds '{shown}' in another encoding (probably Windows-1252/Latin-1); "
            f"{bad_lines:,} of {lines:,} lines are not UTF-8. Save the export as UTF-8 (in Excel: "
            f"'CSV UTF-8') and load it again; nothing from this file was loaded")


def _looks_like_html(head: str) -> bool:
    start = head.lstrip().lower()
    return start.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body")) or "<html" in start[:1024]


def _csv_problem(path: Path, separator: str, error: Exception) -> str:
    """The reader's complaint, with the line it is about when a line has more values than the header."""
    problem = f"not a readable CSV: {str(error).splitlines()[0]}"
    if "more fields than defined" not in str(error):
        return problem
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        width = len(next(reader))
        for values in reader:
            if len(values) > width:
                return (f"{problem}: line {reader.line_num} has {len(values)} values where the header has {width} "
                        "columns (a separator inside an unquoted value?); quote such values or export the file again")
    return problem


def _read_xlsx(path: Path) -> pl.DataFrame:
    _check_workbook_size(path)
    try:
        return pl.read_excel(path, engine="calamine", infer_schema_length=0)
    except Exception as error:  # calamine raises its own types for every kind of broken workbook
        raise FileRejected(path, f"not a readable XLSX workbook: {str(error).splitlines()[0]}") from error


def _check_workbook_size(path: Path) -> None:
    """Refuse a workbook that unpacks to more than MAX_XLSX_UNPACKED_BYTES, before any reader opens it.

    An XLSX is a zip archive, and its reader unpacks every sheet: a few hundred kilobytes
    can unpack to gigabytes (a zip bomb, or a damaged file). The sizes the archive declares
    are checked first; as the reader trusts the data, not what the archive declares, a file
    large enough to unpack past the limit is also unpacked here, counting, up to the limit.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            odd = sorted({m.compress_type for m in members} - {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
            if odd:
                raise FileRejected(path, f"not a readable XLSX workbook: packed with zip method {odd[0]}, which "
                                         "Excel never uses; save the workbook again from Excel")
            declared = sum(m.file_size for m in members)
            if declared > MAX_XLSX_UNPACKED_BYTES:
                raise FileRejected(path, _too_big(declared, "says it unpacks to"))
            for member in members:
                if member.file_size > BOMB_MIN_BYTES and member.file_size > BOMB_RATIO * max(member.compress_size, 1):
                    raise FileRejected(path, _bomb(member.filename, member.file_size / max(member.compress_size, 1)))
            # Deflate packs at most ~1,032 to 1: a file this small cannot unpack past the limit, whatever it declares.
            if path.stat().st_size * DEFLATE_MAX_RATIO <= MAX_XLSX_UNPACKED_BYTES:
                return
            unpacked = 0
            for member in members:
                member_bytes = _unpacked_size(archive, member, MAX_XLSX_UNPACKED_BYTES - unpacked)
                if member_bytes > BOMB_MIN_BYTES and member_bytes > BOMB_RATIO * max(member.compress_size, 1):
                    raise FileRejected(path, _bomb(member.filename, member_bytes / max(member.compress_size, 1)))
                unpacked += member_bytes
                if unpacked > MAX_XLSX_UNPACKED_BYTES:
                    raise FileRejected(path, _too_big(unpacked, "unpacks to more than"))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise FileRejected(path, f"not a readable XLSX workbook: the zip archive inside is damaged or cut off "
                                 f"({error})") from error


def _unpacked_size(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    """How many bytes `member` really unpacks to, counting no further than `budget` + 1."""
    counted = copy.copy(member)
    counted.file_size = budget + 1  # read past what the archive declares: the data decides, as for the reader
    del counted.CRC  # the declared checksum is checked by the reader; here only the size matters
    size = 0
    with archive.open(counted) as stream:
        while size <= budget and (block := stream.read(1 << 20)):
            size += len(block)
    return size


def _too_big(size: int, says: str) -> str:
    return (f"not a readable XLSX workbook: it {says} {size / 2**20:,.0f} MB, more than the "
            f"{MAX_XLSX_UNPACKED_BYTES / 2**20:,.0f} MB limit (a damaged file or a zip bomb); nothing was loaded. "
            "Split the export, or save it as CSV")


def _bomb(member: str, ratio: float) -> str:
    return (f"not a readable XLSX workbook: {member} unpacks to {ratio:,.0f} times its packed size, where a real sheet "
            f"is about 10 times; refused as a zip bomb, nothing was loaded. Save the workbook again from Excel")


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as error:  # pyarrow and polars raise several types for a damaged file
        raise FileRejected(path, f"not a readable Parquet file: {str(error).splitlines()[0]}") from error
    # A column with gaps is often stored as float: 4.0 must read as the rating 4.
    whole = [c for c, t in frame.schema.items() if t.is_float() and (frame[c].drop_nulls() % 1 == 0).all()]
    return frame.with_columns(pl.col(whole).cast(pl.Int64)).select(pl.all().cast(pl.String))


def _apply_mapping(frame: pl.DataFrame, mapping: Mapping) -> pl.DataFrame:
    """Rename the export's headers and translate its values into canonical codes."""
    headers = {c.strip(): c for c in frame.columns}
    frame = frame.rename({headers[h]: canonical for h, canonical in mapping.columns.items() if h in headers})
    translations = [
        pl.col(column).str.strip_chars().replace(values)
        for column, values in mapping.values.items() if column in frame.columns
    ]
    return frame.with_columns(translations) if translations else frame


def _canonical_columns(path: Path, frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Keep the contract's columns in order; a missing required column rejects the file."""
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [c.name for c in source.columns if c.required and c.name not in frame.columns]
    if missing:
        found = ", ".join(frame.columns) or "no columns"
        found = found if len(found) <= 300 else found[:300] + "…"
        hint = ("; the header reads as a single column: separate the columns with commas, semicolons or tabs"
                if len(frame.columns) == 1 and path.suffix.lower() == ".csv" else "")
        raise FileRejected(path, f"missing required column(s) {', '.join(missing)} for {source.name}; "
                                 f"found {found}{hint}")
    return frame.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW_NUMBER),
        *[pl.col(c.name) if c.name in frame.columns else pl.lit(None, dtype=pl.String).alias(c.name)
          for c in source.columns],
    )
