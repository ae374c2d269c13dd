"""Alerts as a viewer reads them: a branch's history, never another branch's for a branch manager.

Not cached: every ETL run may add alerts, and the list is short.
"""
from __future__ import annotations

import polars as pl

from etl import alerts
from service.access import OutOfScope
from service.reader import Reader
from service.reference import branch_names, region_branches


def branch_history(r: Reader, region: str, branch: str) -> pl.DataFrame:
    """The alerts about `branch`, newest first, with `name`; a branch manager reads their own branch's only."""
    r.require_region(region)
    if branch not in region_branches(r, region)["branch_code"].to_list() or r.viewer.own_branch not in (None, branch):
        raise OutOfScope(branch)
    return _named(r, alerts.history(r.engine, region, [branch]))


def _named(r: Reader, found: pl.DataFrame) -> pl.DataFrame:
    names = branch_names(r)
    code = pl.coalesce(pl.col("branch_code"), pl.col("region_code"))
    return found.with_columns(code.replace_strict(names, default=code).alias("name"))
