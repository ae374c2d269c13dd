"""Who is looking, and what they may see.

Identity comes from `st.login` (OIDC) when `.streamlit/secrets.toml` has an `[auth]` section, else
from a header set by the organisation's reverse proxy when `[pantau] trusted_header` names it, else
nobody signs in and the dashboard is an open demo that says so. The role comes from the `users`
table. The queries in `service` ask the `Viewer` what to return; pages never decide scope.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from service.access import OPEN_DEMO_VIEWER, NotSignedIn, Viewer

OIDC, TRUSTED_HEADER, OPEN_DEMO = "oidc", "trusted_header", "open_demo"


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
    if get_script_run_ctx() is None:  # a worker thread, or no session at all: it must be handed a Reader
        raise NotSignedIn("no script run on this thread")
    if mode() == OPEN_DEMO:
        return OPEN_DEMO_VIEWER
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
