"""Who gets the meeting pack by e-mail, and how often: the `subscriptions` table.

A subscription names a login, a period type (week | month) and a language, nothing more: what the
pack covers is read from the person's row in `users` each time it is sent (a regional head gets the
region's pack, a branch manager their branch's), so a changed role or a removed user changes what goes
out, and no command can widen it.
"""
from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from etl import schema, users
from etl.db import read_frame
from etl.kpis.periods import GRANULARITIES
from present.words import LANGUAGES
from service.access import Viewer

SUBS, DELIVERIES = schema.subscriptions, schema.deliveries


class SubscriptionError(ValueError):
    """A subscription that cannot be made, with the reason in words."""


def first_period(created_at: dt.datetime, every: str) -> dt.date:
    """The first period a subscription sends: the one just ended when it was made, so the first pack comes soon."""
    day = created_at.date()
    if every == "week":
        return day - dt.timedelta(days=day.weekday() + 7)
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def viewer_of(user: dict) -> Viewer:
    """The person as the read side knows them: what their pack is read as."""
    return Viewer(user["login"], user["name"], user["role"], user["region_code"], user["branch_code"])


def scope_of(user: dict) -> tuple[str, tuple[str, ...]]:
    """(region, branches picked) of a person's pack: the region's whole pack, or a branch manager's own branch."""
    if user["role"] == users.BRANCH_MANAGER:
        return user["region_code"], (user["branch_code"],)
    return user["region_code"], ()


def subscribe(engine: Engine, login: str, every: str, lang: str = "id", now: dt.datetime | None = None) -> dict:
    """Subscribe a user (who must be in `users`) to the weekly or monthly pack; a second call changes the language.

    Subscribing again keeps the subscription and what it already sent, so no period goes out twice.
    """
    if every not in GRANULARITIES:
        raise SubscriptionError(f"--every harus / must be {' or '.join(GRANULARITIES)}")
    if lang not in LANGUAGES:
        raise SubscriptionError(f"--lang harus / must be {' or '.join(LANGUAGES)}")
    user = users.find_user(engine, login)  # also brings the schema to head
    if user is None:
        raise SubscriptionError(f"pengguna tidak terdaftar / no such user: {users.normalise_login(login)}; add them "
                                "first with `python -m etl users add`")
    row = {"login": user["login"], "every": every, "lang": lang,
           "created_at": (now or dt.datetime.now()).replace(microsecond=0)}
    same = and_(SUBS.c.login == row["login"], SUBS.c.every == every)
    try:
        with engine.begin() as conn:
            conn.execute(insert(SUBS).values(**row))
    except IntegrityError:  # already subscribed (perhaps by a click a moment ago): only the language changes
        with engine.begin() as conn:
            conn.execute(update(SUBS).where(same).values(lang=lang))
    with engine.connect() as conn:
        return dict(conn.execute(select(SUBS).where(same)).mappings().one())


def unsubscribe(engine: Engine, login: str, every: str | None = None) -> int:
    """Remove one subscription (or every one of the login's); returns how many were removed.

    Its delivery records stay: they are the history of what was sent.
    """
    users.ensure_table(engine)
    condition = SUBS.c.login == users.normalise_login(login)
    if every is not None:
        condition = and_(condition, SUBS.c.every == every)
    with engine.begin() as conn:
        return conn.execute(delete(SUBS).where(condition)).rowcount


def subscribed(engine: Engine, login: str) -> dict[str, str]:
    """every → lang of one login's subscriptions."""
    users.ensure_table(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(SUBS.c.every, SUBS.c.lang).where(SUBS.c.login == users.normalise_login(login)))
        return dict(rows.all())


def subscriptions(engine: Engine) -> pl.DataFrame:
    """Every subscription with its person's role and scope (null when the user was removed since),
    the newest period sent and how many deliveries wait for a retry."""
    users.ensure_table(engine)
    u = schema.users
    sent = (select(DELIVERIES.c.subscription_id, func.max(DELIVERIES.c.period_start).label("last_sent"))
            .where(DELIVERIES.c.status == "sent").group_by(DELIVERIES.c.subscription_id).subquery())
    failed = (select(DELIVERIES.c.subscription_id, func.count().label("failing"))
              .where(DELIVERIES.c.status == "failed").group_by(DELIVERIES.c.subscription_id).subquery())
    query = (select(SUBS.c.subscription_id, SUBS.c.login, SUBS.c.every, SUBS.c.lang, SUBS.c.created_at,
                    u.c.role, u.c.region_code, u.c.branch_code, sent.c.last_sent, failed.c.failing)
             .join(u, u.c.login == SUBS.c.login, isouter=True)
             .join(sent, sent.c.subscription_id == SUBS.c.subscription_id, isouter=True)
             .join(failed, failed.c.subscription_id == SUBS.c.subscription_id, isouter=True)
             .order_by(u.c.region_code, SUBS.c.login, SUBS.c.every))
    with engine.connect() as conn:
        return read_frame(conn, query)
