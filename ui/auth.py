"""Who is looking, and what they may see.

Identity comes from `st.login` (OIDC) when `.streamlit/secrets.toml` has an `[auth]` section, else
from a header set by the organisation's reverse proxy when `[pantau] trusted_header` names it, else
nobody signs in and the dashboard is an open demo that says so. The role comes from the `users`
table. `ui.queries` asks `Viewer` what to return; pages never decide scope.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from etl.users import BRANCH_MANAGER, REGIONAL_HEAD

OIDC, TRUSTED_HEADER, OPEN_DEMO = "oidc", "trusted_header", "open_demo"


class OutOfScope(PermissionError):
    """A query for data the viewer may not see."""


class NotSignedIn(PermissionError):
    """A query with nobody signed in, in a deployment that requires it."""


@dataclass(frozen=True)
class Viewer:
    login: str
    name: str
    role: str
    region_code: str | None  # None: every region (the open demo, or a process on the server)
    branch_code: str | None = None  # a branch manager's own branch

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


# The open demo, and a process on the server (CLI, benchmarks): whoever runs it already holds the database URL.
EVERYTHING = Viewer("open", "Demo", REGIONAL_HEAD, None)


def mode() -> str:
    if "auth" in _secrets():
        return OIDC
    if trusted_header():
        return TRUSTED_HEADER
    return OPEN_DEMO


def trusted_header() -> str | None:
    """The header the proxy sets, only when the config names it: a header is trusted nowhere else."""
    return (_secrets().get("pantau") or {}).get("trusted_header") or None


def signed_in_login() -> str | None:
    """The e-mail the identity provider or the proxy vouches for, or None."""
    if mode() == OIDC:
        return st.user.get("email") if st.user.get("is_logged_in") else None
    header = trusted_header()
    return (st.context.headers.get(header) or "").strip() or None if header else None


def current_viewer(find_user: Callable[[str], dict | None]) -> Viewer | None:
    """The signed-in user as a Viewer; None when nobody is signed in or the login is not in `users`."""
    if get_script_run_ctx() is None or mode() == OPEN_DEMO:
        return EVERYTHING
    login = signed_in_login()
    user = find_user(login) if login else None
    if user is None:
        return None
    return Viewer(user["login"], user["name"], user["role"], user["region_code"], user["branch_code"])


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml anywhere: the open demo
        return {}
