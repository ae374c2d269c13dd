"""New raw files from the browser: saved under data/uploads/ and loaded by the same ETL run as the CLI."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from etl.pipeline import Progress, run_etl
from etl.settings import DATA_DIR
from ui import queries

UPLOAD_DIR = DATA_DIR / "uploads"
ACCEPTED_TYPES = ["csv", "xlsx", "parquet"]


def load_uploaded(files: list, progress: Progress) -> pl.DataFrame:
    """Save the uploaded files in a folder of their own, run the ETL on it, and return one row per file."""
    folder = UPLOAD_DIR / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    for upload in files:
        (folder / Path(upload.name).name).write_bytes(upload.getvalue())
    result = run_etl(folder, queries.engine(), progress=progress)
    queries.clear_caches()
    rows = [{"file_name": b.file_name, "status": b.status, "rows_read": b.rows_read, "rows_loaded": b.rows_loaded,
             "rows_quarantined": b.rows_quarantined, "message": b.message} for b in result.batches]
    rows += [{"file_name": name, "status": "skipped", "rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0,
              "message": None} for name in result.skipped]
    return pl.DataFrame(rows, schema={"file_name": pl.String, "status": pl.String, "rows_read": pl.Int64,
                                      "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64, "message": pl.String})
