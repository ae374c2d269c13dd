"""Who sees what: users and roles, the sign-in gate, and scoping enforced in the query module.

A branch manager asks for another branch's records through the query functions and through the
pages, and gets none; a regional head of another region gets none of Banten. Queries run inside
AppTest, because the viewer is who Streamlit says is signed in (`at.user`), as in production.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from etl import schema
from etl.db import make_engine
from etl.users import UserError, add_user, find_user, list_users, remove_user
from tests.ui_db import copy_of_demo

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "dashboard.py")
HEAD = "kepala.banten@bpjs.example"
MANAGER = "manajer.cilegon@bpjs.example"  # BTN02, KC Cilegon
OTHER_HEAD = "kepala.jakarta@bpjs.example"
OIDC_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                "client_id": "pantau", "client_secret": "s", "server_metadata_url": "http://localhost:1/"}


@pytest.fixture
def access_db(demo_db_url, tmp_path, monkeypatch) -> str:
    """A copy of the demo database with a second region and three users."""
    url = copy_of_demo(demo_db_url, tmp_path / "access.db")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(schema.branches).values(
            branch_code="JKT01", branch_name="KC Jakarta Salemba", branch_type="KC", region_code="JKT",
            region_name="Kanwil DKI Jakarta", city="Jakarta", counters=6, opens_at="08:00", closes_at="15:00",
            batch_id=1))
    add_user(engine, HEAD, "Ani Kusuma", "regional_head", region="BTN")
    add_user(engine, MANAGER, "Budi Hartono", "branch_manager", branch="BTN02")
    add_user(engine, OTHER_HEAD, "Citra", "regional_head", region="JKT")
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()


def signed_in(at: AppTest, login: str | None) -> AppTest:
    """Configure OIDC and sign `login` in, as Streamlit would after the identity provider's redirect."""
    at.secrets["auth"] = OIDC_SECRETS
    at.user = {"is_logged_in": login is not None, **({"email": login} if login else {})}
    return at


def as_viewer(login: str, probe) -> dict:
    """Run `probe` (a script function that fills st.session_state["out"]) as `login`; return what it found."""
    at = signed_in(AppTest.from_function(probe, default_timeout=60), login)
    at.run()
    assert not at.exception, at.exception
    return at.session_state["out"]


# --- users -------------------------------------------------------------------------------------------------------------

def test_users_are_added_listed_and_removed(access_db):
    engine = make_engine(access_db)
    assert find_user(engine, "  Manajer.Cilegon@BPJS.example ")["branch_code"] == "BTN02"
    assert find_user(engine, MANAGER)["region_code"] == "BTN"  # a manager's region is their branch's
    assert set(list_users(engine)["login"]) == {HEAD, MANAGER, OTHER_HEAD}
    assert remove_user(engine, OTHER_HEAD) and not remove_user(engine, OTHER_HEAD)
    assert find_user(engine, OTHER_HEAD) is None


@pytest.mark.parametrize("login, role, region, branch, problem", [
    ("no-at-sign", "regional_head", "BTN", None, "e-mail"),
    ("x@y.id", "admin", "BTN", None, "unknown role"),
    ("x@y.id", "branch_manager", None, None, "needs --branch"),
    ("x@y.id", "branch_manager", None, "XXX99", "no branch XXX99"),
    ("x@y.id", "regional_head", "NOPE", None, "no region NOPE"),
    ("x@y.id", "regional_head", "BTN", "BTN01", "not --branch"),
])
def test_a_user_that_cannot_exist_is_refused_with_the_reason(access_db, login, role, region, branch, problem):
    with pytest.raises(UserError, match=problem):
        add_user(make_engine(access_db), login, "", role, region=region, branch=branch)


def test_the_users_command_adds_lists_and_removes(access_db):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "etl", "users", *args], cwd=ROOT, capture_output=True,
                              text=True, env={"DATABASE_URL": access_db, "PATH": "/usr/bin:/bin", "COLUMNS": "200"})

    added = cli("add", "dewi@bpjs.example", "--name", "Dewi", "--role", "branch_manager", "--branch", "BTN03")
    assert added.returncode == 0, added.stderr
    assert "dewi@bpjs.example" in cli("list").stdout
    refused = cli("add", "eko@bpjs.example", "--role", "branch_manager", "--branch", "XXX99")
    assert refused.returncode == 2 and "XXX99" in refused.stderr
    assert cli("remove", "dewi@bpjs.example").returncode == 0
    assert cli("remove", "dewi@bpjs.example").returncode == 2


# --- scoping in the query module --------------------------------------------------------------------------------------

def _records_probe():
    import datetime as dt

    import streamlit as st

    from service import claims, complaints, data, marts, reference
    from ui import session

    r = session.reader()
    period, codes = reference.default_period(r, "month"), ("BTN01", "BTN02", "BTN03")
    start = period - dt.timedelta(days=180)
    st.session_state["out"] = {
        "complaint_branches": sorted(set(complaints.complaint_records(r, codes, start, period, "month")["branch_code"])),
        "claim_branches": sorted(set(claims.claim_records(r, codes, start, period, "month")["branch_code"])),
        "other_branch_claims": claims.claim_records(r, ("BTN01",), start, period, "month").height,
        "searched": complaints.search_complaints(r, ("BTN01",), period, "month", "").height,
        "quarantine": "".join(data.quarantine_samples(r, "complaints", "bad_code", 50)["raw_values"]),
        "kpi_branches": marts.kpi_values(r, "month", "BTN", period, period)["code"].n_unique(),
    }


def test_a_branch_manager_gets_only_their_own_records_through_the_query_functions(access_db):
    out = as_viewer(MANAGER, _records_probe)
    assert out["complaint_branches"] == ["BTN02"] and out["claim_branches"] == ["BTN02"]
    assert out["other_branch_claims"] == 0 and out["searched"] == 0
    assert '"branch_code": "BTN02"' in out["quarantine"]
    assert '"branch_code": "BTN05"' not in out["quarantine"] and '"branch_code": "BTN01"' not in out["quarantine"]
    assert out["kpi_branches"] == 12  # comparison is the point: every branch of the region, and the region


def _staffing_probe():
    import streamlit as st

    from service import reference, staffing
    from ui import session

    r = session.reader()
    codes = tuple(reference.region_branches(r, "BTN")["branch_code"])
    week = reference.default_period(r, "week")
    st.session_state["out"] = {
        "detail": staffing.detail_codes(r, codes),
        "serang_slots": staffing.branch_slots(r, "BTN01", week, "week").height,
        "own_slots": staffing.branch_slots(r, "BTN02", week, "week").height,
        "plan_branches": staffing.next_week_plan(r, codes)["branch_code"].n_unique(),
        "short_branches": staffing.short_hours(r, codes, week, "week")["branch_code"].n_unique(),
        "empty_days": staffing.empty_counter_days(r, codes, week.replace(day=1), "month").select(
            "branch_code", "day").rows(),
    }


def test_a_branch_manager_sees_every_branch_plan_but_only_their_own_hours(access_db):
    manager, head = as_viewer(MANAGER, _staffing_probe), as_viewer(HEAD, _staffing_probe)
    assert manager["detail"] == ("BTN02",) and manager["serang_slots"] == 0 and manager["own_slots"] > 0
    assert head["serang_slots"] > 0 and len(head["detail"]) == 11
    assert manager["plan_branches"] == head["plan_branches"] == 11
    assert manager["short_branches"] == head["short_branches"] > 1
    # The demo's November: Serang's empty-counter Thursday (the generator's story 2), named to everyone.
    assert manager["empty_days"] == head["empty_days"] == [("BTN01", dt.date(2026, 11, 12))]


def test_a_regional_head_gets_every_record_of_the_region(access_db):
    out = as_viewer(HEAD, _records_probe)
    assert out["complaint_branches"] == ["BTN01", "BTN02", "BTN03"]
    assert out["other_branch_claims"] > 0 and '"branch_code": "BTN05"' in out["quarantine"]


def _other_region_probe():
    import streamlit as st

    from service import complaints, marts, queue, reference
    from service.access import OutOfScope
    from ui import session

    r = session.reader()
    period = reference.default_period(r, "week") if reference.periods(r, "week").height else None
    out = {"regions": sorted(set(reference.branches(r)["region_code"]))}
    try:
        marts.kpi_values(r, "week", "BTN", period, period)
        out["kpis"] = "served"
    except OutOfScope:
        out["kpis"] = "refused"
    out["tickets"] = queue.tickets(r, ("BTN01", "BTN02"), period, "week").height
    out["complaints"] = complaints.complaint_records(r, ("BTN01",), period, period, "week").height
    st.session_state["out"] = out


def test_a_head_of_another_region_gets_nothing_of_banten(access_db):
    # Cached results of a Banten viewer must not be served past the scope either.
    assert as_viewer(HEAD, _other_region_probe)["kpis"] == "served"
    out = as_viewer(OTHER_HEAD, _other_region_probe)
    assert out == {"regions": ["JKT"], "kpis": "refused", "tickets": 0, "complaints": 0}


def _follow_up_probe():
    import datetime as dt

    import streamlit as st

    from service import commands
    from service.access import OutOfScope
    from ui import session

    out = {}
    for branch in ("BTN02", "BTN01"):
        try:
            commands.add_follow_up(session.reader(), branch_code=branch, kpi=None, topic="Loket kosong", agreed="Tambah petugas",
                                  owner="Budi", due_date=dt.date(2026, 11, 30), granularity="week",
                                  raised_period=dt.date(2026, 11, 9), created_by="Budi")
            out[branch] = "created"
        except OutOfScope:
            out[branch] = "refused"
    st.session_state["out"] = out


def test_a_branch_manager_edits_only_their_own_branch_follow_ups(access_db):
    assert as_viewer(MANAGER, _follow_up_probe) == {"BTN02": "created", "BTN01": "refused"}
    assert as_viewer(HEAD, _follow_up_probe) == {"BTN02": "created", "BTN01": "created"}


# --- the pages ---------------------------------------------------------------------------------------------------------

def dashboard_as(login: str | None, page: str | None = None, **params) -> AppTest:
    at = signed_in(AppTest.from_file(ENTRY, default_timeout=120), login)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", ["complaints", "claims"])
def test_a_branch_manager_who_picks_another_branch_sees_none_of_its_records(access_db, page):
    at = dashboard_as(MANAGER, page, b="BTN01", g="month")
    assert at.session_state["b"] == ["BTN01"]
    shown = "".join(frame.value.to_string() for frame in at.dataframe)
    assert "BTN01" not in shown and "KC Serang" not in shown
    assert any("KC Cilegon" in info.value for info in at.info), "the page says whose records it shows"
    # Only the region's KPI line (complaints) is left: every chart drawn from records says "no data" instead.
    head = dashboard_as(HEAD, page, b="BTN01", g="month")
    record_charts = len(head.get("plotly_chart")) - len(at.get("plotly_chart"))
    assert record_charts >= 4 and sum("Tidak ada data" in i.value for i in at.info) >= record_charts


def test_a_regional_head_who_picks_a_branch_sees_its_records(access_db):
    at = dashboard_as(HEAD, "complaints", b="BTN01", g="month")
    assert any("ADU-BTN01" in frame.value.to_string() for frame in at.dataframe)


def test_a_branch_manager_sees_every_branch_kpis_and_no_upload(access_db):
    at = dashboard_as(MANAGER, "compliance")
    assert any("KC Serang" in frame.value.to_string() for frame in at.dataframe)
    at.switch_page("pages/data.py").run()
    assert not at.get("file_uploader") and any("kepala wilayah" in i.value for i in at.info)


def test_nobody_signed_in_sees_the_sign_in_button_and_no_data(access_db):
    at = dashboard_as(None)
    assert [b.label for b in at.button] == ["Masuk"]
    assert not at.dataframe and not at.get("plotly_chart")


def test_a_signed_in_stranger_is_told_to_ask_for_access(access_db):
    at = dashboard_as("orang.asing@example.com")
    assert "orang.asing@example.com" in at.error[0].value and "users add" in at.error[0].value
    assert not at.dataframe and not at.get("plotly_chart")


def test_the_open_demo_says_so(access_db):
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert any("Demo terbuka" in w.value for w in at.warning)


# --- the gate: the open demo only when asked for, and never on a secrets file that cannot be read ---------------------

def nothing_served(at: AppTest) -> bool:
    """No data on the page: no table, no chart, no sidebar filters, no demo warning."""
    return not (at.dataframe or at.get("plotly_chart") or at.sidebar.selectbox or at.warning)


def texts(at: AppTest) -> list[str]:
    """Every sentence on the page and in the sidebar."""
    return [e.value for kind in ("title", "error", "warning", "info", "caption", "markdown")
            for e in [*at.get(kind), *at.sidebar.get(kind)]]


@pytest.mark.parametrize(("lang", "says"), [("id", "Login belum diatur"), ("en", "Sign-in is not configured")])
def test_without_sign_in_or_an_explicit_open_demo_nothing_is_served(access_db, monkeypatch, lang, says):
    monkeypatch.delenv("PANTAU_OPEN_DEMO")
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    [error] = at.error
    assert error.value.startswith(says) and "PANTAU_OPEN_DEMO=1" in error.value and "open_demo = true" in error.value
    assert nothing_served(at)


@pytest.mark.parametrize(("env", "secrets", "open"), [
    ("1", {}, True), ("true", {}, True), (None, {"pantau": {"open_demo": True}}, True),
    ("0", {}, False), (None, {"pantau": {"open_demo": "false"}}, False), (None, {"pantau": {"open_demo": 1}}, False),
])
def test_the_open_demo_is_an_explicit_setting(access_db, monkeypatch, env, secrets, open):
    monkeypatch.delenv("PANTAU_OPEN_DEMO")
    if env is not None:
        monkeypatch.setenv("PANTAU_OPEN_DEMO", env)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    for section, values in secrets.items():
        at.secrets[section] = values
    at.run()
    assert not at.exception, at.exception
    assert any("Demo terbuka" in w.value for w in at.warning) is open
    assert bool(at.get("plotly_chart")) is open


def test_sign_in_configured_wins_over_an_open_demo_setting(access_db):
    at = signed_in(AppTest.from_file(ENTRY, default_timeout=120), None)  # PANTAU_OPEN_DEMO=1 is set (conftest)
    at.secrets["pantau"] = {"open_demo": True}
    at.run()
    assert [b.label for b in at.button] == ["Masuk"] and nothing_served(at)


@pytest.mark.parametrize("content", [
    '[pantau]\ntrusted_header = "X-Forwarded-Email\n[auth]\nclient_secret = "isi-tersembunyi-7q"\n',  # unclosed
    '[auth]\nclient_secret = "isi-tersembunyi-7q"\n[auth]\nclient_id = "pantau"\n',  # a section twice
    "client_secret = 'isi-tersembunyi-7q'\n\xff\n",  # not UTF-8
])
def test_a_secrets_file_that_cannot_be_read_stops_the_dashboard_and_names_only_the_file(access_db, tmp_path,
                                                                                        content):
    from streamlit.testing.v1.util import patch_config_options

    from ui.blocks import plain

    broken = tmp_path / "secrets.toml"
    broken.write_bytes(content.encode("latin-1"))
    # PANTAU_OPEN_DEMO=1 is set (conftest): a file that cannot be read must win over it, or a typo opens everything.
    with patch_config_options({"secrets.files": [str(tmp_path / "missing.toml"), str(broken)]}):
        at = AppTest.from_file(ENTRY, default_timeout=120)
        at.run()
    assert not at.exception, at.exception
    [error] = at.error
    assert plain(str(broken)) in error.value and "missing" not in error.value
    assert not any("tersembunyi" in text for text in texts(at)), texts(at)
    assert nothing_served(at)


def test_no_secrets_file_at_all_is_not_an_unreadable_one(access_db, tmp_path):
    from streamlit.testing.v1.util import patch_config_options

    with patch_config_options({"secrets.files": [str(tmp_path / "none.toml"), str(tmp_path / "nor-this.toml")]}):
        at = AppTest.from_file(ENTRY, default_timeout=120)
        at.run()
    assert any("Demo terbuka" in w.value for w in at.warning) and not at.error


# --- what the identity provider and the proxy send --------------------------------------------------------------------

@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_e_mail_the_provider_has_not_verified_is_refused(access_db, verified):
    at = signed_in(AppTest.from_file(ENTRY, default_timeout=120), HEAD)
    at.user = {**at.user, "email_verified": verified}
    at.run()
    assert not at.exception, at.exception
    [error] = at.error
    assert "belum memverifikasi" in error.value and "kepala\\.banten\\@bpjs\\.example" in error.value
    assert nothing_served(at) and [b.label for b in at.button] == ["Keluar"]


@pytest.mark.parametrize("verified", [True, "true"])
def test_a_verified_e_mail_signs_in(access_db, verified):
    at = signed_in(AppTest.from_file(ENTRY, default_timeout=120), HEAD)
    at.user = {**at.user, "email_verified": verified}
    at.run()
    assert any("Ani Kusuma" in c.value for c in at.sidebar.caption)  # absent: every other test here


@pytest.mark.parametrize(("sent", "login", "refused"), [
    ([("X-Pantau-User", "kepala@bpjs.example")], "kepala@bpjs.example", None),
    ([("x-pantau-user", "  kepala@bpjs.example ")], "kepala@bpjs.example", None),
    ([], None, None),
    ([("X-Pantau-User", "")], None, None),
    ([("X-Pantau-User", "kepala@bpjs.example"), ("X-Pantau-User", "kepala@bpjs.example")], None,
     "proxy_header_repeated"),
    ([("X-Pantau-User", "penyerang@example.com"), ("x-pantau-user", "kepala@bpjs.example")], None,
     "proxy_header_repeated"),
    ([("X-Pantau-User", "penyerang@example.com, kepala@bpjs.example")], None, "proxy_header_repeated"),
])
def test_the_proxy_header_counts_only_when_it_comes_exactly_once(sent, login, refused):
    """The decision on Streamlit's own headers object, built as the server builds it from the handshake's
    (name, value) pairs; tests/browser/test_browser_sign_in.py sends a repeated header through a real server."""
    from streamlit.runtime.context import StreamlitHeaders

    from ui.auth import header_identity

    found = header_identity(StreamlitHeaders(sent), "X-Pantau-User")
    assert (found.login, found.refused) == (login, refused)


# --- names from the data are text, not Markdown -------------------------------------------------------------------

MARKDOWN_LINK = "[Masuk](https://evil.example/sso)"
MARKDOWN_IMAGE = "![](https://evil.example/pixel.png)"


def test_names_with_markdown_are_shown_as_text(access_db):
    """A branch and a region named with a link and an image (put straight into the database, past the ETL's
    markup_text rule) are escaped wherever a page reads Markdown: the sidebar, an info box, a caption."""
    from sqlalchemy import update

    from ui.blocks import plain

    with make_engine(access_db).begin() as conn:
        conn.execute(update(schema.branches).where(schema.branches.c.branch_code == "BTN02")
                     .values(branch_name=MARKDOWN_LINK))
        conn.execute(update(schema.branches).where(schema.branches.c.region_code == "BTN")
                     .values(region_name=MARKDOWN_IMAGE))
    at = dashboard_as(MANAGER, "complaints", g="month")
    assert any(plain(MARKDOWN_LINK) in c.value for c in at.sidebar.caption)  # "Masuk sebagai …"
    assert any(plain(MARKDOWN_LINK) in i.value for i in at.info)  # whose records the page shows
    head = dashboard_as(HEAD, "report_card", g="month")
    assert any(plain(MARKDOWN_IMAGE) in c.value for c in head.sidebar.caption)
    head.selectbox(key="rc").select("BTN02").run()
    assert any(plain(MARKDOWN_LINK) in c.value for c in head.caption)  # "… pada …: di mana posisinya"
    assert not any(MARKDOWN_LINK in text or MARKDOWN_IMAGE in text for text in [*texts(at), *texts(head)])


def test_a_signed_in_user_is_named_in_the_sidebar(access_db):
    at = dashboard_as(HEAD)
    assert any("Ani Kusuma" in c.value and "kepala wilayah" in c.value for c in at.sidebar.caption)
    assert at.title[0].value != "Pantau: mutu layanan cabang"  # past the gate, on the weekly page


# --- access fails closed ------------------------------------------------------------------------------------------------

def _worker_thread_probe():
    import threading

    import streamlit as st

    from service import reference
    from ui import session

    taken = session.reader()  # while the script renders: this session's viewer
    out = {}

    def work():
        try:
            session.reader()
            out["fresh"] = "served"
        except PermissionError as refused:
            out["fresh"] = type(refused).__name__
        out["handed"] = sorted(set(reference.branches(taken)["region_code"]))

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    st.session_state["out"] = out


def test_a_worker_thread_gets_no_viewer_of_its_own_but_keeps_the_one_it_is_handed(access_db):
    """Streamlit builds downloads on other threads: they must be handed the Reader, never fall back to everything."""
    out = as_viewer(OTHER_HEAD, _worker_thread_probe)
    assert out == {"fresh": "NotSignedIn", "handed": ["JKT"]}


def test_a_reader_without_a_viewer_is_refused(access_db):
    from etl.sop import load_sop
    from service.access import NotSignedIn
    from service.reader import Reader

    with pytest.raises(NotSignedIn):
        Reader(make_engine(access_db), None, load_sop())


def test_outside_a_script_run_the_session_serves_nobody(access_db):
    from service.access import NotSignedIn
    from ui import session

    with pytest.raises(NotSignedIn):
        session.reader()
