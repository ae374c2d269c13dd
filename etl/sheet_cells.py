"""What the workbook reader does not say about a cell: that it is an error (#REF!, #N/A), or a date without a time.

The reader gives an error cell as empty (a ticket "never finished") and a date-only cell as midnight (a ticket
issued at 00:00). Both are found in the first sheet's XML and its styles, so that validation can refuse them.
The sheet is read as a stream, in blocks: a large sheet is never held whole.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from etl.limits import _first_sheet

# Excel's built-in number formats that show a date without a time (ECMA-376 18.8.30): 14 to 17.
BUILTIN_DATE_ONLY = {14, 15, 16, 17}
BLOCK_BYTES = 1 << 22
ERROR_TYPE = re.compile(rb' t="e"')
REFERENCE = re.compile(rb'\br="([A-Z]+)(\d+)"')
TYPE = re.compile(rb'\bt="(\w+)"')
VALUE = re.compile(rb"<v>([^<]*)</v>")
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]+)\$?(\d+)')


@dataclass(frozen=True)
class SheetCells:
    """Cells by (row, column) as the sheet numbers them (1-based): error cells with their text, date-only cells."""

    first_row: int  # the sheet's first used row and column: the reader's header row and first column
    first_column: int
    errors: dict[tuple[int, int], str]
    date_only: set[tuple[int, int]]


def sheet_cells(path) -> SheetCells:
    with zipfile.ZipFile(path) as archive:
        sheet = _first_sheet(archive)
        if sheet is None:
            return SheetCells(1, 1, {}, set())
        styles = _date_only_styles(archive)
        date_cell = re.compile(rb' s="(?:' + "|".join(map(str, sorted(styles))).encode() + rb')"') if styles else None
        errors: dict[tuple[int, int], str] = {}
        date_only: set[tuple[int, int]] = set()
        first_row, first_column = 1, 1
        tail = b""
        with archive.open(sheet) as stream:
            while block := stream.read(BLOCK_BYTES):
                text = tail + block
                if not tail and (found := DIMENSION.search(text[:1 << 14])):  # it comes before the rows
                    first_column, first_row = _column_number(found.group(1)), int(found.group(2))
                # The last cell may be cut at the block's end: it is read with the next block.
                cut = text.rfind(b"<c")
                cut = len(text) if cut < 0 else cut
                tail, text = text[cut:] or b" ", text[:cut]
                _scan(text, date_cell, errors, date_only)
        _scan(tail, date_cell, errors, date_only)
    return SheetCells(first_row, first_column, errors, date_only)


def _scan(text: bytes, date_cell: re.Pattern | None, errors: dict, date_only: set) -> None:
    """Only the attributes that mark the two kinds are searched for (a literal search, fast); each found is then
    placed in its cell's tag. Other cells are never looked at one by one."""
    for found in ERROR_TYPE.finditer(text):
        attributes, end = _cell_tag(text, found.start())
        where = REFERENCE.search(attributes) if attributes is not None else None
        if where is not None:
            close = text.find(b"</c>", end)
            value = VALUE.search(text, end, close if close >= 0 else len(text))
            cell = (int(where.group(2)), _column_number(where.group(1)))
            errors[cell] = value.group(1).decode("ascii", "replace") if value else "#VALUE!"
    for found in date_cell.finditer(text) if date_cell is not None else ():
        attributes, _ = _cell_tag(text, found.start())
        if attributes is None:
            continue
        kind, where = TYPE.search(attributes), REFERENCE.search(attributes)
        if where is not None and (kind is None or kind.group(1) == b"n"):  # a number: a date serial
            date_only.add((int(where.group(2)), _column_number(where.group(1))))


def _cell_tag(text: bytes, at: int) -> tuple[bytes | None, int]:
    """The attributes of the cell tag `<c …>` holding position `at`, and where the tag ends; None elsewhere."""
    start = text.rfind(b"<c ", 0, at)
    end = text.find(b">", at)
    if start < 0 or end < 0 or text.find(b">", start, at) >= 0:  # `at` is in another element (a row's style)
        return None, at
    return text[start + 3:end], end + 1


def _date_only_styles(archive: zipfile.ZipFile) -> set[int]:
    """The cell styles (indexes into cellXfs) whose number format shows a date and no time."""
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except (KeyError, ElementTree.ParseError):
        return set()
    custom = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in styles.iter() if f.tag.endswith("numFmt")}
    cell_xfs = next((e for e in styles if e.tag.endswith("cellXfs")), None)
    if cell_xfs is None:
        return set()
    found = set()
    for index, xf in enumerate(x for x in cell_xfs if x.tag.endswith("xf")):
        number_format = int(xf.get("numFmtId", 0))
        code = custom.get(number_format)
        if number_format in BUILTIN_DATE_ONLY or (code is not None and _shows_date_only(code)):
            found.add(index)
    return found


def _shows_date_only(code: str) -> bool:
    """A format code with a day, month or year and no hour, minute-after-hour or second (`yyyy-mm-dd`, `d/m/yy`)."""
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0]).lower()
    return bool(re.search(r"[dy]", bare)) and not re.search(r"[hs]", bare)


def _column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
