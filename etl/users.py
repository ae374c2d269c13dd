"""Who may sign in, and as what: the `users` table, kept by `python -m etl users add/remove/list`.

A regional head sees everything in their region. A branch manager sees every branch's KPIs in
their region but the records (claims, complaints, quarantine rows) of their own branch only.
"""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, delete, insert, select

from etl import migrate
from etl.db import read_frame
from etl.schema import branches, users

REGIONAL_HEAD = "regional_head"
BRANCH_MANAGER = "branch_manager"
ROLES = (REGIONAL_HEAD, BRANCH_MANAGER)


class UserError(ValueError):
    """A user that cannot be added or removed, with the reason in words."""


def ensure_table(engine: Engine) -> None:
    """The users table comes with the schema; a database at head costs one read here and takes no lock."""
    migrate.upgrade(engine)


def normalise_login(login: str) -> str:
    """E-mail addresses compare case-insensitively; blanks around them are typing noise."""
    return login.strip().lower()


def add_user(engine: Engine, login: str, name: str, role: str, *, region: str | None = None,
             branch: str | None = None) -> dict:
    """Add or replace a user; a branch manager's region is their branch's."""
    login = normalise_login(login)
    if "@" not in login:
        raise UserError(f"login harus alamat e-mail / login must be an e-mail address: {login!r}")
    if role not in ROLES:
        raise UserError(f"peran tidak dikenal / unknown role {role!r}: use {' or '.join(ROLES)}")
    ensure_table(engine)
    with engine.begin() as conn:
        if role == BRANCH_MANAGER:
            if not branch:
                raise UserError("manajer cabang perlu --branch / a branch manager needs --branch")
            region = conn.execute(select(branches.c.region_code).where(branches.c.branch_code == branch)).scalar()
            if region is None:
                raise UserError(f"cabang {branch} tidak ada / no branch {branch} in the database")
        else:
            if branch:
                raise UserError("kepala wilayah tidak punya --branch / a regional head takes --region, not --branch")
            known = conn.execute(select(branches.c.region_code).where(branches.c.region_code == region).limit(1))
            if not region or known.scalar() is None:
                raise UserError(f"wilayah {region} tidak ada / no region {region} in the database")
        row = {"login": login, "name": name.strip() or login, "role": role, "region_code": region,
               "branch_code": branch if role == BRANCH_MANAGER else None,
               "added_at": dt.datetime.now().replace(microsecond=0)}
        conn.execute(delete(users).where(users.c.login == login))
        conn.execute(insert(users).values(**row))
    return row


def remove_user(engine: Engine, login: str) -> bool:
    """True when the user existed."""
    ensure_table(engine)
    with engine.begin() as conn:
        return conn.execute(delete(users).where(users.c.login == normalise_login(login))).rowcount > 0


def list_users(engine: Engine) -> pl.DataFrame:
    ensure_table(engine)
    with engine.connect() as conn:
        return read_frame(conn, select(users).order_by(users.c.region_code, users.c.role, users.c.login))


def find_user(engine: Engine, login: str) -> dict | None:
    ensure_table(engine)
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.login == normalise_login(login))).mappings().first()
    return dict(row) if row else None
