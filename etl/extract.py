"""Read raw exports (CSV, XLSX, Parquet) as text, with canonical column names.

Every cell is read as text so that parsing happens in validation, where a bad
cell becomes a quarantined row instead of a silent null. A file that cannot be
read at all raises `FileRejected`, naming the file and the problem.
"""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.contract import SOURCES, Source, source_for_file

ROW_NUMBER = "_row"  # the row's line in the file as a spreadsheet shows it: the header is row 1
READERS = (".csv", ".xlsx", ".parquet")


class FileRejected(Exception):
    """A raw file that cannot be loaded at all; nothing from it is loaded."""

    def __init__(self, path: Path, problem: str):
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
        frame, separator = _read_csv(path)
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


def _read_csv(path: Path) -> tuple[pl.DataFrame, str]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRejected(path, f"not UTF-8 text (line {line}, byte {error.start}); save the export as UTF-8")
    header = text.split("\n", 1)[0]
    if not header.strip():
        raise FileRejected(path, "empty file: no header row")
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pl.read_csv(data, separator=separator, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise FileRejected(path, f"not a readable CSV: {str(error).splitlines()[0]}") from error
    return frame, separator


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        return pl.read_excel(path, engine="calamine", infer_schema_length=0)
    except Exception as error:  # calamine raises its own types for every kind of broken workbook
        raise FileRejected(path, f"not a readable XLSX workbook: {str(error).splitlines()[0]}") from error


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
        raise FileRejected(path, f"missing required column(s) {', '.join(missing)} for {source.name}; "
                                 f"found {', '.join(frame.columns) or 'no columns'}")
    return frame.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW_NUMBER),
        *[pl.col(c.name) if c.name in frame.columns else pl.lit(None, dtype=pl.String).alias(c.name)
          for c in source.columns],
    )
