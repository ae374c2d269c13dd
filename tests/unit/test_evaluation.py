"""Fair evaluation on hand-built mart rows: league table, funnel verdicts, control charts, what changed."""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from etl import evaluation, stats
from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID

WEEKS = [dt.date(2026, 8, 3) + dt.timedelta(weeks=i) for i in range(15)]
BRANCHES = [f"B{i:02d}" for i in range(1, 11)]


def row(code, week, kpi, value, numerator=None, denominator=None, level="branch"):
    spec = KPI_BY_ID[kpi]
    meets = value >= spec.default_target if spec.higher_is_better else value <= spec.default_target
    return {"level": level, "code": code, "period_start": week, "kpi": kpi, "value": float(value),
            "numerator": None if numerator is None else float(numerator),
            "denominator": None if denominator is None else float(denominator),
            "target": float(spec.default_target), "meets_target": meets}


def marts(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={
        "level": pl.String, "code": pl.String, "period_start": pl.Date, "kpi": pl.String, "value": pl.Float64,
        "numerator": pl.Float64, "denominator": pl.Float64, "target": pl.Float64, "meets_target": pl.Boolean})


def noisy_region(seed: int, plant: dict | None = None) -> pl.DataFrame:
    """Ten steady branches over 15 weeks: a share (n ≈ 1000, p = 0.93) and a P90 wait (≈ 12 min, sd 1),
    with the region's pooled rows; `plant` = {(code, week index, kpi): new true value}."""
    rng = np.random.default_rng(seed)
    plant = plant or {}
    rows = []
    for week_index, week in enumerate(WEEKS):
        hits = tickets = 0
        for code in BRANCHES:
            n = int(rng.integers(800, 1200))
            p = plant.get((code, week_index, "wait_within_sop"), 0.93)
            x = int(rng.binomial(n, p))
            hits, tickets = hits + x, tickets + n
            rows.append(row(code, week, "wait_within_sop", x / n, x, n))
            p90 = plant.get((code, week_index, "wait_p90_min"), 12.0) + rng.normal(0, 1)
            rows.append(row(code, week, "wait_p90_min", p90))
        rows.append(row("R", week, "wait_within_sop", hits / tickets, hits, tickets, level="region"))
    return marts(rows)


def split(frame: pl.DataFrame, week_index: int):
    week, before = WEEKS[week_index], WEEKS[week_index - 1]
    return (frame.filter(pl.col("period_start") == week), frame.filter(pl.col("period_start") == before),
            frame.filter(pl.col("period_start") < before))


@pytest.mark.parametrize("seed", range(5))
def test_pure_noise_yields_no_change(seed):
    assert evaluation.changes(*split(noisy_region(seed), 14)).is_empty()


def test_a_planted_drop_is_found_with_its_streak():
    plant = {("B03", 13, "wait_within_sop"): 0.80, ("B03", 14, "wait_within_sop"): 0.70}
    found = evaluation.changes(*split(noisy_region(1, plant), 14))
    assert found.select("code", "kpi", "direction").rows() == [("B03", "wait_within_sop", "worse")]
    assert found["streak"][0] == 2  # below the 90 % target two weeks running
    assert found["before"][0] == pytest.approx(0.80, abs=0.04)
    assert found["p_value"][0] < evaluation.SIGNIFICANCE


def test_a_jump_in_a_percentile_is_judged_by_its_control_chart():
    found = evaluation.changes(*split(noisy_region(2, {("B07", 14, "wait_p90_min"): 22.0}), 14))
    assert found.select("code", "kpi", "direction").rows() == [("B07", "wait_p90_min", "worse")]


def test_a_significant_but_immaterial_change_is_left_out(monkeypatch):
    """n = 100 000 makes 93 % → 92 % significant; one point is not worth a regional head's time.

    A steady 93 % over a full lagged baseline, so that there is history to judge by: with no material
    threshold for shares the same change is reported, so materiality alone is what leaves it out. B02
    stays at 93 % so that the change is B01's own, not one most branches share (the region's line).
    """
    weeks = [WEEKS[0] + dt.timedelta(weeks=i) for i in range(stats.BASELINE_PERIODS + evaluation.BASELINE_LAG + 1)]
    hits = {("B01", weeks[-1]): 92_000}
    frame = marts([row(code, week, "wait_within_sop", hits.get((code, week), 93_000) / 100_000,
                       hits.get((code, week), 93_000), 100_000) for week in weeks for code in ("B01", "B02")])
    now, before = frame.filter(pl.col("period_start") == weeks[-1]), frame.filter(pl.col("period_start") == weeks[-2])
    history = frame.filter(pl.col("period_start") < weeks[-2])
    assert evaluation.changes(now, before, history).is_empty()
    monkeypatch.setitem(evaluation.MATERIAL, "share", 0.0)
    assert evaluation.changes(now, before, history).select("code", "kpi", "direction").rows() == [
        ("B01", "wait_within_sop", "worse")]


def test_a_change_most_branches_share_is_reported_once_for_the_region():
    plant = {(code, 14, "wait_within_sop"): 0.75 for code in BRANCHES[:8]}
    found = evaluation.changes(*split(noisy_region(3, plant), 14))
    assert found.select("code", "kpi", "direction", "branches_alike").rows() == [
        ("R", "wait_within_sop", "worse", 8)]


def test_worse_comes_before_better():
    plant = {("B02", 14, "wait_within_sop"): 0.99, ("B05", 14, "wait_within_sop"): 0.80}
    found = evaluation.changes(*split(noisy_region(4, plant), 14))
    assert found.select("code", "direction").rows() == [("B05", "worse"), ("B02", "better")]


def league_rows():
    """Eight branches, two weeks: C falls from first to last ranked; A misses the wait target and lies
    outside the funnel; the five unranked branches only make the region's pooled wait."""
    rows = []
    for week, index in ((WEEKS[0], {"A": 70.0, "B": 80.0, "C": 90.0}), (WEEKS[1], {"A": 75.0, "B": 80.0, "C": 60.0})):
        for code, value in index.items():
            rows.append(row(code, week, COMPLIANCE_INDEX, value))
        rows.append(row("A", week, "wait_within_sop", 0.85, 850, 1000))
        for code in ("B", "C", "D", "E", "F", "G", "H"):
            rows.append(row(code, week, "wait_within_sop", 0.93, 930, 1000))
    return marts(rows)


def test_league_table_ranks_with_change_and_rank_change():
    frame = league_rows()
    table = evaluation.league_table(frame.filter(pl.col("period_start") == WEEKS[1]),
                                    frame.filter(pl.col("period_start") == WEEKS[0]))
    assert table.select("code", "rank", "change", "rank_change").rows() == [
        ("B", 1, 0.0, 1), ("A", 2, 5.0, 1), ("C", 3, -30.0, -2)]
    by_code = {r["code"]: r for r in table.iter_rows(named=True)}
    assert by_code["A"]["missed"] == ["wait_within_sop"]
    assert by_code["A"]["worse"] == ["wait_within_sop"]
    assert by_code["C"]["missed"] == [] and by_code["C"]["worse"] == []


def test_funnel_keeps_a_small_noisy_branch_inside_and_flags_a_large_bad_one():
    week = WEEKS[0]
    rows = [row(f"B{i}", week, "wait_within_sop", 0.93, 930, 1000) for i in range(8)]
    rows.append(row("SMALL", week, "wait_within_sop", 0.80, 8, 10))  # 2 of 10 late: noise at this size
    rows.append(row("BIG", week, "wait_within_sop", 0.85, 850, 1000))
    judged = evaluation.funnel_kpi(marts(rows), "wait_within_sop")
    verdict = dict(judged.select("code", "verdict").iter_rows())
    assert verdict["SMALL"] == "consistent"
    assert verdict["BIG"] == "worse"
    assert {verdict[f"B{i}"] for i in range(8)} == {"consistent"}


def test_funnel_values_are_on_the_kpis_own_scale():
    week = WEEKS[0]
    rows = [row(f"B{i}", week, "complaint_rate_per_1000", 5.0, 5, 1000) for i in range(4)]
    judged = evaluation.funnel_kpi(marts(rows), "complaint_rate_per_1000")
    assert judged["rate"].to_list() == pytest.approx([5.0] * 4)
    assert judged["pooled"][0] == pytest.approx(5.0)
    curve = evaluation.funnel_curve(judged, "complaint_rate_per_1000")
    assert (curve["upper_998"] > 5.0).all() and curve["denominator"].max() == pytest.approx(1100)


def test_control_chart_is_a_p_chart_for_shares_and_xmr_otherwise():
    frame = noisy_region(5, {("B01", 14, "wait_within_sop"): 0.80, ("B01", 14, "wait_p90_min"): 25.0})
    series = frame.filter(pl.col("code") == "B01")
    share = evaluation.control_chart(series, "wait_within_sop")
    assert share["centre"][0] == pytest.approx(0.93, abs=0.01)
    assert share["signal"][-1] == "outside"
    assert share["lower"].n_unique() > 1  # p-chart limits follow each week's denominator
    p90 = evaluation.control_chart(series, "wait_p90_min")
    assert p90["lower"].drop_nulls().n_unique() == 1  # XmR limits are constant
    assert p90["signal"][-1] == "outside"
