"""The pack by e-mail, end to end, through a real SMTP server (aiosmtpd on 127.0.0.1) on SQLite and PostgreSQL.

Nine weeks of the demo region (ending Sunday 2026-11-22) are loaded by the ETL into each database; the
subscriptions are made on Monday 2026-11-23, so the due packs are week 2026-W47 and month 2026-10. The
messages are read back from the server, their PDF opened with pypdf and their workbook with polars.
"""
from __future__ import annotations

import datetime as dt
import email
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from email import policy
from pathlib import Path

import polars as pl
import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlalchemy import create_engine, delete, insert, select, text

from etl import schema, users
from etl.db import make_engine
from etl.generate import generate
from etl.pipeline import run_etl
from etl.runlock import process_lock
from report import deliver, subscriptions
from report.mail import SmtpSettings
from report.pdf import find_chromium
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_reachable

ROOT = Path(__file__).resolve().parents[2]
END = dt.date(2026, 11, 22)
SUBSCRIBED = dt.datetime(2026, 11, 23, 9, 0)  # Monday: last week and last month are complete
SENDER = "pantau@bpjs.example"
HEAD, MANAGER = "ani@bpjs.example", "budi@bpjs.example"
OWN_BRANCH = ("BTN02", "KC Cilegon")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The SMTP server's mailbox: messages it accepted (answered 250), and what it should do to the next ones."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.data_seen = 0
        self.on_data = None  # called with the DATA count; returns an answer to send instead of accepting
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_seen += 1
            answer = self.on_data(self.data_seen) if self.on_data else None
            if answer:
                return answer
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
            self.messages.append(message)
        return "250 2.0.0 accepted"

    def by_recipient(self) -> dict[str, list]:
        found: dict[str, list] = {}
        for message in self.messages:
            found.setdefault(message["X-Envelope-To"], []).append(message)
        return found


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mail-raw")
    generate(folder, weeks=9, end=END)
    return folder


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request, raw, tmp_path_factory):
    """The nine weeks loaded by the ETL into a database of its own (PostgreSQL: one made for this module)."""
    if find_chromium() is None:
        pytest.skip("no Chromium to print the PDF with; never downloaded")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('mail-db') / 'pantau.db'}"
        admin = name = None
    else:
        reason = _postgres_reachable()
        if reason:
            pytest.skip(reason)
        name = f"pantau_mail_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    run_etl(raw, engine, secret=b"pantau-tests-mail-key")
    engine.dispose()
    yield url
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(db_url):
    """The loaded database with no subscriptions or deliveries, a regional head and a branch manager."""
    made = make_engine(db_url)
    with made.begin() as conn:
        for table in (schema.deliveries, schema.subscriptions, schema.users, schema.marts_pending):
            conn.execute(delete(table))
        conn.execute(delete(schema.branches).where(schema.branches.c.region_code == "JKT"))
    users.add_user(made, HEAD, "Ani", users.REGIONAL_HEAD, region="BTN")
    users.add_user(made, MANAGER, "Budi", users.BRANCH_MANAGER, branch=OWN_BRANCH[0])
    yield made
    made.dispose()


@pytest.fixture
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    box.settings = SmtpSettings(host="127.0.0.1", port=controller.port, sender=SENDER, tls="none")
    yield box
    controller.stop()


def send(engine, inbox, at: dt.datetime = SUBSCRIBED) -> deliver.Outcome:
    return deliver.send_due(engine, inbox.settings, now=lambda: at)


def deliveries(engine) -> list[dict]:
    d, s = schema.deliveries, schema.subscriptions
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(
            select(s.c.login, s.c.every, d.c.period_start, d.c.status, d.c.attempts, d.c.error)
            .join(s, s.c.subscription_id == d.c.subscription_id).order_by(s.c.login, s.c.every)).mappings()]


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def workbook_text(content: bytes) -> str:
    sheets = pl.read_excel(content, sheet_id=0, has_header=False, infer_schema_length=0)
    return "\n".join(str(value) for frame in sheets.values() for column in frame.iter_columns() for value in column
                     if value is not None)


def other_branches(engine) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(schema.branches.c.branch_code, schema.branches.c.branch_name)
                            .where(schema.branches.c.branch_code != OWN_BRANCH[0])).all()
    return [value for row in rows for value in row]


def test_each_subscriber_gets_their_due_packs_once_in_their_scope(engine, inbox):
    subscriptions.subscribe(engine, HEAD, "week", "id", now=SUBSCRIBED)
    subscriptions.subscribe(engine, HEAD, "month", "en", now=SUBSCRIBED)
    subscriptions.subscribe(engine, MANAGER, "week", "en", now=SUBSCRIBED)

    outcome = send(engine, inbox)

    assert outcome.failed == [] and len(outcome.sent) == 3
    got = inbox.by_recipient()
    assert sorted((to, m["Subject"]) for to, ms in got.items() for m in ms) == [
        (HEAD, "Pantau · Monthly evaluation pack · Kanwil Banten · Oct 2026"),
        (HEAD, "Pantau · Paket rapat mingguan · Kanwil Banten · Mg 47 · 16–22 Nov 2026"),
        (MANAGER, "Pantau · Weekly meeting pack · KC Cilegon · W47 · 16–22 Nov 2026"),
    ]
    head_week = next(m for m in got[HEAD] if "W47" in m["Message-ID"])
    files = attachments(head_week)
    assert sorted(files) == ["pantau_BTN_2026-W47.pdf", "pantau_BTN_2026-W47.xlsx"]
    region_pdf = pdf_text(files["pantau_BTN_2026-W47.pdf"])
    assert "Paket rapat mingguan" in region_pdf and "KC Serang" in region_pdf and "KC Cilegon" in region_pdf
    assert "Klasemen" in pl.read_excel(files["pantau_BTN_2026-W47.xlsx"], sheet_id=0)

    # The branch manager's pack: their branch and the region's totals, no other branch, in the PDF or the workbook.
    own = attachments(got[MANAGER][0])
    assert sorted(own) == ["pantau_BTN02_2026-W47.pdf", "pantau_BTN02_2026-W47.xlsx"]
    manager_pdf, manager_book = pdf_text(own["pantau_BTN02_2026-W47.pdf"]), workbook_text(
        own["pantau_BTN02_2026-W47.xlsx"])
    assert OWN_BRANCH[1] in manager_pdf and OWN_BRANCH[1] in manager_book and "Weekly meeting pack" in manager_pdf
    assert [o for o in other_branches(engine) if o in manager_pdf or o in manager_book] == []

    assert send(engine, inbox).sent == []  # a second run finds nothing due
    assert len(inbox.messages) == 3
    assert [(d["status"], d["attempts"]) for d in deliveries(engine)] == [("sent", 1)] * 3


def test_the_scope_is_read_from_users_when_sending_not_when_subscribing(engine, inbox):
    subscriptions.subscribe(engine, MANAGER, "week", now=SUBSCRIBED)
    users.add_user(engine, MANAGER, "Budi", users.BRANCH_MANAGER, branch="BTN05")  # moved to another branch
    users.add_user(engine, HEAD, "Ani", users.REGIONAL_HEAD, region="BTN")
    subscriptions.subscribe(engine, HEAD, "week", now=SUBSCRIBED)
    users.remove_user(engine, HEAD)  # left: nothing goes to them

    assert len(send(engine, inbox).sent) == 1
    (message,) = inbox.messages
    assert message["X-Envelope-To"] == MANAGER and "KC Tangerang Cimone" in message["Subject"]
    assert sorted(attachments(message)) == ["pantau_BTN05_2026-W47.pdf", "pantau_BTN05_2026-W47.xlsx"]


def test_nothing_is_sent_before_the_period_is_complete_and_its_kpis_computed(engine, inbox):
    subscriptions.subscribe(engine, HEAD, "week", now=dt.datetime(2026, 11, 30, 9))  # first pack: W48, no data yet
    subscriptions.subscribe(engine, MANAGER, "month", now=dt.datetime(2026, 12, 1, 9))  # November: data ends the 22nd
    with engine.begin() as conn:  # a load whose KPIs are not recomputed yet holds back every pack
        conn.execute(insert(schema.marts_pending).values(since=dt.datetime(2026, 11, 1), batch_id=None))
    subscriptions.subscribe(engine, HEAD, "month", now=SUBSCRIBED)
    with engine.begin() as conn:  # a region whose files have not come in yet: the marts' periods are not its own
        conn.execute(insert(schema.branches).values(
            branch_code="JKT01", branch_name="KC Jakarta Salemba", branch_type="KC", region_code="JKT",
            region_name="Kanwil DKI Jakarta", city="Jakarta", counters=6, opens_at="08:00", closes_at="15:00",
            batch_id=1))
    users.add_user(engine, "citra@bpjs.example", "Citra", users.REGIONAL_HEAD, region="JKT")
    subscriptions.subscribe(engine, "citra@bpjs.example", "week", now=SUBSCRIBED)

    assert send(engine, inbox).sent == []
    with engine.begin() as conn:
        conn.execute(delete(schema.marts_pending))
    assert send(engine, inbox).sent == [f"{HEAD} month 2026-10"]
    assert deliver.find_due(engine, deliver.load_sop(), SUBSCRIBED) == []


def test_a_refused_message_is_tried_again_later_and_then_sent(engine, inbox):
    subscriptions.subscribe(engine, MANAGER, "week", now=SUBSCRIBED)
    inbox.refuse.add(MANAGER)

    outcome = send(engine, inbox)
    assert outcome.sent == [] and outcome.failed == [f"{MANAGER} week 2026-W47: 550 5.1.1 mailbox unavailable"]
    assert [(d["status"], d["attempts"], d["error"]) for d in deliveries(engine)] == [
        ("failed", 1, "550 5.1.1 mailbox unavailable")]

    inbox.refuse.clear()
    assert send(engine, inbox, SUBSCRIBED + dt.timedelta(minutes=4)).sent == []  # waits out the back-off
    assert send(engine, inbox, SUBSCRIBED + dt.timedelta(minutes=5)).sent == [f"{MANAGER} week 2026-W47"]
    assert [(d["status"], d["attempts"], d["error"]) for d in deliveries(engine)] == [("sent", 2, None)]
    assert len(inbox.messages) == 1


def test_a_relay_that_cannot_be_reached_stops_the_run_and_a_pack_that_cannot_be_printed_holds_back_no_other(
        engine, inbox, monkeypatch):
    subscriptions.subscribe(engine, HEAD, "week", now=SUBSCRIBED)
    subscriptions.subscribe(engine, MANAGER, "week", now=SUBSCRIBED)
    closed = SmtpSettings(host="127.0.0.1", port=_free_port(), sender=SENDER, tls="none")
    outcome = deliver.send_due(engine, closed, now=lambda: SUBSCRIBED)
    assert outcome.sent == [] and len(outcome.failed) == 1 and "ConnectionRefusedError" in outcome.stopped
    assert [(d["login"], d["status"]) for d in deliveries(engine)] == [(HEAD, "failed")]  # the other never claimed

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")  # no PDF: each delivery fails on its own
    outcome = send(engine, inbox, SUBSCRIBED + dt.timedelta(hours=1))
    assert [f.split(": ", 1)[1].split(":")[0] for f in outcome.failed] == ["PdfUnavailable", "PdfUnavailable"]
    assert outcome.stopped is None and inbox.messages == []
    assert [(d["status"], d["attempts"]) for d in deliveries(engine)] == [("failed", 2), ("failed", 1)]


def test_runs_that_overlap_send_nothing_twice(engine, inbox):
    subscriptions.subscribe(engine, HEAD, "week", now=SUBSCRIBED)
    with process_lock(engine, key=deliver.SEND_LOCK_KEY, suffix=".send-lock", wait=False, busy=RuntimeError):
        with pytest.raises(deliver.SenderBusy):  # a run started while another sends leaves at once
            send(engine, inbox)
    # Without the lock (a database reached from two machines, say) the claim alone decides: one of two wins.
    (due,) = deliver.find_due(engine, deliver.load_sop(), SUBSCRIBED)
    assert [deliver.claim(engine, due, SUBSCRIBED), deliver.claim(engine, due, SUBSCRIBED)] == [True, False]
    deliver.finish(engine, due, SUBSCRIBED, error="421 try later")
    (retry,) = deliver.find_due(engine, deliver.load_sop(), SUBSCRIBED + dt.timedelta(hours=1))
    assert [deliver.claim(engine, retry, SUBSCRIBED), deliver.claim(engine, retry, SUBSCRIBED)] == [True, False]
    assert inbox.messages == []


def run_send_due(db_url: str, inbox: Inbox) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url, "PANTAU_SMTP_HOST": "127.0.0.1",
           "PANTAU_SMTP_PORT": str(inbox.settings.port), "PANTAU_SMTP_SENDER": SENDER, "PANTAU_SMTP_TLS": "none"}
    return subprocess.Popen([sys.executable, "-m", "report", "send-due"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_a_run_killed_after_its_first_message_is_finished_by_the_next_nothing_twice_nothing_lost(
        engine, inbox, db_url):
    subscriptions.subscribe(engine, HEAD, "week", now=SUBSCRIBED)
    subscriptions.subscribe(engine, HEAD, "month", now=SUBSCRIBED)
    subscriptions.subscribe(engine, MANAGER, "week", now=SUBSCRIBED)
    process = run_send_due(db_url, inbox)

    def kill_on_the_second(count: int) -> str | None:
        if count == 2:  # the first message was accepted; the run dies while handing over the second
            process.send_signal(signal.SIGKILL)
            return "451 4.3.0 connection lost"
        return None

    inbox.on_data = kill_on_the_second
    process.wait(timeout=300)
    assert process.returncode == -signal.SIGKILL
    assert len(inbox.messages) == 1
    assert sorted(d["status"] for d in deliveries(engine)) == ["sending", "sent"]

    inbox.on_data = None
    rerun = run_send_due(db_url, inbox)
    output = rerun.communicate(timeout=300)[0].decode()
    assert rerun.returncode == 0, output
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == 3 and len(set(ids)) == 3  # each pack once: nothing twice, nothing lost
    assert sorted(m["X-Envelope-To"] for m in inbox.messages) == [HEAD, HEAD, MANAGER]
    assert sorted((d["status"], d["attempts"]) for d in deliveries(engine)) == [("sent", 1), ("sent", 1), ("sent", 2)]
    assert run_send_due(db_url, inbox).wait(timeout=300) == 0 and len(inbox.messages) == 3
