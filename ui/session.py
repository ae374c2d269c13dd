"""The dashboard's Reader: one engine per server, the viewer of this session, and Streamlit's cache.

Queries live in `service` and know nothing of Streamlit; this module plugs them into
`st.cache_data`, keyed by the data version, so a new load shows at once and a cached result
is never served past the scope its arguments were narrowed to.
"""
from __future__ import annotations

import importlib
import logging
import threading

import streamlit as st
from sqlalchemy import Engine

from etl import migrate, users
from etl.db import make_engine
from etl.settings import database_url
from etl.sop import Sop, load_sop
from service import reference, warm
from service.access import NotSignedIn, Viewer
from service.reader import Reader
from ui import auth


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """One engine per server process, its database migrated to the code's schema (etl.migrate) before any read:
    people write follow-ups and users through the dashboard before any ETL run may have."""
    made = make_engine(database_url())
    migrate.upgrade(made)
    return made


@st.cache_resource(show_spinner=False)
def sop() -> Sop:
    """The SOP config (zones, limits, claim SLAs)."""
    return load_sop()


@st.cache_data(ttl=2, show_spinner=False)
def data_version() -> str | None:
    """The latest ETL batch and whether its KPIs are in (see service.reference.data_version); None: no KPIs."""
    return reference.data_version(engine())


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached(version: str | None, module: str, name: str, args: tuple, _reader: Reader):
    return getattr(importlib.import_module(module), name)(_reader, *args)


def _memo(query, args: tuple, reader: Reader):
    """Streamlit's cache for `Reader.cached`, keyed by the data version, the query and its (scoped) arguments."""
    return _cached(data_version(), query.__module__, query.__qualname__, args, reader)


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server process, at the first page view: the default view (service.warm) computed in a second
    thread into the pages' cache, beside the page's own thread. A failure only loses the head start."""
    def run() -> None:
        try:
            warm.default_view(Reader(engine(), Viewer.process("warm-up"), sop(), memo=_memo))
        except Exception:  # the pages compute the same queries themselves, and report their own errors
            logging.getLogger(__name__).warning("warming the default view failed", exc_info=True)

    thread = threading.Thread(target=run, name="pantau-warm-up", daemon=True)
    thread.start()
    return thread


def clear_caches() -> None:
    """Forget every cached result, after this process loaded new data."""
    st.cache_data.clear()


@st.cache_data(ttl=30, show_spinner=False)
def _user(login: str) -> dict | None:
    """A `users` row; cached briefly, so a removed user loses access within half a minute."""
    return users.find_user(engine(), login)


def signed_in_viewer() -> Viewer | None:
    """The viewer of this session; None when nobody (known) is signed in."""
    return auth.current_viewer(_user)


def viewer() -> Viewer:
    """The signed-in viewer; NotSignedIn when nobody is, or when asked outside a script run."""
    found = signed_in_viewer()
    if found is None:
        raise NotSignedIn(auth.signed_in_login() or "")
    return found


def reader() -> Reader:
    """A Reader for this session's viewer; take it while the page renders and pass it on (to a download, say)."""
    return Reader(engine(), viewer(), sop(), memo=_memo)


def own_records_branch_name() -> str | None:
    """The name of the branch a branch manager's record pages are limited to; None for everyone else."""
    own = viewer().own_branch
    return reference.branch_names(reader()).get(own, own) if own else None
