"""How much one raw file may hold, checked before it is read wherever the file says so itself.

Every limit lives here. A file past one fails its own batch with a message naming the limit and
what to do; nothing from it is loaded. Reading is what costs memory: a 270 KB Parquet file can
decode to 200,000 rows of long text, and a few hundred kilobytes of XLSX to gigabytes of XML, so
row counts and unpacked sizes are taken from what the file declares (Parquet metadata, a sheet's
dimension, the zip directory) before any reader holds the data, then checked again as it is read.
"""
from __future__ import annotations

import copy
import re
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

# A national month of queue tickets is about 2 million rows; five million lines take 4 to 5 GB to validate.
MAX_ROWS = 6_000_000
MAX_COLUMNS = 200  # the contract has at most 12; a wide export keeps its extra columns, which are dropped
MAX_CSV_BYTES = 1 << 30
MAX_PARQUET_UNPACKED_BYTES = 1 << 30  # the row groups' uncompressed size, from the file's metadata
# A whole 1,048,576-row sheet of queue tickets unpacks to about 450 MB; the reader holds it all in memory.
MAX_XLSX_UNPACKED_BYTES = 1 << 30
# A sheet packs about 10 to 1; a member above BOMB_MIN_BYTES packed more than BOMB_RATIO to 1 is a zip bomb.
BOMB_RATIO = 100
BOMB_MIN_BYTES = 1 << 20
DEFLATE_MAX_RATIO = 1032
SHEET_HEAD_BYTES = 1 << 14  # a sheet's <dimension> comes before its rows
# A file whose rows are mostly refused is the wrong file (another source, region or system), not a few bad rows:
# it fails whole instead of filling the quarantine (each quarantined row keeps up to 1,000 characters per value).
MAX_QUARANTINED_ROWS = 50_000
MAX_QUARANTINED_SHARE = 0.5  # of the rows of a file of more than QUARANTINED_SHARE_FROM_ROWS rows
QUARANTINED_SHARE_FROM_ROWS = 1_000


class Refusal(Exception):
    """A file past a limit, or one whose size cannot be read; the text says which and what to do."""


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 2**10:,.0f} KB"


def check_csv_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise Refusal(f"too large: {_mb(size)}, more than the {_mb(MAX_CSV_BYTES)} limit for a CSV file; nothing was "
                      "loaded. Split the export into smaller files (a week or a month each)")


def check_columns(columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise Refusal(f"too wide: {columns:,} columns, more than the {MAX_COLUMNS:,}-column limit; nothing was loaded. "
                      "Export only the columns the contract lists (data/README.md)")


def check_rows(rows: int, *, at_least: bool = False) -> None:
    if rows > MAX_ROWS:
        many = f"more than {MAX_ROWS:,} rows" if at_least else f"{rows:,} rows, more than the {MAX_ROWS:,}-row limit"
        raise Refusal(f"too many rows: {many}; nothing was loaded. Split the export into smaller files "
                      "(a week or a month each)")


def check_parquet(path: Path) -> None:
    """Rows, columns and uncompressed size as the file's own metadata declares them, before any data is read."""
    import pyarrow.parquet as pq  # only Parquet files need it

    try:
        metadata = pq.ParquetFile(path).metadata
    except Exception as error:  # pyarrow raises several types for a file that is not Parquet or is cut off
        raise Refusal(f"not a readable Parquet file: its footer cannot be read ({type(error).__name__}); the file is "
                      "damaged, cut off or not Parquet. Export it again") from None
    check_columns(metadata.num_columns)
    check_rows(metadata.num_rows)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if unpacked > MAX_PARQUET_UNPACKED_BYTES:
        raise Refusal(f"too large: it declares {_mb(unpacked)} of data once unpacked, more than the "
                      f"{_mb(MAX_PARQUET_UNPACKED_BYTES)} limit; nothing was loaded. Split the export")


def check_workbook(path: Path) -> None:
    """Refuse a workbook that unpacks to more than MAX_XLSX_UNPACKED_BYTES, or whose first sheet declares more rows
    or columns than allowed, before any reader opens it.

    An XLSX is a zip archive, and its reader unpacks every sheet: a few hundred kilobytes
    can unpack to gigabytes (a zip bomb, or a damaged file). The sizes the archive declares
    are checked first; as the reader trusts the data, not what the archive declares, a file
    large enough to unpack past the limit is also unpacked here, counting, up to the limit.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive)
            _check_dimension(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise Refusal(f"not a readable XLSX workbook: the zip archive inside is damaged or cut off "
                      f"({type(error).__name__})") from None


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    odd = sorted({m.compress_type for m in members} - {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
    if odd:
        raise Refusal(f"not a readable XLSX workbook: packed with zip method {odd[0]}, which Excel never uses; save "
                      "the workbook again from Excel")
    declared = sum(m.file_size for m in members)
    if declared > MAX_XLSX_UNPACKED_BYTES:
        raise Refusal(_too_big(declared, "says it unpacks to"))
    for member in members:
        if member.file_size > BOMB_MIN_BYTES and member.file_size > BOMB_RATIO * max(member.compress_size, 1):
            raise Refusal(_bomb(member.filename, member.file_size / max(member.compress_size, 1)))
    # Deflate packs at most ~1,032 to 1: a file this small cannot unpack past the limit, whatever it declares.
    if path.stat().st_size * DEFLATE_MAX_RATIO <= MAX_XLSX_UNPACKED_BYTES:
        return
    unpacked = 0
    for member in members:
        member_bytes = _unpacked_size(archive, member, MAX_XLSX_UNPACKED_BYTES - unpacked)
        if member_bytes > BOMB_MIN_BYTES and member_bytes > BOMB_RATIO * max(member.compress_size, 1):
            raise Refusal(_bomb(member.filename, member_bytes / max(member.compress_size, 1)))
        unpacked += member_bytes
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise Refusal(_too_big(unpacked, "unpacks to more than"))


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


def _check_dimension(archive: zipfile.ZipFile) -> None:
    """The first sheet's rows and columns as its <dimension ref="A1:L200001"> declares them (optional in XLSX)."""
    member = _first_sheet(archive)
    if member is None:
        return
    with archive.open(member) as stream:
        head = stream.read(SHEET_HEAD_BYTES).decode("utf-8", errors="replace")
    found = re.search(r'<(?:\w+:)?dimension\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"', head)
    if found is None:
        return
    first_column, first_row, last_column, last_row = found.groups()
    check_columns(_column_number(last_column or first_column) - _column_number(first_column) + 1)
    check_rows(int(last_row or first_row) - int(first_row))  # the first row is the header


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The archive member of the workbook's first sheet (the one the reader reads), or None when it cannot tell."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    sheet = workbook.find(".//{*}sheets/{*}sheet")
    relation = next((v for k, v in (sheet.attrib.items() if sheet is not None else []) if k.endswith("}id")), None)
    target = next((r.get("Target") for r in rels if r.get("Id") == relation), None)
    if not target:
        return None
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return member if member in archive.namelist() else None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _too_big(size: int, says: str) -> str:
    return (f"not a readable XLSX workbook: it {says} {_mb(size)}, more than the "
            f"{_mb(MAX_XLSX_UNPACKED_BYTES)} limit (a damaged file or a zip bomb); nothing was loaded. "
            "Split the export, or save it as CSV")


def _bomb(member: str, ratio: float) -> str:
    return (f"not a readable XLSX workbook: {member} unpacks to {ratio:,.0f} times its packed size, where a real sheet "
            f"is about 10 times; refused as a zip bomb, nothing was loaded. Save the workbook again from Excel")


def check_quarantine(reasons: dict[str, int], rows_read: int) -> None:
    """Refuse a file whose rows would mostly go to quarantine; `reasons` counts the refused rows per reason code."""
    refused = sum(reasons.values())
    mostly = rows_read > QUARANTINED_SHARE_FROM_ROWS and refused > MAX_QUARANTINED_SHARE * rows_read
    if refused <= MAX_QUARANTINED_ROWS and not mostly:
        return
    common = ", ".join(f"{reason} ({count:,})" for reason, count in Counter(reasons).most_common(3))
    raise Refusal(f"{refused:,} of {rows_read:,} rows break the rules, more than the file may send to quarantine "
                  f"({MAX_QUARANTINED_ROWS:,} rows, or half of a file of more than {QUARANTINED_SHARE_FROM_ROWS:,} "
                  f"rows); nothing was loaded. Most common: {common}. Check that this is the right export for its "
                  "source and region (data/README.md lists the reason codes)")
