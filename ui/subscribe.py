"""The signed-in person's own subscription to the pack by e-mail: two switches in the sidebar.

What the pack covers is theirs (report.subscriptions reads it from `users` at each sending); the
switch only says how often, and the pack comes in the language the dashboard shows when it is set.
"""
from __future__ import annotations

import streamlit as st

from etl.kpis.periods import GRANULARITIES
from present.words import DEFAULT_LANGUAGE, LANGUAGES, t
from report import subscriptions
from service.access import Viewer
from ui import session
from ui.blocks import plain


def sidebar_control(viewer: Viewer, scope: str | None, lang: str) -> None:
    """Weekly and monthly pack on or off, in a closed expander: it is set once, not every visit."""
    # A page that Streamlit runs without the router first (see ui.filters.current) draws this with no language yet.
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    have = subscriptions.subscribed(session.engine(), viewer.login)
    with st.sidebar.expander(t("subscribe_control", lang), icon=":material/mail:"):
        st.caption(t("subscribe_help", lang, login=plain(viewer.login), scope=plain(scope)))
        for every in GRANULARITIES:
            st.toggle(t(f"subscribe_{every}", lang), value=every in have, key=f"subscribe_{every}",
                      on_change=_switched, args=(viewer.login, every, lang))
        languages = sorted(set(have.values())) or [lang]
        st.caption(t("subscribe_lang", lang, language=", ".join(LANGUAGES[code] for code in languages)))


def _switched(login: str, every: str, lang: str) -> None:
    if st.session_state[f"subscribe_{every}"]:
        subscriptions.subscribe(session.engine(), login, every, lang)
    else:
        subscriptions.unsubscribe(session.engine(), login, every)
    st.toast(t("subscribe_saved", lang), icon=":material/mail:")
