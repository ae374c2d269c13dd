"""Keyed pseudonyms for personal data (NIK, KPJ numbers): HMAC-SHA256 before anything is stored."""
from __future__ import annotations

import dataclasses
import hmac
import os
import secrets
from pathlib import Path

import polars as pl

from etl.extract import RawFile
from etl.settings import SECRET_FILE

SECRET_ENV = "PANTAU_SECRET"
PSEUDONYM_HEX_CHARS = 32  # 128 bits: collisions are out of reach at national scale


def load_secret(secret_file: Path = SECRET_FILE) -> bytes:
    """The key from $PANTAU_SECRET, else from `secret_file`, created on the first run."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV].encode()
    if secret_file.exists():
        return secret_file.read_text(encoding="ascii").strip().encode()
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    secret_file.touch(mode=0o600)
    secret_file.write_text(secrets.token_hex(32), encoding="ascii")
    return secret_file.read_text(encoding="ascii").strip().encode()


def pseudonym(key: bytes, value: str) -> str:
    """The keyed hash of one identifier (surrounding blanks ignored, so ' 123' and '123' match)."""
    # The one-shot digest skips building an HMAC object per value: the same bytes, about a fifth faster.
    return hmac.digest(key, value.strip().encode(), "sha256").hex()[:PSEUDONYM_HEX_CHARS]


def pseudonymise_columns(frame: pl.DataFrame, columns: list[str], key: bytes) -> pl.DataFrame:
    """Replace every value of `columns` with its pseudonym; empty cells stay empty.

    Each distinct value is hashed once: participants recur across tickets.
    """
    replaced = []
    for column in columns:
        distinct = frame.get_column(column).drop_nulls().unique()
        distinct = distinct.filter(distinct.str.strip_chars() != "")
        lookup = {v: pseudonym(key, v) for v in distinct.to_list()}
        replaced.append(pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.String))
    return frame.with_columns(replaced) if replaced else frame


def protect_personal_data(raw: RawFile, key: bytes) -> RawFile:
    """Drop the columns never stored (names) and pseudonymise the personal ones, before anything else."""
    dropped = [c.name for c in raw.source.columns if c.never_stored]
    personal = [c.name for c in raw.source.columns if c.personal]
    frame = pseudonymise_columns(raw.frame.drop(dropped), personal, key)
    return dataclasses.replace(raw, frame=frame)
