"""Record trends as the pages draw them: every recent period present, in order, and the line to stress."""
from __future__ import annotations

import datetime as dt

import polars as pl

from present.charts import counts_over_time
from service.records import mover, over_recent

WEEKS = [dt.date(2026, 10, 26), dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]


def complaints(rows: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame({"received_at": [dt.datetime.fromisoformat(t) for t, _ in rows],
                         "category": [c for _, c in rows]})


def test_a_week_without_records_counts_zero_and_weeks_run_oldest_first():
    frame = complaints([("2026-11-17 09:00", "queue"), ("2026-10-27 10:00", "queue"), ("2026-10-28 10:00", "jmo_app"),
                        ("2026-11-19 08:00", "jmo_app"), ("2026-11-18 08:00", "jmo_app")])
    trend = over_recent(frame, "received_at", "category", WEEKS, "week")
    assert trend.filter(pl.col("category") == "queue").select("period_start", "count").rows() == [
        (WEEKS[0], 1), (WEEKS[1], 0), (WEEKS[2], 0), (WEEKS[3], 1)]
    assert trend.filter(pl.col("category") == "jmo_app")["count"].to_list() == [1, 0, 0, 2]


def test_the_line_to_stress_is_the_one_that_moved_most_in_the_last_period():
    trend = pl.DataFrame({"period_start": WEEKS * 2, "category": ["queue"] * 4 + ["jmo_app"] * 4,
                          "count": [5, 6, 5, 6, 2, 2, 3, 9]})
    assert mover(trend, "category") == "jmo_app"
    assert mover(trend.filter(pl.col("period_start") == WEEKS[-1]), "category") is None  # nothing to compare with
    flat = trend.with_columns(pl.lit(4).alias("count"))
    assert mover(flat, "category") is None


def test_counts_over_time_draws_dates_in_order_on_a_date_axis():
    trend = pl.DataFrame({"period_start": list(reversed(WEEKS)), "category": ["queue"] * 4, "count": [4, 3, 2, 1]})
    figure = counts_over_time(trend, "category", "week", "id")
    xs = list(figure.data[0].x)
    assert xs == sorted(xs) and len(xs) == 4
    assert figure.data[0].y == (1, 2, 3, 4)
    assert figure.layout.xaxis.type != "category"


def test_complaints_by_channel_stack_the_largest_categories_and_the_rest_in_grey():
    from present.charts import volume_bars
    frame = pl.DataFrame({"channel": ["email", "walk_in", "jmo", "email", "walk_in", "lapor", "email"],
                          "category": ["queue", "queue", "jmo_app", "data_update", "jmo_app", "queue", "other"],
                          "count": [3, 5, 2, 1, 4, 1, 1]})
    figure = volume_bars(frame, "id", shown=2)
    assert [trace.name for trace in figure.data] == ["Antrean", "Aplikasi JMO", "Lainnya"]
    busiest_first = ("Datang langsung", "Email", "JMO", "LAPOR!")
    assert all(trace.x == busiest_first for trace in figure.data)  # every trace in the axis order, 0 where none
    assert [trace.y for trace in figure.data] == [(5, 3, 0, 1), (4, 0, 2, 0), (0, 2, 0, 0)]
