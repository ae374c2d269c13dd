"""The demo-data generator: contract, determinism, calendar, planted stories and bad rows."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from etl.calendar import non_working_dates
from etl.contract import CLAIMS, COMPLAINTS, OUTCOMES, QUEUE_TICKETS, SERVICES, source_for_file
from etl.generate import default_end, generate, stories
from etl.generate.days import Calendar

END = dt.date(2026, 11, 15)
WEEKS = 12
TIMESTAMP = "%Y-%m-%d %H:%M:%S"


def run(out_dir: Path, **options) -> dict[str, int]:
    """The test run: Kanwil Banten, 12 weeks up to Sunday 15 November 2026."""
    return generate(out_dir, **{"seed": 7, "weeks": WEEKS, "end": END, "scale": "region", **options})


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out_dir = tmp_path_factory.mktemp("demo")
    return out_dir, run(out_dir)


def read(out_dir: Path, source: str) -> pl.DataFrame:
    """Every weekly file of a source as text, with the week label of its file."""
    frames = [pl.read_csv(path, infer_schema=False).with_columns(file_week=pl.lit(path.stem.rsplit("_", 1)[1]))
              for path in sorted(out_dir.glob(f"{source}_*.csv"))]
    return pl.concat(frames)


def parsed(column: str) -> pl.Expr:
    """A timestamp column parsed; broken text becomes null."""
    return pl.col(column).str.to_datetime(TIMESTAMP, strict=False)


def valid_tickets(out_dir: Path) -> pl.DataFrame:
    """Tickets of known branches with parseable issue and call times and a real service (no broken rows)."""
    branches = pl.read_csv(out_dir / "branches.csv")["branch_code"]
    return read(out_dir, "queue_tickets").with_columns(issued=parsed("issued_at"), called=parsed("called_at")).filter(
        pl.col("branch_code").is_in(branches.implode()), pl.col("issued").is_not_null(),
        pl.col("service").is_in(SERVICES), pl.col("outcome").is_in(OUTCOMES),
    )


def iso_week(column: str) -> pl.Expr:
    """The ISO week label (2026-W46) of a datetime column."""
    return pl.col(column).dt.strftime("%G-W%V")


def test_same_inputs_give_identical_bytes(demo, tmp_path):
    out_dir, _ = demo
    run(tmp_path)
    first = {path.name: path.read_bytes() for path in out_dir.iterdir()}
    second = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert first.keys() == second.keys()
    assert all(first[name] == second[name] for name in first)


def test_another_seed_gives_other_data(demo, tmp_path):
    out_dir, _ = demo
    generate(tmp_path, seed=8, weeks=1, end=END)
    name = "queue_tickets_2026-W46.csv"
    assert (tmp_path / name).read_bytes() != (out_dir / name).read_bytes()


def test_one_file_per_source_and_iso_week_with_contract_columns(demo):
    out_dir, written = demo
    sundays = [END - dt.timedelta(weeks=k) for k in range(WEEKS)]
    labels = ["{}-W{:02d}".format(*sunday.isocalendar()[:2]) for sunday in sundays]
    expected = {"branches.csv"} | {f"{source}_{label}.csv" for source in ("queue_tickets", "claims", "complaints")
                                   for label in labels} | {"annotations_demo.csv"}  # the JMO outage week
    assert {path.name for path in out_dir.iterdir()} == expected
    data_rows = 0
    for path in out_dir.iterdir():
        columns = source_for_file(path.name).column_names
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == columns, path.name
        assert all(len(row) == len(columns) for row in rows), path.name
        data_rows += len(rows) - 1
    assert sum(written.values()) == data_rows


def test_region_has_eleven_banten_offices_with_plausible_counters(demo):
    out_dir, written = demo
    branches = pl.read_csv(out_dir / "branches.csv")
    assert written["branches"] == branches.height == 11
    assert branches["region_code"].unique().to_list() == ["BTN"]
    kc = branches.filter(pl.col("branch_type") == "KC")["counters"]
    assert kc.min() >= 6 and kc.max() <= 12
    assert branches.filter(pl.col("branch_code") == stories.PANDEGLANG)["branch_type"].item() == "KCP"


def test_tickets_only_on_working_days_inside_service_hours(demo):
    out_dir, _ = demo
    tickets = valid_tickets(out_dir)
    closed = set(non_working_dates(2026, 2026))
    days = tickets["issued"].dt.date()
    assert not any(day.weekday() >= 5 or day in closed for day in days.unique())
    hours = tickets["issued"].dt.hour()
    assert hours.min() >= 7
    assert (hours < 15).mean() > 0.99  # only transfers after a late service are issued after closing


def test_ticket_rules_hold_apart_from_broken_rows(demo):
    out_dir, _ = demo
    tickets = valid_tickets(out_dir).with_columns(wait=(pl.col("called") - pl.col("issued")).dt.total_seconds())
    called = tickets.filter(pl.col("called").is_not_null())
    assert ((tickets["outcome"] == "no_show") == tickets["called"].is_null()).mean() > 0.995
    assert called["counter_id"].is_not_null().all()
    assert (called["wait"] >= -120).mean() > 0.999
    within = (called["wait"] <= 15 * 60).mean()
    assert 0.85 <= within <= 0.95
    priority = called.filter(pl.col("priority_group").is_not_null())
    assert 0.06 <= tickets["priority_group"].is_not_null().mean() <= 0.10
    assert (priority["wait"] <= 5 * 60).mean() > 0.9
    visits = tickets.group_by("visit_id").agg(n=pl.len(), services=pl.col("service").n_unique())
    transfers = visits.filter(pl.col("n") > 1)
    assert 0.07 <= transfers.height / tickets["visit_id"].n_unique() <= 0.14
    assert (transfers["services"] > 1).mean() > 0.99


def test_story_1_cikokol_waits_get_worse_over_the_last_six_weeks(demo):
    out_dir, _ = demo
    called = valid_tickets(out_dir).filter(pl.col("branch_code") == stories.CIKOKOL, pl.col("called").is_not_null())
    within_sop = (pl.col("called") - pl.col("issued")) <= pl.duration(minutes=15)
    weekly = called.group_by(week=iso_week("issued")).agg(within=within_sop.mean()).sort("week")["within"]
    before, story = weekly[: WEEKS - stories.SLOWDOWN_WEEKS], weekly[WEEKS - stories.SLOWDOWN_WEEKS:]
    assert before.mean() >= 0.85
    assert story[-2:].mean() <= 0.70
    assert story[-2:].mean() < story[:2].mean() - 0.15


def test_story_2_serang_has_empty_counter_days(demo):
    out_dir, _ = demo
    tickets = valid_tickets(out_dir).filter(pl.col("branch_code") == stories.SERANG)
    days = tickets.with_columns(finished=parsed("finished_at")).group_by(day=pl.col("issued").dt.date()).agg(
        counters=pl.col("counter_id").drop_nulls().n_unique(), last=pl.col("finished").max().dt.time())
    empty = days.filter(pl.col("counters") <= 2)
    assert empty.height == len(stories.EMPTY_COUNTER_WEEKS)
    assert (empty["last"] > dt.time(17)).all()
    complaints = read(out_dir, "complaints").filter(pl.col("branch_code") == stories.SERANG,
                                                    pl.col("category") == "staff_absent")
    complaint_days = parsed("received_at").dt.date()
    assert complaints.select(complaint_days.is_in(empty["day"].implode()).sum()).item() >= 3 * empty.height


def test_story_3_ciputat_duplicate_membership_rejections_rise(demo):
    out_dir, _ = demo
    latest = read(out_dir, "claims").unique("claim_id", keep="last", maintain_order=True)
    duplicates = latest.filter(pl.col("branch_code") == stories.CIPUTAT,
                               pl.col("rejection_reason") == "duplicate_membership")
    weekly = (duplicates.with_columns(decided=parsed("decided_at"))
              .group_by(week=iso_week("decided")).len().sort("week")["len"])
    assert weekly[-4:].sum() > 2.5 * weekly[:4].sum()


def test_story_4_jmo_outage_week(demo):
    out_dir, _ = demo
    claims = (read(out_dir, "claims").unique("claim_id", keep="first", maintain_order=True)
              .with_columns(submitted=parsed("submitted_at")).filter(pl.col("submitted").is_not_null())
              .with_columns(week=iso_week("submitted")))
    shares = claims.group_by("week").agg(jmo=(pl.col("channel") == "jmo").mean(),
                                         branch=(pl.col("channel") == "branch").mean()).sort("week")
    outage = WEEKS - 1 - stories.OUTAGE_WEEKS_BEFORE_END
    others = shares.filter(pl.int_range(pl.len()) != outage)
    assert shares["jmo"][outage] < 0.1
    assert others["jmo"].min() > 0.4
    assert shares["branch"][outage] > 2 * others["branch"].max()
    app_complaints = (read(out_dir, "complaints").unique("complaint_id")
                      .filter(pl.col("category") == "jmo_app", parsed("received_at").is_not_null())
                      .group_by(week=parsed("received_at").dt.strftime("%G-W%V")).len().sort("week")["len"])
    assert app_complaints[outage] > 3 * app_complaints.median()


def test_weekly_drops_resend_claims_with_their_state_at_each_week_end(demo):
    out_dir, _ = demo
    claims = read(out_dir, "claims").filter(pl.col("programme").is_in(CLAIMS.column("programme").codes))
    resent = claims.filter(pl.col("claim_id").is_duplicated() & ~pl.struct(CLAIMS.column_names).is_duplicated())
    assert resent["claim_id"].n_unique() > 1000
    times = [c.name for c in CLAIMS.columns if c.kind == "timestamp"]
    labels = claims["file_week"].unique()
    next_monday = {label: dt.datetime.fromisocalendar(int(label[:4]), int(label[6:]), 7) + dt.timedelta(days=1)
                   for label in labels}
    stamps = claims.with_columns(parsed(t) for t in times).with_columns(
        week_end=pl.col("file_week").replace_strict(next_monday, return_dtype=pl.Datetime("us"))
    ).with_columns(week_start=pl.col("week_end") - pl.duration(days=7))
    nothing_later = pl.all_horizontal((pl.col(t).is_null() | (pl.col(t) < pl.col("week_end"))) for t in times)
    something_this_week = pl.any_horizontal(pl.col(t).is_between("week_start", "week_end", closed="left") for t in times)
    assert stamps.select(nothing_later.mean()).item() > 0.99
    assert stamps.select(something_this_week.mean()).item() > 0.99
    in_process = claims.filter(pl.col("status") == "in_process")
    assert in_process["paid_at"].is_null().all() and in_process["decided_at"].is_null().all()
    paid = claims.filter(pl.col("status") == "paid")
    assert paid["rejection_reason"].is_null().all() and paid["paid_at"].is_not_null().mean() > 0.99
    first_then_last = resent.sort("file_week").group_by("claim_id", maintain_order=True).agg(
        first=pl.col("status").first(), last=pl.col("status").last())
    assert (first_then_last["first"] == "in_process").mean() > 0.95
    assert (first_then_last["last"] != "in_process").mean() > 0.9


def test_claims_and_complaints_look_like_the_brief(demo):
    out_dir, _ = demo
    claims = read(out_dir, "claims").unique("claim_id", keep="last", maintain_order=True)
    assert 0.7 <= (claims["programme"] == "JHT").mean() <= 0.8
    assert 0.45 <= (claims["channel"] == "jmo").mean() <= 0.6
    decided = claims.filter(pl.col("status") != "in_process")
    assert 0.06 <= (decided["status"] == "rejected").mean() <= 0.12
    complaints = read(out_dir, "complaints").unique("complaint_id", keep="last", maintain_order=True)
    assert 0.6 <= complaints["participant_name"].is_not_null().mean() <= 0.8
    assert (complaints["status"] != "resolved").sum() > 0
    ids = pl.concat([claims["participant_id"], read(out_dir, "queue_tickets")["participant_id"]]).drop_nulls()
    assert ids.str.contains(r"^(\d{16}|\d{11})$").mean() > 0.999


def test_about_half_a_percent_of_rows_are_broken_in_every_way(demo):
    out_dir, written = demo
    tickets = read(out_dir, "queue_tickets")
    branches = pl.read_csv(out_dir / "branches.csv")["branch_code"].implode()
    issued, called = parsed("issued_at"), parsed("called_at")
    problems = {
        "unknown_branch": ~pl.col("branch_code").is_in(branches),
        "bad_timestamp": pl.col("issued_at").is_not_null() & issued.is_null(),
        "time_order": called < issued - pl.duration(seconds=120),
        "bad_code": ~pl.col("service").is_in(SERVICES),
        "missing_required": pl.col("outcome").is_null(),
        "status_mismatch": (pl.col("outcome") == "no_show") & pl.col("called_at").is_not_null(),
        "bad_rating": ~pl.col("rating").is_in(["1", "2", "3", "4", "5"]) & pl.col("rating").is_not_null(),
    }
    counts = tickets.select(**{name: rule.fill_null(False).sum() for name, rule in problems.items()}).row(0, named=True)
    assert all(count > 0 for count in counts.values()), counts
    broken = tickets.select(pl.any_horizontal(rule.fill_null(False) for rule in problems.values()).mean()).item()
    assert 0.003 <= broken <= 0.008
    skewed = tickets.filter((called < issued) & (called >= issued - pl.duration(seconds=90)))
    assert skewed.height > 0
    assert tickets.is_duplicated().sum() > 0
    for source, anchor in (("claims", "submitted_at"), ("complaints", "received_at")):
        rows = read(out_dir, source)
        broken = rows.select((~pl.col("branch_code").is_in(branches) | pl.col(anchor).is_null()
                              | (pl.col(anchor).is_not_null() & parsed(anchor).is_null())).mean()).item()
        assert 0 < broken < 0.008, source


def test_jht_demand_surges_in_the_three_weeks_after_lebaran():
    calendar = Calendar(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    days = np.datetime64("2026-03-20") + np.arange(40)
    factor = dict(zip(days.astype(str), calendar.post_lebaran_factor(days, peak=1.8)))
    assert factor["2026-03-24"] == 1.0  # the last Eid holiday itself
    assert factor["2026-03-25"] == pytest.approx(1.8)
    assert 1.0 < factor["2026-04-10"] < factor["2026-04-01"] < 1.8
    assert factor["2026-04-15"] == 1.0


def test_progress_reports_every_week(tmp_path):
    calls = []
    generate(tmp_path, weeks=2, end=END, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


def test_parquet_weekly_files_hold_text_columns(tmp_path):
    written = generate(tmp_path, weeks=1, end=END, file_format="parquet")
    frame = pl.read_parquet(tmp_path / "claims_2026-W46.parquet")
    assert frame.columns == CLAIMS.column_names
    assert all(dtype == pl.String for dtype in frame.dtypes)
    assert frame.height == written["claims"]
    assert (tmp_path / "branches.csv").exists()
    assert pl.read_parquet(tmp_path / "complaints_2026-W46.parquet").columns == COMPLAINTS.column_names
    assert pl.read_parquet(tmp_path / "queue_tickets_2026-W46.parquet").columns == QUEUE_TICKETS.column_names


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 11, 21), dt.date(2026, 11, 15)),
    (dt.date(2026, 11, 16), dt.date(2026, 11, 15)),
    (dt.date(2026, 11, 22), dt.date(2026, 11, 15)),
    (dt.date(2026, 11, 23), dt.date(2026, 11, 22)),
])
def test_default_end_is_the_last_complete_iso_week(today, expected):
    assert default_end(today) == expected


@pytest.mark.parametrize("options", [{"end": dt.date(2026, 11, 18)}, {"scale": "city"}, {"file_format": "xlsx"},
                                     {"weeks": 0}])
def test_bad_options_are_refused(tmp_path, options):
    with pytest.raises(ValueError):
        generate(tmp_path, **{"end": END, **options})


def test_a_broken_row_never_hides_the_final_state_of_a_record_seen_before(demo):
    """A spoiled last update would leave an earlier open state in the database for good (a false backlog)."""
    out_dir, _ = demo
    branches = pl.read_csv(out_dir / "branches.csv")["branch_code"].implode()
    for source, key, anchor, final in (("claims", "claim_id", "submitted_at", ["paid", "rejected"]),
                                       ("complaints", "complaint_id", "received_at", ["resolved"])):
        rows = read(out_dir, source).with_columns(first_week=pl.col("file_week").min().over(key))
        spoiled = rows.filter(~pl.col("branch_code").is_in(branches) | pl.col(anchor).is_null()
                              | parsed(anchor).is_null())
        assert spoiled.height > 0, source
        stale = spoiled.filter(pl.col("status").is_in(final) & (pl.col("file_week") > pl.col("first_week")))
        assert stale.is_empty(), stale
