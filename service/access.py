"""Who is looking, and what they may see: the viewer every read and write is made for.

The role comes from the `users` table. Nothing here trusts where code runs: a process that is not a
signed-in person (the command line, a batch job) says so with `Viewer.process`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from etl.users import BRANCH_MANAGER, REGIONAL_HEAD


class OutOfScope(PermissionError):
    """A query for data the viewer may not see."""


class NotSignedIn(PermissionError):
    """A query with nobody signed in, in a deployment that requires it, or without a viewer at all."""


@dataclass(frozen=True)
class Viewer:
    login: str
    name: str
    role: str
    region_code: str | None  # None: every region (the open demo, or a process on the server)
    branch_code: str | None = None  # a branch manager's own branch

    @classmethod
    def process(cls, what: str) -> Viewer:
        """A process on the server (`python -m report`, a benchmark): whoever runs it already holds the database."""
        return cls(f"process:{what}", what, REGIONAL_HEAD, None)

    def sees_region(self, region: str) -> bool:
        return self.region_code is None or self.region_code == region

    @property
    def own_branch(self) -> str | None:
        """The one branch whose records (claims, complaints, quarantine) a branch manager reads; None: no such limit."""
        return self.branch_code if self.role == BRANCH_MANAGER else None

    def record_codes(self, codes: Iterable[str]) -> tuple[str, ...]:
        """The branches among `codes` whose records this viewer may read."""
        return tuple(c for c in codes if self.own_branch in (None, c))

    def may_edit(self, branch_code: str) -> bool:
        """Follow-ups: a branch manager edits their own branch's, a regional head any in the region (checked apart)."""
        return self.own_branch in (None, branch_code)

    @property
    def may_upload(self) -> bool:
        return self.role != BRANCH_MANAGER


# The open demo: every region, said on every page. Only an explicit setting gives it (see ui.auth).
OPEN_DEMO_VIEWER = Viewer("open", "Demo", REGIONAL_HEAD, None)
