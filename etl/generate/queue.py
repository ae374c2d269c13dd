"""Queue tickets for one week: arrivals by hour and weekday, the counter simulation, outcomes and ratings."""
from __future__ import annotations

import numpy as np
import polars as pl

from etl.contract import OUTCOMES, PRIORITY_GROUPS, SERVICES
from etl.generate import counters, stories
from etl.generate.days import DAY, HOUR, MINUTE, Calendar, Week
from etl.generate.people import draw_people, participant_ids

SERVICE_SHARE = dict(claim_jht=0.34, claim_other=0.08, membership=0.12, data_update=0.20, contributions=0.07,
                     information=0.14, complaint=0.05)
SERVICE_MEDIAN_MINUTES = dict(claim_jht=12, claim_other=14, membership=9, data_update=10, contributions=11,
                              information=6, complaint=12)
SERVICE_SPREAD = 0.4  # log-normal sigma: most services take between half and twice their median
# Where a transferred visitor is sent next (the "runaround" goes to membership and compliance desks).
TRANSFER_TARGET_SHARE = dict(claim_jht=0.05, claim_other=0.10, membership=0.30, data_update=0.20,
                             contributions=0.25, information=0.0, complaint=0.10)
WEEKDAY_FACTOR = np.array([1.12, 1.05, 1.0, 0.98, 0.85, 0.0, 0.0])  # Monday busiest, Friday prayers shorten Friday
# Relative arrivals per half hour from 07:30; a rush at opening, a mid-morning peak and a lunch dip.
HALF_HOURS_FROM = 7 * HOUR + 30 * MINUTE
HALF_HOUR_PROFILE = np.array([1.0, 1.25, 1.15, 1.2, 1.25, 1.25, 1.2, 1.1, 0.9, 0.7, 0.8, 0.95, 0.95, 0.9, 0.75, 0.55])
FRIDAY_PRAYER = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0.6, 0.3, 0.5, 0, 0, 0, 0, 0])  # share lost 11:30–13:00
PRIORITY_SHARE = 0.08
PRIORITY_GROUP_SHARE = (0.70, 0.18, 0.12)
NO_SHOW_SHARE = 0.025  # left before being called for reasons other than the wait
TRANSFER_SHARE = 0.11
UNRESOLVED_SHARE = 0.015
TRANSFERRED_UNRESOLVED_SHARE = 0.12
COUNTER_ABSENCE = 0.03  # chance that a counter is not staffed on a given day
PARTICIPANT_SHARE = 0.60
RATING_SHARE = 0.30
LUNCH_FROM = 11 * HOUR + 30 * MINUTE
LATE_START_MAX = 15 * MINUTE
MORNING_RUSH = 0.08  # share of a day's visitors who queued outside and take a ticket as the doors open
JMO_OUTAGE_WALK_INS = 1.35  # claim_jht tickets during the outage week
FRIDAY = 4
# Codes travel as small integers through the simulation and become text only in the final frame.
CLAIM_JHT = SERVICES.index("claim_jht")
NO_SHOW, TRANSFERRED, UNRESOLVED, RESOLVED = (
    OUTCOMES.index(outcome) for outcome in ("no_show", "transferred", "unresolved", "resolved")
)
COUNTER_IDS = pl.Series([f"L{number:02d}" for number in range(1, 100)])  # counter 0 is loket L01


def week_tickets(offices: pl.DataFrame, week: Week, calendar: Calendar, rng: np.random.Generator) -> pl.DataFrame:
    """All queue tickets issued in `week`, canonical columns, timestamps as epoch seconds."""
    codes = offices["branch_code"].to_numpy()
    opens = _minutes(offices["opens_at"]) * MINUTE
    closes = _minutes(offices["closes_at"]) * MINUTE
    day_index = np.flatnonzero(week.working)
    branch_of_row = np.repeat(np.arange(len(codes)), len(day_index))
    day_of_row = np.tile(day_index, len(codes))

    service, row = _demand(offices, week, calendar, rng, branch_of_row, day_of_row)
    arrival = _arrival_times(rng, row, opens[branch_of_row], closes[branch_of_row], day_of_row == FRIDAY)
    # From here on tickets are in issue order within each branch-day, as the simulation expects.
    in_order = np.argsort(row * 1e5 + arrival, kind="stable")
    service, row, arrival = service[in_order], row[in_order], arrival[in_order]
    n = len(row)
    priority = rng.random(n) < PRIORITY_SHARE
    duration = _durations(rng, service) * stories.service_slowdown(codes, week)[branch_of_row[row]]
    spawns = rng.random(n) < TRANSFER_SHARE
    # A visitor sent elsewhere learns it quickly, so the first ticket of a transfer is short.
    duration = np.where(spawns, rng.lognormal(np.log(5 * MINUTE), 0.4, n), duration)
    child_service = _transfer_targets(rng, service)
    # Patience is how long a visitor waits before walking out; a no-show is gone whenever called.
    no_show = rng.random(n) < NO_SHOW_SHARE
    patience = np.where(no_show, -1.0, 60 * MINUTE + rng.exponential(180 * MINUTE, n))

    free = _staffed_counters(rng, codes, offices["counters"].to_numpy(), opens, week, branch_of_row, day_of_row)
    break_start, break_length = _breaks(rng, free.shape)
    served = counters.serve(row, arrival, priority, duration, patience, spawns, rng.uniform(30, 150, n),
                            _durations(rng, child_service), free, break_start, break_length)

    transferred = np.isfinite(served.child_issued)
    has_participant = rng.random(n) < PARTICIPANT_SHARE
    group = rng.choice(np.arange(1, len(PRIORITY_GROUPS) + 1), n, p=PRIORITY_GROUP_SHARE)
    originals = dict(
        row=row, service=service, issued=arrival, called=served.called, finished=served.finished,
        counter=served.counter, visit=np.arange(n), group=np.where(priority, group, 0),
        person=np.where(has_participant, draw_people(rng, branch_of_row[row], offices["daily_tickets"].to_numpy()), -1),
        outcome=np.where(np.isnan(served.called), NO_SHOW, np.where(transferred, TRANSFERRED,
                         np.where(rng.random(n) < UNRESOLVED_SHARE, UNRESOLVED, RESOLVED))),
    )
    parent = np.flatnonzero(transferred)
    # A transfer ticket belongs to the same visit, visitor and priority group as the ticket before it.
    children = {key: originals[key][parent] for key in ("row", "visit", "group", "person")}
    children.update(
        service=child_service[parent], issued=served.child_issued[parent], called=served.child_called[parent],
        finished=served.child_finished[parent], counter=served.child_counter[parent],
        outcome=np.where(rng.random(len(parent)) < TRANSFERRED_UNRESOLVED_SHARE, UNRESOLVED, RESOLVED),
    )
    tickets = {key: np.concatenate([originals[key], children[key]]) for key in originals}
    return _frame(rng, offices, week, tickets, n, branch_of_row, day_of_row)


def _demand(offices, week, calendar, rng, branch_of_row, day_of_row):
    """Service code and row of every original ticket, drawn per branch-day and service."""
    daily = offices["daily_tickets"].to_numpy()
    share = np.array([SERVICE_SHARE[s] for s in SERVICES])
    factor = np.ones((len(branch_of_row), len(SERVICES)))
    factor[:, CLAIM_JHT] = calendar.post_lebaran_factor(week.days[day_of_row], peak=1.6)
    if stories.jmo_outage(week):
        factor[:, CLAIM_JHT] *= JMO_OUTAGE_WALK_INS
    mean = (daily[branch_of_row] * WEEKDAY_FACTOR[day_of_row])[:, None] * share[None, :] * factor
    counts = rng.poisson(mean)
    row, service = np.indices(counts.shape).reshape(2, -1)
    return np.repeat(service, counts.ravel()), np.repeat(row, counts.ravel())


def _arrival_times(rng, row, opens, closes, friday):
    """Seconds after midnight, following the half-hour profile inside each branch's service hours."""
    starts = HALF_HOURS_FROM + 30 * MINUTE * np.arange(len(HALF_HOUR_PROFILE))
    weight = HALF_HOUR_PROFILE[None, :] * (1 - np.outer(friday, FRIDAY_PRAYER))
    weight = weight * ((starts[None, :] >= opens[:, None]) & (starts[None, :] < closes[:, None]))
    # Rows share a handful of profiles (opening hours, Friday or not): sample each profile at once.
    profiles, profile_of_row = np.unique(weight, axis=0, return_inverse=True)
    profile = profile_of_row.ravel()[row]
    uniform = rng.random(len(row))
    half_hour = np.zeros(len(row), dtype=np.int64)
    for index, profile_weight in enumerate(profiles):
        chosen = profile == index
        cdf = np.cumsum(profile_weight)
        half_hour[chosen] = np.searchsorted(cdf / cdf[-1], uniform[chosen])
    arrival = starts[half_hour] + rng.uniform(0, 30 * MINUTE, len(row))
    rush = rng.random(len(row)) < MORNING_RUSH
    return np.where(rush, opens[row] + rng.uniform(0, 5 * MINUTE, len(row)), arrival)


def _durations(rng, service):
    """Service time in seconds: log-normal around the service's median."""
    median = np.array([SERVICE_MEDIAN_MINUTES[s] * MINUTE for s in SERVICES])[service]
    return rng.lognormal(np.log(median), SERVICE_SPREAD)


def _transfer_targets(rng, service):
    """The desk a transferred visitor is sent to; never the desk they came from."""
    share = np.array([TRANSFER_TARGET_SHARE[s] for s in SERVICES])
    target = rng.choice(len(SERVICES), len(service), p=share)
    contributions, membership = SERVICES.index("contributions"), SERVICES.index("membership")
    return np.where(target == service, np.where(service == contributions, membership, contributions), target)


def _breaks(rng, shape):
    """Lunch breaks staggered over the counters: a third leave at 11:30, 12:00 and 12:30, for 30–50 minutes."""
    rotation = np.arange(shape[1])[None, :] % 3
    start = LUNCH_FROM + rotation * 30 * MINUTE + rng.uniform(-5 * MINUTE, 10 * MINUTE, shape)
    return start, rng.uniform(30 * MINUTE, 50 * MINUTE, shape)


def _staffed_counters(rng, codes, counters_per_branch, opens, week, branch_of_row, day_of_row):
    """When each counter starts calling (opening time), INF for counters nobody staffs that day."""
    width = counters_per_branch.max()
    exists = np.arange(width)[None, :] < counters_per_branch[branch_of_row][:, None]
    staffed = exists & (rng.random(exists.shape) >= COUNTER_ABSENCE)
    staffed[:, 0] = exists[:, 0]  # somebody always opens the branch
    empty_day = stories.empty_counter_day(week)
    if empty_day is not None:
        day, on_duty = empty_day
        story_row = (codes[branch_of_row] == stories.SERANG) & (day_of_row == day)
        staffed[story_row] = np.arange(width)[None, :] < on_duty
    # Officers log in a few minutes after the doors open, while the morning rush is already waiting.
    late_login = stories.late_login(codes, week)[branch_of_row][:, None]
    first_call = opens[branch_of_row][:, None] + late_login + rng.uniform(0, LATE_START_MAX, staffed.shape)
    return np.where(staffed, first_call, counters.INF)


def _ratings(rng, called, wait, outcome):
    """A 1–5 rating on about 30 % of called tickets; long waits and unresolved visits rate lower."""
    unhappy = (wait > 30 * MINUTE) | (outcome == UNRESOLVED)
    happy_rating = rng.choice(np.arange(1, 6), len(called), p=[0.02, 0.03, 0.05, 0.30, 0.60])
    unhappy_rating = rng.choice(np.arange(1, 6), len(called), p=[0.15, 0.20, 0.25, 0.25, 0.15])
    rated = called & (rng.random(len(called)) < RATING_SHARE)
    return np.where(rated, np.where(unhappy, unhappy_rating, happy_rating), -1)


def _frame(rng, offices, week, tickets, n_originals, branch_of_row, day_of_row) -> pl.DataFrame:
    """Number the tickets of each branch-day in issue order and build the canonical frame."""
    # One float key sorts by row, then issue time (a day has fewer than 10^5 seconds).
    order = np.argsort(tickets["row"] * 1e5 + tickets["issued"], kind="stable")
    position = np.empty_like(order)  # where each ticket lands after sorting
    position[order] = np.arange(len(order))
    tickets = {key: value[order] for key, value in tickets.items()}
    row = tickets["row"]
    sequence = np.arange(len(row)) - np.searchsorted(row, row, side="left") + 1
    visit_sequence = sequence[position[:n_originals]][tickets["visit"]]

    branch = branch_of_row[row]
    midnight = week.days[day_of_row[row]].astype(np.int64) * DAY
    called = ~np.isnan(tickets["called"])
    person = tickets["person"]
    is_called = pl.Series(called)
    ids = pl.DataFrame({
        "branch_code": offices["branch_code"].gather(branch),
        "day": pl.Series(week.days).dt.strftime("%Y%m%d").gather(day_of_row[row]),
        "sequence": sequence,
        "visit_sequence": visit_sequence,
    })
    return ids.select(
        ticket_id=pl.format("{}-{}-{}", "branch_code", "day", pl.col("sequence").cast(pl.String).str.zfill(4)),
        visit_id=pl.format("{}-{}-V{}", "branch_code", "day", pl.col("visit_sequence").cast(pl.String).str.zfill(4)),
        branch_code="branch_code",
    ).with_columns(
        participant_id=pl.when(pl.Series(person >= 0)).then(
            participant_ids(np.maximum(person, 0), offices["province"].to_numpy()[branch])),
        service=pl.Series(SERVICES).gather(tickets["service"]),
        priority_group=pl.Series([None, *PRIORITY_GROUPS], dtype=pl.String).gather(tickets["group"]),
        issued_at=_epoch(midnight, tickets["issued"]),
        called_at=pl.when(is_called).then(_epoch(midnight, tickets["called"])),
        finished_at=pl.when(is_called).then(_epoch(midnight, tickets["finished"])),
        counter_id=pl.when(is_called).then(COUNTER_IDS.gather(np.maximum(tickets["counter"], 0))),
        outcome=pl.Series(OUTCOMES).gather(tickets["outcome"]),
        rating=pl.Series(_ratings(rng, called, tickets["called"] - tickets["issued"], tickets["outcome"]))
        .replace(-1, None),
    )


def _epoch(midnight, seconds_after):
    """Whole epoch seconds; truncating keeps called ≥ issued because both round down."""
    return pl.Series(midnight + np.nan_to_num(seconds_after).astype(np.int64))


def _minutes(clock: pl.Series) -> np.ndarray:
    """'HH:MM' texts as minutes after midnight."""
    parts = clock.str.split_exact(":", 1).struct.unnest()
    return (parts["field_0"].cast(pl.Int64) * 60 + parts["field_1"].cast(pl.Int64)).to_numpy()
