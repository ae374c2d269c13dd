"""Rows a load may not write, whatever they hold: another region's, and records that would change branch.

An upload is scoped to its uploader's region (`scope`); the administrator's command line is not (None).
What decides is what the database already holds, looked up for the file's own ids before validation:

- `out_of_scope`: with a scope, a row of a branch outside it; a record whose id the database files
  under a branch outside it (a resent id never overwrites another region's record); a branches row
  of another region, or one that would move a branch of another region into this one.
- `region_mismatch`: an annotation naming a region the database does not hold, or a branch outside its region.
- `branch_changed`: a record the database files under one branch, sent again under another. The
  second sender would silently take the first one's record, so it is refused, scope or not.

Both are quarantine reasons like any other (data/README.md), checked before every other rule.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from etl.contract import Source
from etl.db import read_keyed
from etl.extract import RawFile
from etl.schema import FACT_TABLES, branches
from etl.validate import CONTROL_CHARACTER, Check

OWNER = "_owner"  # the branch (records) or region (branches) the database files a row's id under


@dataclass(frozen=True)
class Guard:
    source: Source
    scope: str | None  # the uploader's region; None: every region (the administrator's command line)
    scope_branches: frozenset[str]  # the branches the database files under `scope`
    known_branches: frozenset[str]
    owners: pl.DataFrame  # the id column and OWNER, for the file's ids the database holds already
    regions: tuple[tuple[str, str], ...] = ()  # (branch_code, region_code) as the database holds them

    def attach(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """`frame` with OWNER: null for a new id."""
        return frame.join(self.owners.lazy(), on=self.source.id_column, how="left", maintain_order="left")

    def checks(self) -> list[Check]:
        owner = pl.col(OWNER)
        if self.source.name == "annotations":
            return self._annotation_checks()
        if self.source.name == "branches":
            if self.scope is None:  # the administrator moves branches between regions
                return []
            return [Check("region_code", "out_of_scope", pl.col("region_code") != self.scope),
                    Check("branch_code", "out_of_scope", owner.is_not_null() & (owner != self.scope))]
        branch = pl.col("branch_code")
        known = branch.is_in(sorted(self.known_branches))  # an unknown code is reported as unknown_branch
        checks = []
        if self.scope is not None:
            mine = sorted(self.scope_branches)
            checks += [Check("branch_code", "out_of_scope", known & ~branch.is_in(mine)),
                       Check(self.source.id_column, "out_of_scope", owner.is_not_null() & ~owner.is_in(mine))]
        return [*checks, Check("branch_code", "branch_changed", known & owner.is_not_null() & (owner != branch))]


    def _annotation_checks(self) -> list[Check]:
        """An event belongs to a region the database holds (and to one of its branches, if any); an upload writes
        its own region's events only, and never replaces another region's."""
        region, branch, owner = pl.col("region_code"), pl.col("branch_code"), pl.col(OWNER)
        branch_region = dict(self.regions)
        checks = [Check("region_code", "region_mismatch", ~region.is_in(sorted(set(branch_region.values())))),
                  Check("branch_code", "region_mismatch", branch.is_in(sorted(self.known_branches))
                        & (branch.replace_strict(branch_region, default=None) != region))]
        if self.scope is not None:
            checks = [Check("region_code", "out_of_scope", region != self.scope),
                      Check(self.source.id_column, "out_of_scope", owner.is_not_null() & (owner != self.scope)),
                      *checks]
        return checks


def branch_regions(engine: Engine) -> dict[str, str]:
    """Every branch code and its region, as the database holds them now."""
    with engine.connect() as conn:
        return {code: region for code, region in conn.execute(select(branches.c.branch_code, branches.c.region_code))}


def guard_for(engine: Engine, raw: RawFile, scope: str | None, regions: dict[str, str]) -> Guard:
    """The guard for one file, given the branches' regions before it loads."""
    return Guard(raw.source, scope, frozenset(c for c, r in regions.items() if r == scope), frozenset(regions),
                 _owners(engine, raw.source, raw.frame), tuple(sorted(regions.items())))


def _owners(engine: Engine, source: Source, frame: pl.DataFrame) -> pl.DataFrame:
    """For each id in `frame` that the database holds: the branch (or, for branches, the region) it is filed under.

    The ids go as one parameter and probe the table's primary key (etl.db.read_keyed), so a file of millions
    of ids costs one statement, on either database.
    """
    key = source.id_column
    table = FACT_TABLES[source.name]
    owner = table.c["region_code" if source.name in ("branches", "annotations") else "branch_code"]
    found = pl.DataFrame(schema={key: pl.String, OWNER: pl.String})
    ids = frame.select(pl.col(key).str.strip_chars()).drop_nulls().unique()
    # Only ids that fit the column can be stored ones (PostgreSQL refuses longer values and NUL in a stage, too).
    ids = ids.filter((pl.col(key) != "") & (pl.col(key).str.len_chars() <= table.c[key].type.length)
                     & ~pl.col(key).str.contains(CONTROL_CHARACTER))
    if ids.is_empty():
        return found
    with engine.begin() as conn:
        if conn.execute(select(table.c[key]).limit(1)).first() is None:  # a first load: nothing to look up
            return found
        held = read_keyed(conn, [table.c[key], owner], table.c[key], ids.get_column(key))
    return held.select(pl.col(key).cast(pl.String), pl.col(owner.name).cast(pl.String).alias(OWNER))
