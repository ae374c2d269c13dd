"""Alerts: found after every ETL run, stored once per condition and period, sent only to the people in scope."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from etl import alerts, follow_ups, migrate
from etl.pipeline import run_etl
from etl.schema import alert_digests
from etl.sop import load_sop
from etl.users import BRANCH_MANAGER, REGIONAL_HEAD, add_user
from present import sentences
from service.access import OutOfScope, Viewer
from service.alerts import branch_history
from service.reader import Reader

SECRET = b"alert-tests-key"
JAKARTA = "JKT01,KC Jakarta Salemba,KC,JKT,Jakarta,Jakarta,6,08:00,15:00\n"
TICKETS = """ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,finished_at,counter_id,outcome,rating
T1,V1,SRG,,claim_jht,,2026-11-18 08:00:00,2026-11-18 09:35:00,2026-11-18 09:50:00,L1,resolved,4
T2,V2,SRG,,claim_jht,,2026-11-18 08:05:00,2026-11-18 08:20:00,2026-11-18 08:30:00,L2,resolved,5
T3,V3,PDG,,membership,,2026-11-18 08:00:00,2026-11-18 08:10:00,2026-11-18 08:20:00,L1,resolved,5
T4,V4,JKT01,,membership,,2026-11-19 08:00:00,2026-11-19 10:00:00,2026-11-19 10:10:00,L1,resolved,3
"""
PEOPLE = {"head@btn.id": (REGIONAL_HEAD, "BTN", None), "srg@btn.id": (BRANCH_MANAGER, None, "SRG"),
          "pdg@btn.id": (BRANCH_MANAGER, None, "PDG"), "head@jkt.id": (REGIONAL_HEAD, "JKT", None)}


def digest_keys(engine) -> dict[str, list[str]]:
    """Every alert key each person was sent, over all their digests."""
    with engine.connect() as conn:
        rows = conn.execute(select(alert_digests.c.login, alert_digests.c.alert_keys)).all()
    sent: dict[str, list[str]] = {}
    for login, keys in rows:
        sent.setdefault(login, []).extend(json.loads(keys))
    return sent


@pytest.fixture
def loaded(any_engine, raw_dir):
    """Two regions, with people, and a day of tickets: Serang and Jakarta each kept a visitor waiting too long,
    with one counter calling in a busy hour."""
    with (raw_dir / "branches.csv").open("a", encoding="utf-8") as handle:
        handle.write(JAKARTA)
    run_etl(raw_dir, any_engine, secret=SECRET)
    for login, (role, region, branch) in PEOPLE.items():
        add_user(any_engine, login, login.split("@")[0], role, region=region, branch=branch)
    (raw_dir / "queue_tickets_2026-W47.csv").write_text(TICKETS, encoding="utf-8")
    result = run_etl(raw_dir, any_engine, secret=SECRET)
    return any_engine, result, raw_dir


def test_each_person_gets_only_the_alerts_of_their_scope(loaded):
    engine, result, _ = loaded
    sent = digest_keys(engine)
    assert result.alerts.digests == len(sent)
    days = {login: sorted(k for k in keys if k.startswith(("long_wait", "understaffed"))) for login, keys in sent.items()}
    assert days["srg@btn.id"] == ["long_wait|2026-11-18|SRG", "understaffed|2026-11-18|SRG"] == days["head@btn.id"]
    assert days["head@jkt.id"] == ["long_wait|2026-11-19|JKT01", "understaffed|2026-11-19|JKT01"]
    assert "pdg@btn.id" not in sent  # nothing about Pandeglang; the region's stale sources go to the head only
    assert all("|SRG" in key for key in sent["srg@btn.id"])
    assert not any("JKT" in key for key in sent["head@btn.id"]) and not any("BTN" in key for key in sent["head@jkt.id"])


def test_an_alert_is_raised_once_per_condition_and_period(loaded):
    engine, _, raw_dir = loaded
    sop, now, today = load_sop(), dt.datetime(2030, 1, 9, 7, 0), dt.date(2030, 1, 9)
    item = follow_ups.create(engine, branch_code="PDG", topic="Antrean", agreed="Tambah loket", owner="Kepala",
                             due_date=dt.date(2026, 11, 10), granularity="week", raised_period=dt.date(2026, 11, 2),
                             created_by="head")
    before = digest_keys(engine)
    # Years later: Pandeglang's promise is overdue, and no region has sent anything for weeks.
    assert alerts.raise_alerts(engine, sop, today, now) == alerts.AlertRun(7, 3)
    new = {login: keys[len(before.get(login, [])):] for login, keys in digest_keys(engine).items()}
    overdue = f"overdue|2026-11-10|PDG|{item}"
    stale = [f"stale|2030-01-07|{{}}|{source}" for source in ("queue_tickets", "claims", "complaints")]
    assert new["pdg@btn.id"] == [overdue]
    assert sorted(new["head@btn.id"]) == sorted([overdue, *(k.format("BTN") for k in stale)])
    assert sorted(new["head@jkt.id"]) == sorted(k.format("JKT") for k in stale)
    assert new["srg@btn.id"] == []
    # The next day, and every run after it, find the same conditions in the same week: nobody is told again.
    assert alerts.raise_alerts(engine, sop, today + dt.timedelta(days=1), now) == alerts.AlertRun(0, 0)
    assert run_etl(raw_dir, engine, secret=SECRET).alerts == alerts.AlertRun(0, 0)
    assert digest_keys(engine)["pdg@btn.id"].count(overdue) == 1


def test_digests_wait_to_be_sent_and_are_marked_sent_once(loaded):
    engine, _, raw_dir = loaded
    waiting = alerts.unsent_digests(engine)
    assert {d["login"] for d in waiting} == set(digest_keys(engine))
    first = waiting[0]
    assert first["alerts"]["alert_key"].to_list() == json.loads(first["alert_keys"])
    at = dt.datetime(2026, 11, 20, 7, 5)
    assert alerts.mark_sent(engine, first["digest_id"], at) is True
    assert alerts.mark_sent(engine, first["digest_id"], at) is False  # a second sender sends nothing
    assert first["digest_id"] not in {d["digest_id"] for d in alerts.unsent_digests(engine)}


def test_the_alert_history_of_a_branch_holds_that_branch_only(loaded):
    engine, _, raw_dir = loaded
    assert set(alerts.history(engine, "BTN", ["SRG"])["branch_code"]) == {"SRG"}
    assert alerts.history(engine, "BTN", ["PDG"]).is_empty()
    assert set(alerts.history(engine, "BTN")["rule"]) == {"long_wait", "understaffed", "stale"}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(alert_digests)).scalar() == 3  # two heads, Serang
    migrate.upgrade(engine)  # at head already: nothing changes


def test_a_branch_manager_reads_their_own_branch_s_alert_history_only(loaded):
    engine, _, _ = loaded
    manager = Reader(engine, Viewer("srg@btn.id", "srg", BRANCH_MANAGER, "BTN", "SRG"), load_sop())
    assert sorted(branch_history(manager, "BTN", "SRG")["alert_key"]) == [
        "long_wait|2026-11-18|SRG", "understaffed|2026-11-18|SRG"]
    for region, branch in (("BTN", "PDG"), ("JKT", "JKT01"), ("BTN", "JKT01")):
        with pytest.raises(OutOfScope):
            branch_history(manager, region, branch)
    head = Reader(engine, Viewer("head@btn.id", "head", REGIONAL_HEAD, "BTN"), load_sop())
    rows = {row["rule"]: row for row in branch_history(head, "BTN", "SRG").iter_rows(named=True)}
    assert sentences.alert_sentence(rows["long_wait"], "id") == (
        "KC Serang: pada Rabu, 18 Nov 2026 ada pengunjung menunggu 95 menit (batas 60); 1 orang lebih dari batas")
    assert sentences.alert_sentence(rows["long_wait"], "en", named=False) == (
        "On Wednesday 18 Nov 2026 a visitor waited 95 minutes (limit 60); 1 over the limit")
    # 09:00–10:00 was busy (a ticket waiting since 08:00) and one of Serang's 4 counters called in it.
    assert sentences.alert_sentence(rows["understaffed"], "id", named=False) == (
        "Pada Rabu, 18 Nov 2026 hanya 25,0% loket terisi rata-rata selama 1 jam sibuk (batas 50,0%)")
