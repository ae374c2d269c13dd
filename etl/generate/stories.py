"""The stories planted in the demo data, so that the charts have something true to show.

Weeks count back from the last week of the run (0 = the last week). All stories live in Kanwil Banten,
which both scales share (the JMO outage hits every office of the scale).

1. Worsening waits, KC Tangerang Cikokol (BTN03), the last 6 weeks: officers log in later and later
   after the doors open (up to 30 minutes late) and a new verification step makes services slower, so
   the share called within 15 minutes falls week by week from about 90 % to about 60 %.
2. Empty counters, KC Serang (BTN01), one working day in each of weeks 9, 7, 5, 3 and 1 before the end
   (Wednesday, Tuesday, Monday, Friday and Thursday, or the next working day of that week): staff on
   leave with no cover, so only 2 counters (1 in week 3) call tickets. Waits run for hours,
   visitors walk out, the last ones are served after closing time, and `staff_absent` and `queue`
   complaints arrive the same day.
3. Duplicate membership, KC Ciputat (BTN09, Tangerang Selatan), the last 12 weeks: claim rejections rise
   from about 8 % to about 20 %, more and more of them `duplicate_membership`, with matching complaints.
4. JMO outage, every office, the week 8 weeks before the end: JMO claims nearly vanish, claims move to the
   branch counter and Lapak Asik, `claim_jht` walk-in tickets jump and `jmo_app` complaints pile up.
5. Small numbers, KCP Pandeglang (BTN11): 20–40 tickets a day and a handful of claims, with no trend at
   all; its rates jump about by chance alone.

The JMO outage week and every Lebaran closure of the run are also written down as known events
(annotations_demo.csv), per region, as a regional head would record them.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from etl.generate.days import Week

SERANG = "BTN01"
CIKOKOL = "BTN03"
CIPUTAT = "BTN09"
PANDEGLANG = "BTN11"

SLOWDOWN_WEEKS = 6
EMPTY_COUNTER_WEEKS = {9: 2, 7: 2, 5: 2, 3: 1, 1: 2}  # weeks before the end → counters still staffed
DUPLICATE_WEEKS = 12
OUTAGE_WEEKS_BEFORE_END = 8


def _ramp(week: Week, length: int) -> float:
    """0 before the last `length` weeks, then rising in equal steps to 1 in the last week."""
    return max(0.0, (length - week.weeks_before_end) / length)


def service_slowdown(codes: np.ndarray, week: Week) -> np.ndarray:
    """Service-time multiplier per branch (story 1)."""
    return np.where(codes == CIKOKOL, 1 + 0.08 * _ramp(week, SLOWDOWN_WEEKS), 1.0)


def late_login(codes: np.ndarray, week: Week) -> np.ndarray:
    """Extra seconds after opening before the counters start calling, per branch (story 1)."""
    return np.where(codes == CIKOKOL, 30 * 60 * _ramp(week, SLOWDOWN_WEEKS), 0.0)


def empty_counter_day(week: Week) -> tuple[int, int] | None:
    """(day of week 0–6, counters staffed) of Serang's empty-counter day this week, if any (story 2)."""
    staffed = EMPTY_COUNTER_WEEKS.get(week.weeks_before_end)
    if staffed is None:
        return None
    wanted = (week.weeks_before_end * 3) % 5  # spreads the days over different weekdays
    working = np.flatnonzero(week.working[:5])
    later = working[working >= wanted]
    if len(later) == 0:
        return None
    return int(later[0]), staffed


def duplicate_membership(codes: np.ndarray, week: Week) -> tuple[np.ndarray, np.ndarray]:
    """Per branch: rejection probability and the share of rejections that are duplicate membership (story 3)."""
    ramp = np.where(codes == CIPUTAT, _ramp(week, DUPLICATE_WEEKS), 0.0)
    return 0.075 + 0.13 * ramp, 0.30 + 0.50 * ramp


def duplicate_complaint_factor(codes: np.ndarray, week: Week) -> np.ndarray:
    """Multiplier on `duplicate_membership` complaints per branch (story 3)."""
    return np.where(codes == CIPUTAT, 1 + 3 * _ramp(week, DUPLICATE_WEEKS), 1.0)


def jmo_outage(week: Week) -> bool:
    """True in the JMO outage week (story 4)."""
    return week.weeks_before_end == OUTAGE_WEEKS_BEFORE_END


def known_events(regions: list[str], weeks: list[Week], lebaran: list[tuple[dt.date, dt.date]]) -> list[dict]:
    """The annotations a regional head would record for the stories that have a known cause: the JMO outage
    week (story 4) and the Lebaran closures, for each region, as annotations_demo.csv rows (text)."""
    spans = [(f"demo-jmo-{week.monday:%G-W%V}", "outage", week.monday, week.monday + dt.timedelta(days=6),
              "JMO gangguan", "Aplikasi JMO tidak dapat dipakai sepekan; klaim pindah ke kantor dan Lapak Asik")
             for week in weeks if jmo_outage(week)]
    spans += [(f"demo-lebaran-{start.year}", "closure", start, end, "Libur Lebaran",
               "Idulfitri dan cuti bersama: kantor tutup, lonjakan klaim JHT sesudahnya") for start, end in lebaran]
    return [{"annotation_id": f"{key}-{region}", "region_code": region, "branch_code": None, "category": category,
             "starts_on": start.isoformat(), "ends_on": end.isoformat(), "label": label, "text": text,
             "author": "Kanwil (demo)"}
            for key, category, start, end, label, text in spans for region in regions]
