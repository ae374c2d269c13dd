"""`python -m report subscriptions add|list|remove` on SQLite and PostgreSQL: who may subscribe, one row per
login and period type, and no way to name a scope on the command line."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from etl import migrate, schema
from etl.users import add_user
from report.__main__ import main
from report.subscriptions import subscribe, subscribed, subscriptions

HEAD = "ani@bpjs.example"


@pytest.fixture
def engine(any_engine, monkeypatch):
    migrate.upgrade(any_engine)
    with any_engine.begin() as conn:
        conn.execute(insert(schema.branches).values(
            branch_code="SRG", branch_name="KC Serang", branch_type="KC", region_code="BTN", region_name="Banten",
            city="Serang", counters=4, opens_at="08:00", closes_at="15:00", batch_id=1))
    add_user(any_engine, HEAD, "Ani", "regional_head", region="BTN")
    monkeypatch.setenv("DATABASE_URL", any_engine.url.render_as_string(hide_password=False))
    return any_engine


def rows(engine) -> list[tuple]:
    s = schema.subscriptions
    with engine.connect() as conn:
        return conn.execute(select(s.c.subscription_id, s.c.login, s.c.every, s.c.lang).order_by(s.c.every)).all()


def test_the_command_adds_lists_and_removes_subscriptions(engine, capsys):
    assert main(["subscriptions", "add", "nobody@bpjs.example", "--every", "week"]) == 2
    said = " ".join(capsys.readouterr().err.split())  # rich wraps lines at the terminal's width
    assert "nobody@bpjs.example" in said and "python -m etl users add" in said
    assert main(["subscriptions", "add", " Ani@BPJS.example ", "--every", "week"]) == 0
    assert main(["subscriptions", "add", HEAD, "--every", "month", "--lang", "en"]) == 0
    first = rows(engine)
    assert [r[1:] for r in first] == [(HEAD, "month", "en"), (HEAD, "week", "id")]

    assert main(["subscriptions", "add", HEAD, "--every", "week", "--lang", "en"]) == 0  # a new language, same row
    assert rows(engine)[1] == (first[1][0], HEAD, "week", "en")
    assert main(["subscriptions", "list"]) == 0
    listed = capsys.readouterr().out
    assert HEAD in listed and "BTN" in listed

    assert main(["subscriptions", "remove", HEAD, "--every", "week"]) == 0
    assert subscribed(engine, HEAD) == {"month": "en"}
    assert main(["subscriptions", "remove", HEAD]) == 0 and rows(engine) == []
    assert main(["subscriptions", "remove", HEAD]) == 1  # nothing left to remove


@pytest.mark.parametrize("argv", [
    ["subscriptions", "add", HEAD, "--every", "day"],
    ["subscriptions", "add", HEAD, "--every", "week", "--region", "JKT"],  # the scope is the user's, not the caller's
    ["subscriptions", "add", HEAD, "--every", "week", "--branch", "SRG"],
])
def test_the_command_takes_no_scope_and_no_other_period(engine, argv):
    with pytest.raises(SystemExit):
        main(argv)
    assert rows(engine) == []


def test_one_subscription_per_login_and_period_type(engine):
    subscribe(engine, HEAD, "week", now=dt.datetime(2026, 11, 23, 9))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(schema.subscriptions).values(login=HEAD, every="week", lang="en",
                                                         created_at=dt.datetime(2026, 11, 24)))
    listed = subscriptions(engine)
    assert listed.select("login", "every", "role", "region_code", "last_sent").rows() == [
        (HEAD, "week", "regional_head", "BTN", None)]
