"""What the weekly meeting must discuss: below target and really worse than the region or than usual."""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl import attention
from present.sentences import attention_sentence
from tests.unit.test_evaluation import WEEKS, noisy_region


def listed(frame: pl.DataFrame, week_index: int) -> pl.DataFrame:
    week = WEEKS[week_index]
    return attention.attention(frame.filter(pl.col("period_start") == week),
                                frame.filter(pl.col("period_start") < week))


def test_a_slide_that_runs_for_weeks_is_listed_every_week_without_a_new_step():
    """B03 falls to 80%, then stays there: the brief sees one step; the meeting keeps seeing the branch.

    In its first week only the funnel lists it (one period off target); from the second on, both verdicts."""
    plant = {("B03", week, "wait_within_sop"): 0.80 for week in (12, 13, 14)}
    frame = noisy_region(7, plant)
    for week_index, streak in ((12, 1), (13, 2), (14, 3)):
        found = listed(frame, week_index).filter(pl.col("kpi") == "wait_within_sop")
        assert found["code"].to_list() == ["B03"], week_index
        row = found.row(0, named=True)
        assert row["worse_than_region"] and row["worse_than_usual"] and row["streak"] == streak
        assert abs(row["usual"] - 0.93) < 0.01 and abs(row["region"] - 0.917) < 0.01


def test_one_unusual_week_that_the_region_shares_is_not_a_standing_item():
    """Outside its own limits once, but inside the region's funnel and only one period off target: the brief's."""
    frame = noisy_region(8)
    # Everyone's waits drop together in the last week (an outage): no branch is worse than the region.
    frame = frame.with_columns(pl.when((pl.col("period_start") == WEEKS[14]) & (pl.col("kpi") == "wait_within_sop"))
                               .then(pl.col("value") - 0.10).otherwise(pl.col("value")).alias("value"),
                               pl.when((pl.col("period_start") == WEEKS[14]) & (pl.col("kpi") == "wait_within_sop"))
                               .then(pl.col("numerator") - 0.10 * pl.col("denominator"))
                               .otherwise(pl.col("numerator")).alias("numerator"),
                               pl.when((pl.col("period_start") == WEEKS[14]) & (pl.col("kpi") == "wait_within_sop"))
                               .then(False).otherwise(pl.col("meets_target")).alias("meets_target"))
    assert listed(frame, 14).filter(pl.col("kpi") == "wait_within_sop").is_empty()


def test_worse_than_usual_two_periods_running_is_listed_after_both_verdicts():
    """B02 falls far (the funnel, widened by the spread it causes, still flags it); B05 only against its past."""
    plant = {**{("B05", w, "wait_within_sop"): 0.86 for w in (13, 14)},
             **{("B02", w, "wait_within_sop"): 0.70 for w in (13, 14)}}
    found = listed(noisy_region(9, plant), 14).filter(pl.col("kpi") == "wait_within_sop")
    assert found.select("code", "worse_than_region", "worse_than_usual", "streak").rows() == [
        ("B02", True, True, 2), ("B05", False, True, 2)]


def test_nothing_is_listed_in_a_steady_region():
    for seed in range(5):
        assert listed(noisy_region(seed), 14).is_empty(), seed


def test_the_sentence_gives_the_numbers_the_verdicts_and_the_promise():
    row = {"name": "KC Tangerang Cikokol", "kpi": "wait_within_sop", "value": 0.463, "target": 0.9, "region": 0.868,
           "usual": 0.912, "worse_than_region": True, "worse_than_usual": True, "streak": 6, "promise_id": 3,
           "raised_by": "Kakanwil", "raised_period": dt.date(2026, 11, 2), "raised_granularity": "week",
           "due_date": dt.date(2026, 12, 13)}
    assert attention_sentence(row, "week", "id") == (
        "KC Tangerang Cikokol: Tunggu ≤ 15 menit 46,3% (≥ 90,0%), lebih buruk dari wilayah (86,8%) dan biasanya "
        "(91,2%), 6 minggu berturut-turut meleset. Janji #3 sudah dibuat (Kakanwil, Mg 45 · 2–8 Nov 2026), jatuh "
        "tempo Minggu, 13 Des 2026.")
    alone = {**row, "worse_than_usual": False, "streak": 1, "promise_id": None}
    assert attention_sentence(alone, "week", "en") == (
        "KC Tangerang Cikokol: Wait ≤ 15 min 46.3% (≥ 90.0%), worse than the region (86.8%). No promise made yet.")


def test_the_day_signals_in_the_marts_are_not_judged():
    """The marts hold the day signals beside the KPIs (kpi_weekly); they have no target, and the list (and the
    alerts that read the marts directly) must pass over them, not fail on them."""
    week = dt.date(2026, 11, 16)
    rows = pl.DataFrame({"level": ["branch"], "code": ["B01"], "period_start": [week], "kpi": ["breach_days"],
                         "value": [1.0], "numerator": [1.0], "denominator": [5.0], "target": [None],
                         "meets_target": [None]}, schema_overrides={"target": pl.Float64, "meets_target": pl.Boolean})
    assert attention.attention(rows, rows.clear()).is_empty()
