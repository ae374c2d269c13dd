"""The sidebar switch a signed-in person subscribes with: it writes their own subscription, nobody else's."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.db import make_engine
from etl.users import add_user
from report.subscriptions import subscribed
from tests.ui_db import REGION, build_known_db

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")
OIDC_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                "client_id": "pantau", "client_secret": "s", "server_metadata_url": "http://localhost:1/"}
HEAD, MANAGER = "kepala@bpjs.example", "manajer@bpjs.example"


@pytest.fixture
def engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'known.db'}"
    build_known_db(url).dispose()
    made = make_engine(url)
    add_user(made, HEAD, "Ani", "regional_head", region=REGION[0])
    add_user(made, MANAGER, "Budi", "branch_manager", branch="B2")
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield made
    made.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


def dashboard_as(login: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.secrets["auth"] = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": login}
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_signed_in_person_switches_their_own_packs_on_and_off(engine):
    at = dashboard_as(MANAGER)
    assert at.sidebar.expander[0].label == "Paket lewat e-mail"
    assert any("Beta" in c.value and MANAGER in c.value.replace("\\", "") for c in at.sidebar.caption)
    at.toggle(key="subscribe_week").set_value(True).run()
    assert subscribed(engine, MANAGER) == {"week": "id"} and subscribed(engine, HEAD) == {}

    at.toggle(key="subscribe_month").set_value(True).run()
    at.toggle(key="subscribe_week").set_value(False).run()
    assert subscribed(engine, MANAGER) == {"month": "id"}
    assert dashboard_as(MANAGER).toggle(key="subscribe_month").value is True  # what is stored shows on the next visit


def test_the_open_demo_has_no_switch(engine, monkeypatch):
    at = AppTest.from_file(ENTRY, default_timeout=120)  # PANTAU_OPEN_DEMO=1 (conftest): nobody to send a pack to
    at.run()
    assert not at.exception and not [e for e in at.sidebar.expander if e.label == "Paket lewat e-mail"]
