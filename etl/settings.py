"""Paths and connection settings: one root for config, data and the database URL."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CONFIG_DIR = DATA_DIR / "config"
MAPPINGS_DIR = DATA_DIR / "mappings"
DEFAULT_RAW_DIR = DATA_DIR / "raw"
SECRET_FILE = DATA_DIR / ".secret"
DEFAULT_DATABASE_URL = f"sqlite:///{(DATA_DIR / 'pantau.db').as_posix()}"


def database_url() -> str:
    """`DATABASE_URL` from the environment, or the embedded SQLite file."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def mappings_dir_setting() -> Path:
    """The folder of mapping files: `PANTAU_MAPPINGS` from the environment, or data/mappings."""
    return Path(os.environ.get("PANTAU_MAPPINGS") or MAPPINGS_DIR)
