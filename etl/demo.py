"""Demo data on an empty database: generate a region year of raw files and load them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select

from etl.generate import default_end, generate
from etl.pipeline import Progress, RunResult, run_etl
from etl.schema import queue_tickets
from etl.settings import DEFAULT_RAW_DIR

DEMO_RAW_DIR = DEFAULT_RAW_DIR / "demo"


def has_data(engine: Engine) -> bool:
    """True when the database already holds queue tickets."""
    if not inspect(engine).has_table(queue_tickets.name):
        return False
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(queue_tickets)).scalar())


def load_demo(engine: Engine, raw_dir: Path = DEMO_RAW_DIR, progress: Progress | None = None) -> RunResult:
    """Write the Banten demo year into `raw_dir` (when it is empty) and run the ETL on it."""
    if not any(raw_dir.glob("*.csv")):
        report = progress or (lambda *_: None)
        generate(raw_dir, end=default_end(dt.date.today()),
                 progress=lambda done, total: report("Membuat data demo", done, total))
    return run_etl(raw_dir, engine, progress=progress)
