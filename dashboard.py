"""Pantau's entry point: page config, navigation, shared filters, freshness, and the empty and error states."""
from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from present.words import t
from service import reference
from service.access import NotSignedIn, OutOfScope
from ui import auth, filters, session, subscribe
from ui.blocks import in_code, plain

st.set_page_config(page_title="Pantau", page_icon=":material/monitoring:", layout="wide")

PAGES = {
    "section_meeting": [
        ("pages/weekly.py", "page_weekly", ":material/groups:", "meeting", True),
        ("pages/follow_ups.py", "page_follow_ups", ":material/task_alt:", "follow-ups", False),
        ("pages/events.py", "page_events", ":material/event_note:", "events", False),
    ],
    "section_evaluation": [
        ("pages/evaluation.py", "page_evaluation", ":material/balance:", "evaluation", False),
        ("pages/report_card.py", "page_report_card", ":material/assignment:", "report-card", False),
        ("pages/trends.py", "page_trends", ":material/show_chart:", "trends", False),
        ("pages/compliance.py", "page_compliance", ":material/rule:", "compliance", False),
        ("pages/compare.py", "page_compare", ":material/compare_arrows:", "compare", False),
    ],
    "section_operations": [
        ("pages/queue.py", "page_queue", ":material/schedule:", "queue", False),
        ("pages/staffing.py", "page_staffing", ":material/groups_3:", "staffing", False),
        ("pages/claims.py", "page_claims", ":material/request_quote:", "claims", False),
        ("pages/complaints.py", "page_complaints", ":material/feedback:", "complaints", False),
    ],
    "section_admin": [("pages/data.py", "page_data", ":material/database:", "data", False)],
}


def navigation(lang: str):
    """Sections of pages, titled in the current language; URL paths stay the same in both.

    The weekly page is the default, served at the root; a hidden page at /weekly sends a link or bookmark
    there (with its filters) instead of Streamlit's "Page not found".
    """
    sections = {
        t(section, lang): [st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=default)
                           for path, title, icon, url, default in pages]
        for section, pages in PAGES.items()
    }
    alias = st.Page(_to_the_meeting, title=t("page_weekly", lang), url_path="weekly", visibility="hidden")
    return st.navigation({**sections, "": [alias]})


def _to_the_meeting() -> None:
    st.switch_page("pages/weekly.py", query_params={key: st.query_params.get_all(key) for key in st.query_params})


def empty_state(lang: str) -> None:
    """One button that generates the demo region and loads it with the ETL."""
    st.title(t("app_title", lang))
    st.info(t("empty_db", lang))
    if st.button(t("load_demo", lang), type="primary", icon=":material/download:"):
        from etl.demo import load_demo  # the generator is only needed here, on an empty database

        bar = st.progress(0.0, text=t("loading_demo", lang))
        load_demo(session.engine(), progress=lambda what, done, total: bar.progress(
            min(done / total, 1.0) if total else 0.0, text=what))
        session.clear_caches()
        st.rerun()


def signed_in(lang: str) -> bool:
    """Say who is signed in (or that this is an open demo), or show the way in; False when nobody may see data."""
    mode = auth.mode()
    if mode in (auth.SECRETS_UNREADABLE, auth.UNCONFIGURED):  # nothing is served: not even the open demo
        st.title(t("app_title", lang))
        if mode == auth.SECRETS_UNREADABLE:
            st.error(t("secrets_unreadable", lang, path=plain(auth.unreadable_secrets_file())), icon=":material/block:")
        else:
            st.error(t("sign_in_not_configured", lang), icon=":material/lock:")
        return False
    if mode == auth.OPEN_DEMO:
        # Keyed, so that presentation mode can hide it on a projected screen (ui/present_mode.py).
        st.container(key="demo_banner").warning(t("open_demo", lang), icon=":material/lock_open:")
        return True
    current = session.signed_in_viewer()
    if current is not None:
        scope = reference.branch_names(session.reader()).get(current.branch_code or current.region_code)
        st.sidebar.caption(t("signed_in_as", lang, name=plain(current.name), role=t(current.role, lang),
                             scope=plain(scope)))
        if mode == auth.OIDC:
            st.sidebar.button(t("sign_out", lang), on_click=st.logout, icon=":material/logout:")
        subscribe.sidebar_control(current, scope, lang)
        return True
    st.title(t("app_title", lang))
    who = auth.identity()
    if who.refused:  # sent, but not taken: a repeated proxy header, an unverified e-mail
        st.error(t(who.refused, lang, **{k: plain(v) for k, v in who.values.items()}), icon=":material/block:")
    elif who.login:  # vouched for by the identity provider or the proxy, but not a Pantau user
        st.error(t("not_registered", lang, login=plain(who.login), command_login=in_code(who.login)),
                 icon=":material/person_off:")
    elif mode == auth.OIDC:
        st.info(t("sign_in_prompt", lang))
        st.button(t("sign_in", lang), type="primary", on_click=st.login, icon=":material/login:")
    else:
        st.error(t("no_proxy_identity", lang, header=plain(auth.trusted_header())))
    if (who.login or who.refused) and mode == auth.OIDC:
        st.button(t("sign_out", lang), on_click=st.logout, icon=":material/logout:")
    return False


def show(page, lang: str) -> None:
    if session.data_version() is None:
        empty_state(lang)
    elif filters.sidebar(lang) is None:
        st.info(t("no_data", lang))
    else:
        session.warm_up()
        # Keyed, so that presentation mode can move it into its bar (ui/present_mode.py).
        st.container(key="freshness").caption(filters.freshness_line(lang))
        page.run()


lang = filters.language_switch()
page = navigation(lang)
try:
    if signed_in(lang):
        show(page, lang)
except (OutOfScope, NotSignedIn):  # e.g. a user removed while signed in
    st.error(t("out_of_scope", lang), icon=":material/block:")
except SQLAlchemyError as error:
    # A broken or unreachable database gets one readable sentence, not a traceback.
    cause = getattr(error, "orig", None) or error
    st.error(t("db_error", lang, error=f"{type(cause).__name__}: {str(cause).splitlines()[0]}"))
