"""The Reader every query takes: the database, who is looking, the SOP config, and a cache.

A query's expensive part (SQL, or a statistic over a region) runs through `Reader.cached`, keyed by
the function and its arguments, which scope has already narrowed: a cached result is never served
past the viewer it was computed for. The dashboard plugs in Streamlit's cache keyed by the data
version (ui.session); a batch job keeps a plain dictionary for its one run.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.sql import Select

from etl.db import read_frame
from etl.sop import Sop, load_sop
from service.access import NotSignedIn, OutOfScope, Viewer

# (the query function, its arguments after the Reader, the Reader) → the result
Memo = Callable[[Callable, tuple, "Reader"], Any]


@dataclass(frozen=True, eq=False)
class Reader:
    engine: Engine
    viewer: Viewer
    sop: Sop
    memo: Memo | None = None  # None: remember results for this Reader's life only (one CLI run, one pack)
    _kept: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.viewer, Viewer):  # fail closed: every read is made for somebody
            raise NotSignedIn("no viewer")

    @classmethod
    def for_process(cls, engine: Engine, what: str, sop: Sop | None = None) -> Reader:
        """A Reader for a process on the server that is not a person (the pack's CLI, a benchmark)."""
        return cls(engine, Viewer.process(what), sop or load_sop())

    def cached(self, query: Callable, *args):
        """`query(self, *args)`, remembered by the Reader's cache."""
        if self.memo is not None:
            return self.memo(query, args, self)
        key = (query.__module__, query.__qualname__, args)
        if key not in self._kept:
            self._kept[key] = query(self, *args)
        return self._kept[key]

    def read(self, statement: Select) -> pl.DataFrame:
        """Run `statement`; every column typed as SQL declares it, so empty results keep their schema."""
        with self.engine.connect() as conn:
            return read_frame(conn, statement)

    def require_region(self, region: str) -> None:
        """A region's KPIs, and anything judged within it, for viewers of that region only."""
        if not self.viewer.sees_region(region):
            raise OutOfScope(region)
