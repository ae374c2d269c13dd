"""Keyed pseudonyms for personal data (NIK, KPJ numbers): HMAC-SHA256 before anything is stored.

The database keeps a fingerprint of the key it was loaded with, never the key. A run with another key,
or with none, stops with a message instead of giving the same people new pseudonyms (which would
split every participant's history in two). Rotating the key means rebuilding from the raw files:
see the README.
"""
from __future__ import annotations

import dataclasses
import hmac
import os
import secrets

import polars as pl
from sqlalchemy import Engine, insert, select

from etl.extract import RawFile
from etl.schema import etl_settings
from etl.settings import SECRET_FILE

SECRET_ENV = "PANTAU_SECRET"
PSEUDONYM_HEX_CHARS = 32  # 128 bits: collisions are out of reach at national scale
# A run remembers at most this many pseudonyms (about 170 MB): a region year's participants all fit, and a
# national year's memory stays bounded (the cache starts afresh when full; a forgotten value is hashed again).
CACHED_PSEUDONYMS = 1_000_000
MIN_KEY_BYTES = 16
FINGERPRINT_SETTING = "pseudonym_key_fingerprint"


class KeyProblem(RuntimeError):
    """The pseudonym key is missing, too short, or not the one this database was loaded with."""


def load_secret(*, create: bool = True) -> bytes:
    """The key from $PANTAU_SECRET, else from data/.secret (`SECRET_FILE`); created on a first run only when `create`."""
    secret_file = SECRET_FILE
    if os.environ.get(SECRET_ENV):
        key = os.environ[SECRET_ENV].encode()
        if len(key) < MIN_KEY_BYTES:
            raise KeyProblem(f"{SECRET_ENV} terlalu pendek / too short: at least {MIN_KEY_BYTES} characters")
        return key
    if secret_file.exists():
        return secret_file.read_text(encoding="ascii").strip().encode()
    if not create:
        raise KeyProblem(
            f"Kunci pseudonim tidak ada / no pseudonym key: set {SECRET_ENV} or restore {secret_file}. This database "
            "was loaded with a key; a new one would give every participant a new pseudonym.")
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    secret_file.touch(mode=0o600)
    secret_file.write_text(secrets.token_hex(32), encoding="ascii")
    return secret_file.read_text(encoding="ascii").strip().encode()


def fingerprint(key: bytes) -> str:
    """Names the key without revealing it: a keyed hash of a fixed label."""
    return hmac.digest(key, b"pantau key fingerprint", "sha256").hex()[:16]


def stored_fingerprint(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(etl_settings.c.value).where(etl_settings.c.name == FINGERPRINT_SETTING)).scalar()


def check_key(engine: Engine, key: bytes) -> None:
    """Refuse a key other than the database's; a database without one adopts this key."""
    stored = stored_fingerprint(engine)
    if stored is None:
        with engine.begin() as conn:
            conn.execute(insert(etl_settings).values(name=FINGERPRINT_SETTING, value=fingerprint(key)))
    elif stored != fingerprint(key):
        raise KeyProblem(
            f"Kunci pseudonim berbeda / wrong pseudonym key: this database was loaded with key {stored}, the key given "
            f"is {fingerprint(key)}. Use the original key ({SECRET_ENV} or data/.secret), or rotate it as the README "
            "describes; loading with another key would give the same people different pseudonyms.")


def pseudonym(key: bytes, value: str) -> str:
    """The keyed hash of one identifier (surrounding blanks ignored, so ' 123' and '123' match)."""
    # The one-shot digest skips building an HMAC object per value: the same bytes, about a fifth faster.
    return hmac.digest(key, value.strip().encode(), "sha256").hex()[:PSEUDONYM_HEX_CHARS]


def pseudonymise_columns(frame: pl.DataFrame, columns: list[str], key: bytes,
                         known: dict[str, str] | None = None) -> pl.DataFrame:
    """Replace every value of `columns` with its pseudonym; empty cells stay empty.

    Each distinct value is hashed once: participants recur across tickets. `known` carries the pseudonyms
    already computed with this key across the files of one run (a third of a region year's participants
    come back in another week's file); it is filled here.
    """
    known = {} if known is None else known
    replaced = []
    for column in columns:
        distinct = frame.get_column(column).drop_nulls().unique()
        distinct = distinct.filter(distinct.str.strip_chars() != "").to_list()
        if len(known) + len(distinct) > CACHED_PSEUDONYMS:
            known.clear()
        lookup = {}
        for value in distinct:
            hashed = known.get(value)
            if hashed is None:
                hashed = known[value] = pseudonym(key, value)
            lookup[value] = hashed
        replaced.append(pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.String))
    return frame.with_columns(replaced) if replaced else frame


def protect_personal_data(raw: RawFile, key: bytes, known: dict[str, str] | None = None) -> RawFile:
    """Drop the columns never stored (names) and pseudonymise the personal ones, before anything else.

    `known`: the run's pseudonyms so far (see `pseudonymise_columns`); only ever filled with this `key`.
    """
    dropped = [c.name for c in raw.source.columns if c.never_stored]
    personal = [c.name for c in raw.source.columns if c.personal]
    frame = pseudonymise_columns(raw.frame.drop(dropped), personal, key, known)
    return dataclasses.replace(raw, frame=frame)
