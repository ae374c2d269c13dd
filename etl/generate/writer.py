"""Raw files as the contract describes them: canonical columns as text, one file per source and week."""
from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.contract import ANNOTATIONS, BRANCHES, Source

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def as_text(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Every canonical column as text in contract order: ISO local timestamps, true/false, plain integers."""
    def text(column) -> pl.Expr:
        value = pl.col(column.name)
        if column.kind == "timestamp":
            return pl.from_epoch(value, time_unit="s").dt.strftime(TIMESTAMP_FORMAT).alias(column.name)
        if column.kind == "bool":
            return pl.when(value).then(pl.lit("true")).otherwise(pl.lit("false")).alias(column.name)
        return value.cast(pl.String)

    return frame.select(text(column) for column in source.columns)


def write_branches(out_dir: Path, offices: pl.DataFrame) -> int:
    """branches.csv with the contract's columns."""
    offices.select(BRANCHES.column_names).write_csv(out_dir / "branches.csv")
    return offices.height


def write_week(out_dir: Path, source: Source, week_label: str, frame: pl.DataFrame, file_format: str) -> int:
    """One weekly drop such as queue_tickets_2026-W46.csv; every column is text."""
    path = out_dir / f"{source.name}_{week_label}.{file_format}"
    if file_format == "csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return frame.height


def write_annotations(out_dir: Path, rows: list[dict]) -> int:
    """annotations_demo.csv with the contract's columns, when there is any event to write."""
    if rows:
        pl.DataFrame(rows, schema={c: pl.String for c in ANNOTATIONS.column_names}).write_csv(
            out_dir / "annotations_demo.csv")
    return len(rows)
