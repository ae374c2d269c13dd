"""Complaints received in one week, each with its first response and resolution."""
from __future__ import annotations

import numpy as np
import polars as pl

from etl.contract import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS
from etl.generate import stories
from etl.generate.days import DAY, HOUR, Calendar, Week
from etl.generate.people import draw_people, participant_ids, participant_names

COMPLAINTS_PER_YEAR = {"region": 3_500, "national": 280_000}  # plus the stories' extra complaints
WORKING_DAYS_PER_YEAR = 245
CLOSED_DAY_FACTOR = 0.3  # the call centre and online channels keep receiving at weekends
CATEGORY_SHARE = dict(queue=0.12, staff_attitude=0.08, staff_absent=0.02, jht_claim=0.25, duplicate_membership=0.07,
                      data_update=0.14, employer_contributions=0.12, jmo_app=0.10, information=0.07, other=0.03)
# Channel shares (walk_in, call_center, email, social_media, mass_media, jmo, lapor, other) per kind of complaint.
# The agency's own systems never write `other` (foreign exports do), and a zero share last leaves the draws unchanged.
SERVICE_CHANNELS = (0.50, 0.22, 0.05, 0.03, 0.004, 0.0, 0.196, 0.0)
APP_CHANNELS = (0.05, 0.45, 0.15, 0.04, 0.002, 0.24, 0.068, 0.0)
OTHER_CHANNELS = (0.25, 0.38, 0.10, 0.02, 0.002, 0.15, 0.098, 0.0)
SERVICE_CATEGORIES = ("queue", "staff_attitude", "staff_absent")
EMPTY_COUNTER_COMPLAINTS = dict(staff_absent=6.0, queue=8.0)  # extra complaints on Serang's empty-counter day
OUTAGE_APP_COMPLAINTS = 8.0
RESPONSE_DAYS = (0, 1, 2, 3, 4)
RESPONSE_SHARE = (0.62, 0.355, 0.015, 0.007, 0.003)
RESOLVED_ON_TIME = 0.95
REOPENED_SHARE = 0.04
LONG_OPEN_SHARE = 0.005  # complicated cases that stay open for a month or more
PARTICIPANT_SHARE = 0.55


def week_complaints(offices: pl.DataFrame, week: Week, calendar: Calendar, rng: np.random.Generator,
                    scale: str) -> pl.DataFrame:
    """Complaints received in `week` with their final timeline (timestamps as epoch seconds)."""
    codes = offices["branch_code"].to_numpy()
    daily = offices["daily_tickets"].to_numpy()
    per_day = COMPLAINTS_PER_YEAR[scale] / WORKING_DAYS_PER_YEAR * daily / daily.sum()
    counts = rng.poisson(_expected(codes, per_day, week))
    branch, day, category = (np.repeat(index, counts.ravel()) for index in np.indices(counts.shape).reshape(3, -1))
    n = len(branch)
    category = np.asarray(COMPLAINT_CATEGORIES)[category]
    channel = _channels(rng, category, week.working[day])
    received = week.days[day].astype(np.int64) * DAY + _received_time(rng, channel)

    response_days = rng.choice(RESPONSE_DAYS, n, p=RESPONSE_SHARE)
    first_response = calendar.office_event(rng, received, response_days)
    resolve_days = np.where(rng.random(n) < RESOLVED_ON_TIME, rng.integers(0, 6, n), rng.integers(6, 16, n))
    resolve_days = np.where(rng.random(n) < LONG_OPEN_SHARE, rng.integers(20, 45, n), resolve_days)
    reopened = rng.random(n) < REOPENED_SHARE
    # A reopened complaint is resolved twice; only the final resolution is kept, some days later.
    resolve_days = np.maximum(resolve_days + np.where(reopened, rng.integers(2, 8, n), 0), response_days)
    resolved = calendar.office_event(rng, received, resolve_days)
    resolved = np.where(resolved < first_response, calendar.office_event(rng, first_response, np.zeros(n, int)),
                        resolved)

    people = draw_people(rng, branch, daily)
    has_id = rng.random(n) < PARTICIPANT_SHARE
    has_name = rng.random(n) < np.where(has_id, 0.9, 0.45)
    frame = pl.DataFrame({
        "branch_code": codes[branch],
        "day": pl.Series(week.days[day]).dt.strftime("%Y%m%d"),
        "participant_id": participant_ids(people, offices["province"].to_numpy()[branch]).set(pl.Series(~has_id), None),
        "participant_name": participant_names(people).set(pl.Series(~has_name), None),
        "channel": channel,
        "category": category,
        "received_at": received,
        "first_response_at": first_response,
        "resolved_at": resolved,
        "status": np.full(n, "resolved"),  # the final state; each weekly file shows the state at its week's end
        "reopened": reopened,
    }).sort("branch_code", "received_at", maintain_order=True)
    sequence = pl.int_range(pl.len()).over("branch_code", "day") + 1
    return frame.select(
        complaint_id=pl.format("ADU-{}-{}-{}", "branch_code", "day", sequence.cast(pl.String).str.zfill(4)),
        *[c for c in frame.columns if c != "day"],
    )


def _expected(codes, per_day, week):
    """Expected complaints per (branch, day, category), with the stories' extra complaints."""
    category_share = np.array([CATEGORY_SHARE[c] for c in COMPLAINT_CATEGORIES])
    day_factor = np.where(week.working, 1.0, CLOSED_DAY_FACTOR)
    mean = per_day[:, None, None] * day_factor[None, :, None] * category_share[None, None, :]
    duplicate = COMPLAINT_CATEGORIES.index("duplicate_membership")
    mean[:, :, duplicate] *= stories.duplicate_complaint_factor(codes, week)[:, None]
    if stories.jmo_outage(week):
        mean[:, :, COMPLAINT_CATEGORIES.index("jmo_app")] *= OUTAGE_APP_COMPLAINTS
    empty_day = stories.empty_counter_day(week)
    if empty_day is not None:
        serang = codes == stories.SERANG
        for category, extra in EMPTY_COUNTER_COMPLAINTS.items():
            mean[serang, empty_day[0], COMPLAINT_CATEGORIES.index(category)] += extra
    return mean


def _channels(rng, category, working_day):
    """Channel per complaint by kind; nobody walks in on a closed day, so those go to the call centre."""
    n = len(category)
    tables = (("service", SERVICE_CHANNELS), ("app", APP_CHANNELS), ("other", OTHER_CHANNELS))
    kind = np.where(np.isin(category, SERVICE_CATEGORIES), "service", np.where(category == "jmo_app", "app", "other"))
    channel = np.empty(n, dtype=object)
    for name, share in tables:
        chosen = kind == name
        channel[chosen] = rng.choice(COMPLAINT_CHANNELS, chosen.sum(), p=np.asarray(share) / sum(share))
    return np.where((channel == "walk_in") & ~working_day, "call_center", channel).astype(str)


def _received_time(rng, channel):
    """Seconds after midnight: walk-ins in service hours, other channels from 07:00 to 22:00."""
    n = len(channel)
    walk_in = rng.uniform(8 * HOUR, 15 * HOUR, n)
    remote = rng.uniform(7 * HOUR, 22 * HOUR, n)
    return np.where(channel == "walk_in", walk_in, remote).astype(np.int64)
