"""Shared fixtures: fresh databases (SQLite always, PostgreSQL when reachable) and raw-file helpers."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from etl.db import make_engine
from tests.ui_db import demo_db_url  # noqa: F401 (the demo region, generated once per session, for every test)

POSTGRES_ADMIN_URL = os.environ.get("PANTAU_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEST_SECRET = b"test-secret-not-for-production"
BRANCHES_CSV = """branch_code,branch_name,branch_type,region_code,region_name,city,counters,opens_at,closes_at
SRG,KC Serang,KC,BTN,Banten,Serang,4,08:00,15:00
PDG,KCP Pandeglang,KCP,BTN,Banten,Pandeglang,2,08:00,15:00
"""


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        with create_engine(POSTGRES_ADMIN_URL).connect() as conn:
            conn.execute(text("select 1"))
        return None
    except Exception as error:  # any driver or network failure means: not reachable here
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({type(error).__name__}); PostgreSQL tests SKIPPED"


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    reason = _postgres_reachable()
    if reason:
        pytest.skip(reason)
    name = f"pantau_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(autouse=True)
def open_demo(monkeypatch):
    """Dashboard tests run as the open demo unless they configure sign-in (which wins over it) or delete this.

    The open demo is an explicit setting (ui/auth.py); without it and without sign-in nothing is served.
    A server started by a test gets its own environment and says so itself.
    """
    monkeypatch.setenv("PANTAU_OPEN_DEMO", "1")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request, tmp_path):
    """The same test against SQLite and against the real PostgreSQL (skipped, and said so, when absent)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'pantau.db'}")
    else:
        url = request.getfixturevalue("postgres_url")
        engine = make_engine(url)
        drop_everything(engine)
    yield engine
    engine.dispose()


def drop_everything(engine) -> None:
    """Empty a shared database: every Pantau table and the migration record, which would otherwise claim a schema."""
    from etl.schema import metadata
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pantau.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """An empty raw folder holding the two-branch `branches.csv`."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "branches.csv").write_text(BRANCHES_CSV, encoding="utf-8")
    return folder


CHROMIUM = Path("/usr/bin/chromium")  # Debian's; a browser is never downloaded
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium through Playwright, for the browser tests (which skip without it)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "reliability: the slow fault and fuzz suite (`make verify`), left out of `make test`")
    config.addinivalue_line(
        "markers", "dates: depends on the calendar (the demo, due dates, load times); `make test-dates` runs these "
                   "again with the clock moved to other days")


def pytest_collection_modifyitems(config, items):
    """The unit layer (quick, and full of calendars) and every test that reads the demo region depend on dates."""
    unit = Path(__file__).parent / "unit"
    for item in items:
        if "demo_db_url" in getattr(item, "fixturenames", ()) or unit in Path(item.fspath).parents:
            item.add_marker(pytest.mark.dates)


def pytest_report_header(config):
    reason = _postgres_reachable()
    clock = f"clock: {dt.datetime.now():%Y-%m-%d %H:%M}"
    return [reason or f"PostgreSQL tests run against {POSTGRES_ADMIN_URL}", clock]
