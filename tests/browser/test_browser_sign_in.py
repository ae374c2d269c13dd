"""Signing in, for real, in headless Chromium: OIDC through `st.login` against a local identity provider
(oidc-provider-mock), and the trusted header a reverse proxy sets.

Each deployment gets its own `streamlit run` with its own secrets file. The identity provider vouches for an
e-mail; the role and scope come from Pantau's `users` table. Skips when Debian's chromium is missing.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import update

from etl import schema
from etl.db import make_engine
from etl.users import add_user
from tests.browser.test_browser import SCREENSHOTS, _free_port, _wait_for_app
from tests.conftest import CHROMIUM
from tests.ui_db import copy_of_demo

ROOT = Path(__file__).resolve().parents[2]
MANAGER = "manajer.cilegon@bpjs.example"  # BTN02, KC Cilegon
HEAD = "kepala.banten@bpjs.example"
PROXY_HEADER = "X-Pantau-User"
MANAGER_OF_A_LINK = "manajer.serang.timur@bpjs.example"  # BTN03, renamed to a Markdown link below
MARKDOWN_LINK = "[Masuk](https://evil.example/sso)"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)")


@pytest.fixture(scope="module")
def users_db(demo_db_url, tmp_path_factory) -> str:
    url = copy_of_demo(demo_db_url, tmp_path_factory.mktemp("sign_in") / "pantau.db")
    add_user(make_engine(url), MANAGER, "Budi Hartono", "branch_manager", branch="BTN02")
    add_user(make_engine(url), HEAD, "Ani Kusuma", "regional_head", region="BTN")
    add_user(make_engine(url), MANAGER_OF_A_LINK, "Dewi", "branch_manager", branch="BTN03")
    # Straight into the database: the ETL would quarantine this name as markup_text.
    with make_engine(url).begin() as conn:
        conn.execute(update(schema.branches).where(schema.branches.c.branch_code == "BTN03")
                     .values(branch_name=MARKDOWN_LINK))
    return url


@pytest.fixture(scope="module")
def identity_provider():
    mock = pytest.importorskip("oidc_provider_mock")
    # The provider knows nothing of roles: it only vouches for the e-mail typed into its form.
    with mock.run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


def dashboard(db_url: str, secrets_toml: str, folder: Path, **env: str):
    """`streamlit run dashboard.py` on localhost (the OIDC redirect and its cookie must share the host).

    A real deployment: no open demo unless `env` turns it on.
    """
    port = _free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(secrets_toml.replace("{port}", str(port)), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "PANTAU_OPEN_DEMO"} | {"DATABASE_URL": db_url} | env
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port), "--server.address",
         "localhost", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--secrets.files", str(secrets_file)],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return server, url
        except OSError:
            time.sleep(0.3)
    server.terminate()
    pytest.fail("streamlit did not start within 60 s")


@pytest.fixture(scope="module")
def oidc_app(users_db, identity_provider, tmp_path_factory):
    server, url = dashboard(users_db, f"""[auth]
redirect_uri = "http://localhost:{{port}}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "pantau"
client_secret = "pantau-test-client"
server_metadata_url = "{identity_provider}/.well-known/openid-configuration"
""", tmp_path_factory.mktemp("oidc"))
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def proxy_app(users_db, tmp_path_factory):
    server, url = dashboard(users_db, f'[pantau]\ntrusted_header = "{PROXY_HEADER}"\n', tmp_path_factory.mktemp("proxy"))
    yield url
    server.terminate()
    server.wait(timeout=10)


def sign_in_with_oidc(page, app_url: str, login: str) -> None:
    """Press "Masuk", type `login` into the identity provider's form, and come back signed in."""
    page.goto(app_url)
    _wait_for_app(page)
    assert page.locator("[data-testid='stPlotlyChart']").count() == 0  # nothing before signing in
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize\?"), timeout=30_000)
    page.locator("input[name='sub']").fill(login)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/", timeout=30_000)
    _wait_for_app(page)


def test_a_branch_manager_signs_in_with_oidc_and_sees_only_their_branch_records(oidc_app, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    try:
        sign_in_with_oidc(page, oidc_app, MANAGER)
        expect(page.get_by_text("Masuk sebagai Budi Hartono (manajer cabang, KC Cilegon)")).to_be_visible()

        # Another branch picked in the URL: its records stay closed, the page says whose records it shows.
        page.goto(f"{oidc_app}/complaints?g=month&b=BTN01")
        _wait_for_app(page)
        expect(page.get_by_text("hanya terlihat untuk cabang Anda (KC Cilegon)")).to_be_visible()
        assert "ADU-BTN01" not in page.locator("[data-testid='stMain']").inner_text()
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "sign_in_manager_complaints.png", full_page=True)
        page.goto(f"{oidc_app}/claims?g=month&b=BTN01")
        _wait_for_app(page)
        expect(page.get_by_text("hanya terlihat untuk cabang Anda (KC Cilegon)")).to_be_visible()
        assert "KLM-BTN01" not in page.locator("[data-testid='stMain']").inner_text()
        page.screenshot(path=SCREENSHOTS / "sign_in_manager_claims.png", full_page=True)

        page.get_by_role("button", name="Keluar").click()
        page.wait_for_url(re.compile(r"/oauth2/end_session\?"), timeout=30_000)
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(re.compile(re.escape(oidc_app) + r"/?"), timeout=30_000)
        _wait_for_app(page)
        expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    finally:
        context.close()


def test_an_unregistered_account_is_told_to_ask_for_access(oidc_app, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in_with_oidc(page, oidc_app, "orang.asing@example.com")
        expect(page.get_by_text("Akun orang.asing@example.com belum terdaftar di Pantau")).to_be_visible()
        assert page.locator("[data-testid='stPlotlyChart']").count() == 0
    finally:
        context.close()


def test_the_proxy_header_signs_in_a_regional_head(proxy_app, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, extra_http_headers={PROXY_HEADER: HEAD})
    page = context.new_page()
    try:
        page.goto(proxy_app)
        _wait_for_app(page)
        expect(page.get_by_text("Masuk sebagai Ani Kusuma (kepala wilayah, Kanwil Banten)")).to_be_visible()
        page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "sign_in_proxy_head.png")
    finally:
        context.close()


def test_without_the_proxy_header_nobody_gets_in(proxy_app, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(proxy_app)
        _wait_for_app(page)
        expect(page.get_by_text(f"header {PROXY_HEADER} kosong")).to_be_visible()
        assert page.locator("[data-testid='stPlotlyChart']").count() == 0
    finally:
        context.close()


def test_a_name_holding_a_markdown_link_is_shown_as_text(proxy_app, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    context = browser.new_context(viewport={"width": 1600, "height": 1000},
                                  extra_http_headers={PROXY_HEADER: MANAGER_OF_A_LINK})
    page = context.new_page()
    try:
        page.goto(f"{proxy_app}/complaints?g=month")
        _wait_for_app(page)
        # As typed, but for an invisible word joiner that keeps the bare address from becoming a link (ui/blocks.py).
        shown = MARKDOWN_LINK.replace("://", ":\u2060//")
        expect(page.get_by_text(f"Masuk sebagai Dewi (manajer cabang, {shown})")).to_be_visible()
        expect(page.get_by_text(f"hanya terlihat untuk cabang Anda ({shown})")).to_be_visible()
        assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
    finally:
        context.close()


class AppendingProxy:
    """A reverse proxy that adds its own `header: value` to each connection's first request, keeping the client's.

    A misconfigured proxy that appends instead of replacing: the browser's own copy of the header reaches the
    app as well. A WebSocket (which carries the session, and the headers Pantau reads) gets a connection of its
    own, so its handshake is always a first request.
    """

    def __init__(self, app_url: str, header: str, value: str) -> None:
        self.upstream = ("localhost", int(app_url.rsplit(":", 1)[1]))
        self.added = f"{header}: {value}\r\n".encode()
        self.listener = socket.create_server(("localhost", 0))
        self.url = f"http://localhost:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client, socket.create_connection(self.upstream) as upstream:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            end = head.index(b"\r\n\r\n") + 2
            upstream.sendall(head[:end] + self.added + head[end:])
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
            self._pipe(client, upstream)

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            try:
                target.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()


def test_a_header_that_comes_twice_signs_nobody_in(proxy_app, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    proxy = AppendingProxy(proxy_app, PROXY_HEADER, HEAD)
    try:
        # Only the proxy's copy: the regional head is signed in, so the proxy itself works.
        context = browser.new_context()
        page = context.new_page()
        page.goto(proxy.url)
        _wait_for_app(page)
        expect(page.get_by_text("Masuk sebagai Ani Kusuma (kepala wilayah, Kanwil Banten)")).to_be_visible()
        context.close()
        # The browser sends a copy of its own too: whichever is first, neither is taken.
        context = browser.new_context(extra_http_headers={PROXY_HEADER: MANAGER})
        page = context.new_page()
        page.goto(proxy.url)
        _wait_for_app(page)
        expect(page.get_by_text(f"header {PROXY_HEADER} dikirim lebih dari sekali")).to_be_visible()
        assert page.locator("[data-testid='stPlotlyChart']").count() == 0
        assert "Masuk sebagai" not in page.locator("[data-testid='stApp']").inner_text()
        context.close()
    finally:
        proxy.close()


def test_a_secrets_file_with_a_typo_stops_the_dashboard_even_with_the_open_demo_on(users_db, browser,
                                                                                   tmp_path_factory):
    expect = pytest.importorskip("playwright.sync_api").expect
    folder = tmp_path_factory.mktemp("typo")
    # A closing quote forgotten: Streamlit reads this as "no secrets", which used to mean the open demo.
    server, url = dashboard(users_db, f'[pantau]\ntrusted_header = "{PROXY_HEADER}\n', folder, PANTAU_OPEN_DEMO="1")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        _wait_for_app(page)
        said = f"Berkas rahasia {folder / 'secrets.toml'} ada tetapi tidak dapat dibaca"
        expect(page.get_by_text(said)).to_be_visible()
        assert page.locator("[data-testid='stPlotlyChart']").count() == 0
        assert "Demo terbuka" not in page.locator("[data-testid='stApp']").inner_text()
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=10)
