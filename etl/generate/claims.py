"""Benefit claims submitted in one week, each with its whole future: documents, decision and payment."""
from __future__ import annotations

import numpy as np
import polars as pl

from etl.contract import CLAIM_CHANNELS, PROGRAMMES
from etl.generate import stories
from etl.generate.days import DAY, HOUR, MINUTE, OFFICE_OPENS, Calendar, Week
from etl.generate.people import draw_people, participant_ids
from etl.generate.queue import WEEKDAY_FACTOR

CLAIMS_PER_YEAR = {"region": 200_000, "national": 3_500_000}
WORKING_DAYS_PER_YEAR = 245
PROGRAMME_SHARE = dict(JHT=0.75, JKK=0.07, JKM=0.05, JP=0.08, JKP=0.05)
# Share of each channel (branch, lapak_asik, jmo, employer) per programme: about 50 % of claims come
# through JMO, 15 % Lapak Asik, 25 % the branch counter and 10 % the employer.
CHANNEL_SHARE = dict(
    JHT=(0.20, 0.15, 0.60, 0.05), JKK=(0.35, 0.05, 0.0, 0.60), JKM=(0.70, 0.20, 0.0, 0.10),
    JP=(0.45, 0.20, 0.25, 0.10), JKP=(0.20, 0.10, 0.70, 0.0),
)
JMO_CLOSED_DAY_FACTOR = 0.4  # the app is used at weekends too, less than on working days
JMO_HOURS = np.array([1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 6, 6, 5, 4, 4, 4, 4, 4, 4, 5, 6, 6, 5, 3, 2], dtype=float)
OUTAGE_JMO_LEFT = 0.05
OUTAGE_MOVES_TO = dict(branch=0.7, lapak_asik=0.2)  # the rest wait for the app to come back
DOCS_AT_SUBMISSION = dict(branch=0.6, lapak_asik=0.7, jmo=0.85, employer=0.5)
# Service-level agreement in working days from complete documents to payment (JHT ≤ Rp10 jt via JMO: 1).
SLA_DAYS = dict(JHT=5, JKK=7, JKM=3, JP=5, JKP=5)
FAST_JHT_LIMIT = 10_000_000
ON_TIME_SHARE = 0.975
STUCK_SHARE = 0.01  # documents never completed within the data: stays in process
OTHER_REASON_WEIGHT = dict(still_employed=0.15, incomplete_documents=0.15, employer_arrears=0.25,
                           data_mismatch=0.12, other=0.03)


def week_claims(offices: pl.DataFrame, week: Week, calendar: Calendar, rng: np.random.Generator,
                scale: str) -> pl.DataFrame:
    """Claims submitted in `week` with their final timeline (timestamps as epoch seconds, later ones too)."""
    codes = offices["branch_code"].to_numpy()
    daily = offices["daily_tickets"].to_numpy()
    per_day = CLAIMS_PER_YEAR[scale] / WORKING_DAYS_PER_YEAR * daily / daily.sum()
    counts = rng.poisson(_expected(per_day, week, calendar))
    branch, day, programme, channel = (
        np.repeat(index, counts.ravel()) for index in np.indices(counts.shape).reshape(4, -1)
    )
    n = len(branch)
    programme = np.asarray(PROGRAMMES)[programme]
    channel = np.asarray(CLAIM_CHANNELS)[channel]
    submitted = week.days[day].astype(np.int64) * DAY + _submission_time(rng, channel)
    amount = _amounts(rng, programme, channel)
    sla = np.select([programme == p for p in PROGRAMMES], [SLA_DAYS[p] for p in PROGRAMMES])
    sla = np.where((programme == "JHT") & (channel == "jmo") & (amount <= FAST_JHT_LIMIT), 1, sla)

    reject_probability, duplicate_share = stories.duplicate_membership(codes, week)
    rejected = rng.random(n) < reject_probability[branch]
    reason = np.where(rejected, _reasons(rng, duplicate_share[branch]), "")
    no_documents = reason == "incomplete_documents"
    stuck = ~rejected & (rng.random(n) < STUCK_SHARE)

    immediate = rng.random(n) < np.select([channel == c for c in CLAIM_CHANNELS],
                                          [DOCS_AT_SUBMISSION[c] for c in CLAIM_CHANNELS])
    docs = np.where(immediate, submitted + rng.integers(2 * MINUTE, 30 * MINUTE, n),
                    calendar.office_event(rng, submitted, np.minimum(rng.geometric(0.5, n), 8)))
    paid_after = np.where(rng.random(n) < ON_TIME_SHARE, _on_time_days(rng, sla),
                          sla + np.minimum(rng.geometric(0.4, n), 10))
    paid = calendar.office_event(rng, docs, paid_after)
    # Approval comes shortly before payment, the same working day, never before the documents.
    since_opening = np.maximum(paid % DAY - OFFICE_OPENS, 5 * MINUTE + 1)
    approved = np.maximum(paid - rng.uniform(5 * MINUTE, since_opening).astype(np.int64), docs + MINUTE)
    # A rejection is decided on the same clock as a payment: within the SLA, or late like a late payment.
    decided = np.where(rejected, calendar.office_event(rng, docs, paid_after), approved)
    decided = np.where(no_documents, calendar.office_event(rng, submitted, rng.integers(5, 11, n)), decided)

    people = draw_people(rng, branch, daily)
    frame = pl.DataFrame({
        "branch_code": codes[branch],
        "day": pl.Series(week.days[day]).dt.strftime("%Y%m%d"),
        "participant_id": participant_ids(people, offices["province"].to_numpy()[branch]),
        "programme": programme,
        "channel": channel,
        "amount_idr": amount,
        "submitted_at": submitted,
        "docs_complete_at": pl.Series(docs).set(pl.Series(no_documents | stuck), None),
        "decided_at": pl.Series(decided).set(pl.Series(stuck), None),
        "paid_at": pl.Series(paid).set(pl.Series(rejected | stuck), None),
        # The final state; each weekly file shows the state at its week's end.
        "status": np.where(rejected, "rejected", np.where(stuck, "in_process", "paid")),
        "rejection_reason": pl.Series(reason).replace("", None),
    }).sort("branch_code", "submitted_at", maintain_order=True)
    sequence = pl.int_range(pl.len()).over("branch_code", "day") + 1
    return frame.select(
        claim_id=pl.format("KLM-{}-{}-{}", "branch_code", "day", sequence.cast(pl.String).str.zfill(4)),
        *[c for c in frame.columns if c != "day"],
    )


def _expected(per_day, week, calendar):
    """Expected claims per (branch, day, programme, channel)."""
    programme_share = np.array([PROGRAMME_SHARE[p] for p in PROGRAMMES])
    channel_share = np.array([CHANNEL_SHARE[p] for p in PROGRAMMES])  # (programme, channel)
    office_day = np.where(week.working, WEEKDAY_FACTOR[:7], 0.0)
    jmo_day = np.where(week.working, 1.0, JMO_CLOSED_DAY_FACTOR)
    day_factor = np.stack([office_day, office_day, jmo_day, office_day], axis=1)  # (day, channel)
    jht_surge = calendar.post_lebaran_factor(week.days, peak=1.8)
    programme_factor = np.ones((7, len(PROGRAMMES)))
    programme_factor[:, PROGRAMMES.index("JHT")] = jht_surge
    mean = (per_day[:, None, None, None] * day_factor[None, :, None, :] * programme_share[None, None, :, None]
            * channel_share[None, None, :, :] * programme_factor[None, :, :, None])
    if stories.jmo_outage(week):
        jmo = CLAIM_CHANNELS.index("jmo")
        displaced = mean[..., jmo] * (1 - OUTAGE_JMO_LEFT)
        mean[..., jmo] -= displaced
        for channel, share in OUTAGE_MOVES_TO.items():
            mean[..., CLAIM_CHANNELS.index(channel)] += displaced * share
    return mean


def _submission_time(rng, channel):
    """Seconds after midnight: JMO around the clock (evenings busy), other channels in service hours."""
    n = len(channel)
    jmo_hour = rng.choice(24, n, p=JMO_HOURS / JMO_HOURS.sum())
    office = rng.uniform(8 * HOUR, 15 * HOUR, n)
    return np.where(channel == "jmo", jmo_hour * HOUR + rng.uniform(0, HOUR, n), office).astype(np.int64)


def _amounts(rng, programme, channel):
    """Benefit in whole rupiah, shaped per programme; most JHT claims through JMO stay within Rp10 jt."""
    n = len(programme)
    small_jht = rng.lognormal(np.log(5_500_000), 0.5, n).clip(500_000, FAST_JHT_LIMIT)
    large_jht = rng.lognormal(np.log(16_000_000), 0.8, n).clip(1_000_000, 500_000_000)
    jht = np.where((channel == "jmo") & (rng.random(n) < 0.85), small_jht, large_jht)
    amount = np.select(
        [programme == "JHT", programme == "JKK", programme == "JKM", programme == "JP"],
        [jht, rng.lognormal(np.log(8_000_000), 1.0, n).clip(300_000, 300_000_000), np.full(n, 42_000_000.0),
         rng.lognormal(np.log(12_000_000), 0.7, n).clip(1_000_000, 200_000_000)],
        rng.lognormal(np.log(6_000_000), 0.35, n).clip(2_000_000, 20_000_000),
    )
    return amount.round().astype(np.int64)


def _reasons(rng, duplicate_share):
    """A rejection reason per claim: duplicate membership with the branch's share, the rest by weight."""
    others = np.asarray(list(OTHER_REASON_WEIGHT))
    weights = np.asarray(list(OTHER_REASON_WEIGHT.values()))
    other = rng.choice(others, len(duplicate_share), p=weights / weights.sum())
    return np.where(rng.random(len(duplicate_share)) < duplicate_share, "duplicate_membership", other)


def _on_time_days(rng, sla):
    """Working days to payment for claims paid within the SLA: fast-track JHT often the same day."""
    n = len(sla)
    same_day = rng.random(n) < np.where(sla == 1, 0.35, 0.08)
    return np.where(same_day, 0, rng.integers(1, sla + 1))
