"""`python -m report send-due`: every subscribed pack whose period is loaded and not yet sent, by e-mail.

Exactly once per subscription and period:
- One run at a time per database (a PostgreSQL advisory lock, or an flock beside the SQLite file; both
  end with the process), so a run started while another still sends leaves at once.
- Before talking to the mail server a run claims the delivery: it inserts the row with its unique key
  (subscription × period) as `sending`, or moves a `failed` one back to `sending` only if it is still
  as the run read it, and commits. A second claimer finds the key taken, or the row changed, and skips.
- The row becomes `sent` the moment the server accepts the message. A run killed in between leaves it
  `sending`; the next run (holding the lock, so the claimer is surely dead) sends it again with the same
  Message-ID. Only a kill in the instant between the server's "250 OK" and that commit can send a pack
  twice, and then the receiving mail system can recognise the copy by its Message-ID.
- A refusal (or a relay that cannot be reached, or a pack that cannot be printed) marks the row `failed`
  with the reason; later runs try again, 5 minutes after the first failure, doubling up to 6 hours.

A period is sent only once it is complete for the recipient's region (its branches' data reaches the
period's last day) and no load is waiting for its KPIs to be recomputed. Each pack is read as its
recipient (service.access.Viewer from `users`): a branch manager's holds their own branch and the
region's totals, no other branch.
"""
from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import polars as pl
from sqlalchemy import Engine, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from etl import schema
from etl.kpis.periods import period_after, period_code
from etl.runlock import process_lock
from etl.sop import Sop, load_sop
from present import formats, words
from report import pdf, xlsx
from report.content import Pack, collect
from report.mail import SmtpSettings, compose, send
from report.pack import file_stem
from report.subscriptions import DELIVERIES, SUBS, first_period, scope_of, viewer_of
from service import reference
from service.reader import Reader

SEND_LOCK_KEY = 0x70616E74617503  # "pantau" + 3: not the ETL's, not the migrations'
RETRY_FIRST = dt.timedelta(minutes=5)
RETRY_MAX = dt.timedelta(hours=6)
ERROR_CHARS = 500
# A lost connection or a refused login fails every message alike: the run stops instead of trying each.
RELAY_DOWN = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError,
              smtplib.SMTPNotSupportedError, smtplib.SMTPHeloError)


class SenderBusy(RuntimeError):
    """Another send-due run holds this database."""


@dataclass(frozen=True)
class Due:
    subscription: dict  # a subscriptions row
    user: dict  # the subscriber's users row: the pack's scope
    period: dt.date
    seen: dict | None  # the deliveries row as read (None: never tried), for the compare-and-set claim


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)  # "login week 2026-W47"
    failed: list[str] = field(default_factory=list)  # the same, with the server's answer
    skipped: int = 0  # claimed by another run in the meantime
    stopped: str | None = None  # why the run stopped early (the relay could not be reached)


def retry_after(attempts: int) -> dt.timedelta:
    """How long a failed delivery waits before the next try: 5 min, 10, 20, … at most 6 h."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MAX)


def due_periods(ready: list[dt.date], first: dt.date, tried: dict[dt.date, dict], now: dt.datetime) -> list[dt.date]:
    """The periods of one subscription to send now, oldest first.

    `ready`: complete periods; `first`: the subscription's first period; `tried`: its deliveries by period.
    A `sending` row is due: under the run lock, its claimer is dead.
    """
    due = []
    for period in sorted(p for p in ready if p >= first):
        row = tried.get(period)
        if row is None or row["status"] == "sending" or (
                row["status"] == "failed" and now >= row["attempted_at"] + retry_after(row["attempts"])):
            due.append(period)
    return due


def ready_periods(reader: Reader, every: str, region: str) -> list[dt.date]:
    """The region's periods whose data is complete (its branches' data reaches the last day) and whose KPIs are
    computed; none while a load waits for its recompute."""
    with reader.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(schema.marts_pending)).scalar():
            return []
    up_to = reference.region_up_to(reader, region)
    if up_to is None:
        return []
    starts = reference.periods(reader, every)["period_start"]
    return [start for start in starts if period_after(start, every) - dt.timedelta(days=1) <= up_to]


def find_due(engine: Engine, sop: Sop, now: dt.datetime) -> list[Due]:
    """Every (subscription, period) to send now; subscriptions of removed users send nothing."""
    process = Reader.for_process(engine, "python -m report send-due", sop)
    with engine.connect() as conn:
        subs = [dict(r) for r in conn.execute(select(SUBS).order_by(SUBS.c.subscription_id)).mappings()]
        people = {r["login"]: dict(r) for r in conn.execute(select(schema.users)).mappings()}
        tried: dict[int, dict[dt.date, dict]] = {}
        for row in conn.execute(select(DELIVERIES).where(DELIVERIES.c.status != "sent")).mappings():
            tried.setdefault(row["subscription_id"], {})[row["period_start"]] = dict(row)
        sent = {tuple(row) for row in conn.execute(select(DELIVERIES.c.subscription_id, DELIVERIES.c.period_start)
                                                   .where(DELIVERIES.c.status == "sent"))}
    ready: dict[tuple[str, str], list[dt.date]] = {}
    found = []
    for sub in subs:
        user = people.get(sub["login"])
        if user is None:
            continue
        mine = tried.get(sub["subscription_id"], {})
        scope = (sub["every"], user["region_code"])
        if scope not in ready:
            ready[scope] = ready_periods(process, *scope)
        open_periods = [p for p in ready[scope] if (sub["subscription_id"], p) not in sent]
        for period in due_periods(open_periods, first_period(sub["created_at"], sub["every"]), mine, now):
            found.append(Due(sub, user, period, mine.get(period)))
    return found


def claim(engine: Engine, due: Due, now: dt.datetime) -> bool:
    """Take the delivery as `sending`, committed before the mail server is asked; False: another run has it."""
    key = and_(DELIVERIES.c.subscription_id == due.subscription["subscription_id"],
               DELIVERIES.c.period_start == due.period)
    try:
        with engine.begin() as conn:
            if due.seen is None:
                conn.execute(insert(DELIVERIES).values(
                    subscription_id=due.subscription["subscription_id"], period_start=due.period, status="sending",
                    attempts=1, attempted_at=now))
                return True
            taken = conn.execute(update(DELIVERIES).where(
                key, DELIVERIES.c.status == due.seen["status"], DELIVERIES.c.attempts == due.seen["attempts"])
                .values(status="sending", attempts=due.seen["attempts"] + 1, attempted_at=now))
            return taken.rowcount == 1
    except IntegrityError:  # the unique key: another run claimed it first
        return False


def finish(engine: Engine, due: Due, now: dt.datetime, error: str | None = None) -> None:
    """`sent`, or `failed` with the server's answer, for the delivery this run claimed."""
    key = and_(DELIVERIES.c.subscription_id == due.subscription["subscription_id"],
               DELIVERIES.c.period_start == due.period, DELIVERIES.c.status == "sending")
    values = {"status": "sent", "sent_at": now, "error": None} if error is None else {
        "status": "failed", "error": error[:ERROR_CHARS]}
    with engine.begin() as conn:
        conn.execute(update(DELIVERIES).where(key).values(**values))


def message_id(due: Due, sender: str) -> str:
    """The same for every attempt of one delivery, so a copy sent after a kill can be recognised."""
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "pantau.invalid"
    return f"<pantau.{due.subscription['subscription_id']}.{period_code(due.period, due.subscription['every'])}@{domain}>"


def build_pack(engine: Engine, sop: Sop, due: Due, now: dt.datetime) -> tuple[Pack, dict[str, bytes]]:
    """The recipient's pack, read as them: the region's, or for a branch manager their branch's."""
    region, selected = scope_of(due.user)
    reader = Reader(engine, viewer_of(due.user), sop)
    every, lang = due.subscription["every"], due.subscription["lang"]
    pack = collect(reader, every, region, due.period, lang, selected, now=now)
    if selected:  # collect keeps every branch in the funnel (the band is drawn from them); the mail names only these
        pack = replace(pack, funnel=pack.funnel.filter(pl.col("code").is_in(selected)))
    stem = file_stem(selected[0] if selected else region, due.period, every)
    return pack, {f"{stem}.pdf": pdf.pdf_bytes(pack), f"{stem}.xlsx": xlsx.xlsx_bytes(pack)}


def mail_text(pack: Pack, every: str) -> tuple[str, str]:
    """(subject, body) in the pack's language."""
    lang = pack.lang
    scope = ", ".join(pack.selected_names) or pack.region_name
    values = {"title": pack.title, "scope": scope, "period": pack.period_text}
    body = words.t("mail_body", lang, **values, up_to=formats.date_long(pack.up_to, lang),
                   every=words.t(f"mail_every_{every}", lang), control=words.t("subscribe_control", lang))
    return words.t("mail_subject", lang, **values), body


def send_due(engine: Engine, settings: SmtpSettings, *, now: Callable[[], dt.datetime] = dt.datetime.now,
             sop: Sop | None = None, say: Callable[[str], None] = lambda _: None) -> Outcome:
    """Send every due pack once; SenderBusy when another run holds the database."""
    sop = sop or load_sop()
    outcome = Outcome()
    with process_lock(engine, key=SEND_LOCK_KEY, suffix=".send-lock", wait=False,
                      busy=lambda holder: SenderBusy(holder)):
        packs: dict[tuple, tuple[Pack, dict[str, bytes]]] = {}
        for due in find_due(engine, sop, now()):
            every = due.subscription["every"]
            what = f"{due.user['login']} {every} {period_code(due.period, every)}"
            if not claim(engine, due, now()):
                outcome.skipped += 1
                continue
            failed = partial(_failed, engine, due, what, outcome, say, now)
            # People of one scope share a pack: it is read and printed once per run.
            key = (every, due.subscription["lang"], due.period, *scope_of(due.user))
            try:
                if key not in packs:
                    packs[key] = build_pack(engine, sop, due, now())
            except Exception as error:  # noqa: BLE001 one pack that cannot be read or printed holds back no other
                failed(error)
                continue
            pack, files = packs[key]
            subject, body = mail_text(pack, every)
            try:
                send(settings, compose(settings.sender, due.user["login"], subject, body, files,
                                       message_id(due, settings.sender)))
            except RELAY_DOWN as error:
                failed(error)
                outcome.stopped = _said(error)
                break
            except smtplib.SMTPException as error:  # this message refused: the next may go
                failed(error)
                continue
            finish(engine, due, now())
            outcome.sent.append(what)
            say(f"terkirim / sent: {what}")
    return outcome


def _failed(engine: Engine, due: Due, what: str, outcome: Outcome, say: Callable[[str], None],
            now: Callable[[], dt.datetime], error: Exception) -> None:
    finish(engine, due, now(), _said(error))
    outcome.failed.append(f"{what}: {_said(error)}")
    say(f"gagal / failed: {what}: {_said(error)}")


def _said(error: Exception) -> str:
    """The server's answer (or the error's kind): what an administrator needs, with no setting's value in it."""
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        return f"{error.smtp_code} {answer.decode('utf-8', 'replace') if isinstance(answer, bytes) else answer}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {text.decode('utf-8', 'replace')}" for code, text in error.recipients.values())
    return f"{type(error).__name__}: {error}"
