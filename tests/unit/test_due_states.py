"""One wording for open follow-ups on the weekly page and in the pack: overdue, due, or later."""
from __future__ import annotations

import datetime as dt

import pytest

from service.follow_ups import due_state

WEEK_47 = dt.date(2026, 11, 16)  # Mg 47; its meeting week runs Mon 23 to Sun 29 Nov


@pytest.mark.parametrize(("due", "state"), [
    (dt.date(2026, 11, 22), "overdue"),  # before the meeting week
    (dt.date(2026, 11, 23), "due"), (dt.date(2026, 11, 29), "due"),
    (dt.date(2026, 11, 30), "later"), (dt.date(2026, 12, 13), "later"), (None, "later"),
])
def test_a_week_s_items_are_judged_from_its_meeting_week(due, state):
    assert due_state(due, WEEK_47, "week") == state


def test_a_month_s_meeting_week_is_the_week_after_it_ends():
    november = dt.date(2026, 11, 1)  # the meeting is held in the week from 1 Dec
    assert [due_state(d, november, "month") for d in (dt.date(2026, 11, 30), dt.date(2026, 12, 1),
                                                       dt.date(2026, 12, 7), dt.date(2026, 12, 8))] == [
        "overdue", "due", "due", "later"]
