"""The staffing page's charts say what the numbers are: needed / active, few-ticket slots marked, plan over capacity."""
from __future__ import annotations

import datetime as dt

import polars as pl

from present.charts.staffing import plan_heatmap, shortage_heatmap

MONDAY = dt.date(2026, 11, 16)


def test_the_shortage_heatmap_writes_needed_over_active_and_marks_slots_of_few_tickets():
    grid = pl.DataFrame({"day": [MONDAY] * 3, "slot": ["08:00", "09:00", "10:00"], "arrivals": [40, 4, 0],
                         "counters_needed": [12, 2, 0], "counters_active": [2, 1, 0], "counters_available": [12] * 3,
                         "short_by": [10, 1, 0], "trusted": [True, False, True]})
    heatmap = shortage_heatmap(grid, "id").data[0]
    assert list(heatmap.z[0]) == [10, 1, None] and list(heatmap.text[0]) == ["12/2", "2/1○", ""]
    assert list(heatmap.y) == ["Sen 16/11"]


def test_the_plan_is_red_only_where_it_needs_more_counters_than_the_branch_has():
    plan = pl.DataFrame({"day": [MONDAY] * 2, "slot": ["08:00", "09:00"], "counters_needed": [3, 2],
                         "counters_available": [2, 2]})
    heatmap = plan_heatmap(plan, "en").data[0]
    assert list(heatmap.z[0]) == [1, 0] and list(heatmap.text[0]) == ["3", "2"] and list(heatmap.y) == ["Mon 16/11"]
