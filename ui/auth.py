"""Who is looking, and what they may see.

Identity comes from `st.login` (OIDC) when `.streamlit/secrets.toml` has an `[auth]` section, else
from a header set by the organisation's reverse proxy when `[pantau] trusted_header` names it. The
open demo (nobody signs in, everyone sees every region) is only ever an explicit choice:
`[pantau] open_demo = true`, or PANTAU_OPEN_DEMO=1 in the environment (`make run` sets it). With
none of these nothing is served, and neither is anything when a secrets file exists but cannot be
read: a typo in the file must never turn sign-in off. The role comes from the `users` table. The
queries in `service` ask the `Viewer` what to return; pages never decide scope.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from streamlit import config
from streamlit.runtime.scriptrunner import get_script_run_ctx

from service.access import OPEN_DEMO_VIEWER, NotSignedIn, Viewer

OIDC, TRUSTED_HEADER, OPEN_DEMO = "oidc", "trusted_header", "open_demo"
UNCONFIGURED, SECRETS_UNREADABLE = "unconfigured", "secrets_unreadable"
OPEN_DEMO_ENV = "PANTAU_OPEN_DEMO"
YES = ("1", "true", "yes")


class SecretsUnreadable(Exception):
    """A secrets file (or folder) that exists but cannot be read; `path` names it, its content is never shown."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class Identity:
    """What the identity provider or the proxy says about this request.

    `login` is the e-mail vouched for, or None; `refused` is the key of the sentence (present/strings.py)
    saying why a login that was sent is not taken, with `values` to fill it in.
    """

    login: str | None
    refused: str | None = None
    values: dict = field(default_factory=dict)


def mode() -> str:
    """How this deployment knows who is looking: OIDC, TRUSTED_HEADER, OPEN_DEMO, UNCONFIGURED or SECRETS_UNREADABLE."""
    try:
        secrets = _secrets()
    except SecretsUnreadable:
        return SECRETS_UNREADABLE
    if "auth" in secrets:
        return OIDC
    if _pantau(secrets).get("trusted_header"):
        return TRUSTED_HEADER
    # Only `true` itself: a string such as "false" would otherwise count as yes.
    if _pantau(secrets).get("open_demo") is True or os.environ.get(OPEN_DEMO_ENV, "").strip().lower() in YES:
        return OPEN_DEMO
    return UNCONFIGURED


def unreadable_secrets_file() -> str | None:
    """The secrets file that exists but cannot be read, or None when there is none."""
    try:
        _secrets()
    except SecretsUnreadable as problem:
        return problem.path
    return None


def trusted_header() -> str | None:
    """The header the proxy sets, only when the config names it: a header is trusted nowhere else."""
    try:
        return _pantau(_secrets()).get("trusted_header") or None
    except SecretsUnreadable:
        return None


def header_identity(headers, name: str) -> Identity:
    """The login in the proxy's header `name` of one request (`headers`: Streamlit's StreamlitHeaders).

    The header must come exactly once. A second copy (or two values joined by a comma, as HTTP lets an
    intermediary do) means something between the proxy and Pantau added one, and taking either would
    trust whoever did: the request is refused.
    """
    values = [v.strip() for v in headers.get_all(name)]
    if len(values) > 1 or any("," in v for v in values):
        return Identity(None, "proxy_header_repeated", {"header": name})
    return Identity(values[0] if values and values[0] else None)


def oidc_identity(user: Mapping) -> Identity:
    """The login in the identity provider's claims (`st.user`), when signed in.

    An e-mail the provider says it has not verified (`email_verified` false) could be anyone's, so it is
    refused; a provider that sends no `email_verified` at all vouches for the e-mail by sending it.
    """
    if not user.get("is_logged_in"):
        return Identity(None)
    login = user.get("email") or None
    verified = user.get("email_verified", True)
    if login and verified is not True and str(verified).strip().lower() != "true":
        return Identity(None, "email_not_verified", {"login": login})
    return Identity(login)


def identity() -> Identity:
    """What vouches for this request, by the deployment's mode; nobody in the open demo or without sign-in."""
    current = mode()
    if current == OIDC:
        return oidc_identity(st.user)
    if current == TRUSTED_HEADER:
        return header_identity(st.context.headers, trusted_header())
    return Identity(None)


def signed_in_login() -> str | None:
    """The e-mail the identity provider or the proxy vouches for, or None (also when it is refused)."""
    return identity().login


def current_viewer(find_user: Callable[[str], dict | None]) -> Viewer | None:
    """The signed-in user as a Viewer; None when nobody is signed in or the login is not in `users`."""
    if get_script_run_ctx() is None:  # a worker thread, or no session at all: it must be handed a Reader
        raise NotSignedIn("no script run on this thread")
    current = mode()
    if current == OPEN_DEMO:
        return OPEN_DEMO_VIEWER
    if current not in (OIDC, TRUSTED_HEADER):  # no sign-in configured, or its configuration unreadable
        return None
    login = signed_in_login()
    user = find_user(login) if login else None
    if user is None:
        return None
    return Viewer(user["login"], user["name"], user["role"], user["region_code"], user["branch_code"])


def _pantau(secrets: dict) -> dict:
    section = secrets.get("pantau")
    return section if isinstance(section, dict) else {}


def _secrets() -> dict:
    """The secrets as a dict; {} when no secrets file exists; SecretsUnreadable when one exists but cannot be read.

    Streamlit raises the same error (a FileNotFoundError) for both, so the configured locations are looked at here.
    """
    try:
        return st.secrets.to_dict()
    except (OSError, ValueError) as error:  # ValueError: a file that is not UTF-8
        unreadable = _unreadable_location()
        if unreadable is not None:
            raise SecretsUnreadable(unreadable) from error
        return {}


def _unreadable_location() -> str | None:
    """The first configured secrets location that exists and cannot be read; None when none of them exists.

    Streamlit takes a `.toml` path that does not exist as "no file", and any other path as a folder of
    Kubernetes-style secrets, which must exist. An existing location that reads well here while Streamlit
    refused it (a folder holding a stray file, say) is named too: the point is that something is there.
    """
    present = [path for path in config.get_option("secrets.files")
               if os.path.lexists(path) or not path.endswith(".toml")]
    for path in present:
        if not path.endswith(".toml"):
            if not os.path.isdir(path):
                return path
            continue
        try:
            tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # tomllib.TOMLDecodeError and UnicodeDecodeError are ValueErrors
            return path
    return present[0] if present else None
