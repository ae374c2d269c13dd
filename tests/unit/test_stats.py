"""Known-answer tests for etl.stats against published worked examples.

Where no published number could be found (exact funnel limits, over-dispersion) the test says so and
checks against an independent computation: brute-force summation of the probability mass functions,
or a hand-worked example.
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from etl.stats import (
    BASELINE_PERIODS, funnel, funnel_curve, funnel_limits, overdispersion, p_chart, special_causes, xmr_chart,
)

# Montgomery, Introduction to Statistical Quality Control (6th ed., 2009), Example 7.1 (2nd ed., 1991,
# pp. 152-155): frozen orange juice cans, 30 samples of n = 50; nonconforming cans per sample. The same data
# ship with the R package qcc as `orangejuice`.
ORANGE_JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11,
                20, 18, 24, 15, 9, 12, 7, 13, 9, 6]
# Montgomery, Introduction to Statistical Quality Control, p. 242 (as cited in the qcc vignette below):
# viscosity of 15 batches, one measurement each.
VISCOSITY = [33.75, 33.05, 34.00, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.20, 33.62, 33.00, 33.54, 33.12,
             33.84]


def weekly(**columns) -> pl.DataFrame:
    periods = len(next(iter(columns.values())))
    return pl.DataFrame({"period_start": list(range(periods)), **columns})


# --- Control charts -------------------------------------------------------------------------------------------

def test_p_chart_orange_juice_trial_limits():
    """Montgomery, Introduction to Statistical Quality Control, 6th ed. (2009), Example 7.1 (orange juice cans).

    Published: p-bar = 347/1500 = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 (p = 0.44) and 23 (p = 0.48)
    plot above the UCL and are the only out-of-control points. qcc's vignette ("A quick tour of qcc",
    Scrucca) prints the same chart to more digits: centre 0.2313333, LCL 0.05242755, UCL 0.4102391.
    """
    chart = p_chart(weekly(numerator=ORANGE_JUICE, denominator=[50] * 30), baseline=30)

    assert chart["centre"][0] == pytest.approx(0.2313333, abs=1e-7)
    assert chart["lower"].unique().to_list() == [pytest.approx(0.05242755, abs=1e-8)]
    assert chart["upper"].unique().to_list() == [pytest.approx(0.4102391, abs=1e-7)]
    signals = chart.filter(pl.col("signal").is_not_null())
    assert (signals["period_start"] + 1).to_list() == [15, 23]
    assert signals["signal"].to_list() == ["outside", "outside"]


def test_p_chart_orange_juice_revised_limits():
    """Montgomery (2009), Example 7.1 continued: samples 15 and 23 have assignable causes and are dropped.

    Published revised limits: p-bar = 0.2150, UCL = 0.3893, LCL = 0.0407; the qcc vignette ("A quick tour
    of qcc", Scrucca 2018) prints 0.215, 0.04070284, 0.3892972.
    """
    kept = [d for sample, d in enumerate(ORANGE_JUICE, start=1) if sample not in (15, 23)]
    chart = p_chart(weekly(numerator=kept, denominator=[50] * 28), baseline=28)

    assert chart["centre"][0] == pytest.approx(0.2150, abs=1e-9)
    assert chart["lower"][0] == pytest.approx(0.04070284, abs=1e-8)
    assert chart["upper"][0] == pytest.approx(0.3892972, abs=1e-7)


def test_xmr_chart_viscosity():
    """Individuals chart of Montgomery's viscosity data (Introduction to Statistical Quality Control, p. 242).

    Published in L. Scrucca, "A quick tour of qcc" (qcc package vignette, 2018), xbar.one chart of these
    data: centre 33.52333, sigma = MR-bar / 1.128 = 0.4261651, LCL 32.24484, UCL 34.80183. qcc multiplies
    sigma by 3 (3 / 1.128 = 2.6596 MR-bar) where Wheeler's XmR uses 2.66, so our limits may differ from
    qcc's in the 4th decimal: MR-bar = 0.4807143, 2.66 MR-bar = 1.2787.
    """
    chart = xmr_chart(weekly(value=VISCOSITY), baseline=15)

    assert chart["centre"][0] == pytest.approx(33.52333, abs=1e-5)
    assert (chart["upper"][0] - chart["centre"][0]) / 2.66 / 1.128 == pytest.approx(0.4261651, abs=1e-4)
    assert chart["lower"][0] == pytest.approx(32.24484, abs=1e-3)
    assert chart["upper"][0] == pytest.approx(34.80183, abs=1e-3)
    assert chart["signal"].null_count() == 15  # in control


def test_limits_come_from_the_baseline_only():
    """12 baseline weeks at 10 % set the centre; a later step up to 30 % is judged against them, not absorbed."""
    chart = p_chart(weekly(numerator=[10] * 12 + [30] * 4, denominator=[100] * 16))

    assert chart["centre"].unique().to_list() == [pytest.approx(0.10)]
    assert chart["upper"][0] == pytest.approx(0.10 + 3 * math.sqrt(0.1 * 0.9 / 100))
    assert chart["signal"].to_list() == [None] * 12 + ["outside"] * 4


def test_fewer_periods_than_the_baseline_give_no_limits():
    p = p_chart(weekly(numerator=[5] * 11, denominator=[50] * 11))
    x = xmr_chart(weekly(value=[3.0] * (BASELINE_PERIODS - 1)))

    for chart in (p, x):
        assert chart.select(pl.col("centre", "lower", "upper", "signal").null_count()).row(0) == (11, 11, 11, 11)
    assert p["value"].to_list() == [0.1] * 11


def test_a_week_without_cases_is_not_part_of_the_baseline():
    chart = p_chart(weekly(numerator=[0] + [10] * 12, denominator=[0] + [100] * 12))

    assert chart["centre"][0] == pytest.approx(0.10)
    assert chart.row(0, named=True)["value"] is None and chart.row(0, named=True)["lower"] is None


def causes(values: list[float], *, centre: float = 0.0, limit: float = 3.0) -> list[str | None]:
    n = len(values)
    return special_causes(pl.Series(values, dtype=pl.Float64), pl.Series([centre] * n),
                          pl.Series([centre - limit] * n), pl.Series([centre + limit] * n)).to_list()


def test_special_causes_point_outside():
    assert causes([0.5, -3.5, 1.0, 3.1]) == [None, "outside", None, "outside"]


def test_special_causes_run_of_eight_is_flagged_from_its_eighth_point():
    assert causes([1.0] * 8) == [None] * 7 + ["run"]
    assert causes([-1.0] * 10) == [None] * 7 + ["run"] * 3


def test_special_causes_run_of_seven_is_not_flagged():
    assert causes([1.0] * 7 + [-1.0] * 7) == [None] * 14


def test_special_causes_runs_are_broken_by_the_centre_line_and_by_missing_values():
    assert causes([1.0] * 4 + [0.0] + [1.0] * 4) == [None] * 9
    assert causes([1.0] * 4 + [None] + [1.0] * 4) == [None] * 9


def test_special_causes_outside_wins_over_run():
    assert causes([1.0] * 7 + [4.0]) == [None] * 7 + ["outside"]


def test_special_causes_without_centre_is_null():
    values = pl.Series([9.0] * 10)
    nothing = pl.Series([None] * 10, dtype=pl.Float64)
    assert special_causes(values, nothing, nothing, nothing).to_list() == [None] * 10


# --- Funnel limits --------------------------------------------------------------------------------------------

def interpolated_quantile(pmf, tail: float) -> float:
    """Spiegelhalter (2005) appendix A.1.1, by summing the mass function term by term: r_p is the smallest
    count with F(r) >= p, and the limit count is r_p - (F(r_p) - p) / (F(r_p) - F(r_p - 1))."""
    below = 0.0
    for count in range(100_000):
        at = below + pmf(count)
        if at >= tail:
            return count - (at - tail) / (at - below)
        below = at
    raise AssertionError("quantile not reached")


@pytest.mark.parametrize(("pooled", "n"), [(0.2, 10), (0.2, 57), (0.05, 400), (0.9, 1000), (0.5, 3)])
def test_binomial_funnel_limits_match_brute_force(pooled, n):
    """No published table of exact binomial funnel limits was found; the interpolation formula is the one in
    Spiegelhalter (2005), Stat Med 24:1185-1202, appendix A.1.1 (also printed as SAS code in R. Wicklin,
    "Funnel plots for proportions", The DO Loop, 23 Nov 2011). Checked against binomial probabilities
    summed from math.comb, independent of scipy."""
    def pmf(k):
        return math.comb(n, k) * pooled ** k * (1 - pooled) ** (n - k) if k <= n else 0.0

    limits = funnel_limits(pooled, [n]).row(0, named=True)
    for name, tail in {"lower_95": 0.025, "upper_95": 0.975, "lower_998": 0.001, "upper_998": 0.999}.items():
        expected = min(max(interpolated_quantile(pmf, tail) / n, 0.0), 1.0)
        assert limits[name] == pytest.approx(expected, abs=1e-9), name


@pytest.mark.parametrize(("rate", "exposure"), [(0.2, 10), (0.05, 400), (3.5, 20)])
def test_poisson_funnel_limits_match_brute_force(rate, exposure):
    """Same interpolation for a Poisson count with mean rate x exposure (Spiegelhalter 2005, appendix A.1),
    checked against Poisson probabilities summed term by term."""
    mean = rate * exposure

    def pmf(k):
        return math.exp(k * math.log(mean) - mean - math.lgamma(k + 1))

    limits = funnel_limits(rate, [exposure], model="poisson").row(0, named=True)
    for name, tail in {"lower_95": 0.025, "upper_95": 0.975, "lower_998": 0.001, "upper_998": 0.999}.items():
        assert limits[name] == pytest.approx(max(interpolated_quantile(pmf, tail) / exposure, 0.0), abs=1e-9)


def test_large_denominators_approach_the_normal_limits():
    """Spiegelhalter (2005), section 3: for large n the limits approach theta +/- z_p sqrt(theta(1-theta)/n),
    with z = 1.96 for 95 % and 3.09 for 99.8 %."""
    pooled, n = 0.2, 200_000
    sd = math.sqrt(pooled * (1 - pooled) / n)
    limits = funnel_limits(pooled, [n]).row(0, named=True)

    assert (limits["upper_95"] - pooled) / sd == pytest.approx(1.96, abs=0.01)
    assert (pooled - limits["lower_95"]) / sd == pytest.approx(1.96, abs=0.01)
    assert (limits["upper_998"] - pooled) / sd == pytest.approx(3.09, abs=0.01)
    assert (pooled - limits["lower_998"]) / sd == pytest.approx(3.09, abs=0.01)


def test_overdispersion_widens_limits_by_root_phi():
    plain = funnel_limits(0.3, [500]).row(0, named=True)
    wide = funnel_limits(0.3, [500], phi=4.0).row(0, named=True)

    for name in ("lower_95", "upper_95", "lower_998", "upper_998"):
        assert wide[name] - 0.3 == pytest.approx(2 * (plain[name] - 0.3))


def test_limits_are_null_without_a_denominator_and_clipped_to_shares():
    limits = funnel_limits(0.02, [None, 0, 5])

    assert limits.row(0)[1:] == (None,) * 4 and limits.row(1)[1:] == (None,) * 4
    assert limits.row(2, named=True)["lower_998"] == 0.0


def test_funnel_curve_spans_past_the_largest_branch_and_narrows():
    """Interpolated exact limits still wobble slightly with the discreteness of the counts (Spiegelhalter 2005,
    appendix A.1.1), so the funnel narrows overall rather than at every step."""
    curve = funnel_curve(0.2, 1000)
    width = (curve["upper_998"] - curve["lower_998"]).to_list()

    assert curve["denominator"].min() == 1 and curve["denominator"].max() == 1100
    assert curve["denominator"].is_sorted() and curve.height > 50
    assert width[0] > width[len(width) // 2] > width[-1]
    assert max(later - earlier for earlier, later in zip(width, width[1:])) < 0.001
    assert curve.filter(pl.col("denominator") == 1100).row(0) == funnel_limits(0.2, [1100]).row(0)


# --- Over-dispersion and verdicts -----------------------------------------------------------------------------

def test_overdispersion_hand_worked_example():
    """No published phi with its inputs was found for Spiegelhalter's QSHC (2005) estimator; hand-worked instead.

    Ten branches of n = 100 around pooled 0.5 (SD 0.05), so z = (x - 50) / 5 with
    z = -6, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 8. Winsorising 10 % each end sets -6 to -1 and 8 to 2.5:
    sum of squares = 1 + 1 + 0.25 + 0 + 0.25 + 1 + 2.25 + 4 + 6.25 + 6.25 = 22.25, phi = 2.225.
    """
    z = np.array([-6, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 8])
    assert overdispersion(50 + 5 * z, [100] * 10, 0.5) == pytest.approx(2.225)


def test_overdispersion_is_one_for_binomial_noise_and_larger_for_spread_between_branches():
    rng = np.random.default_rng(7)
    sizes = rng.integers(200, 3000, size=40)
    noise = rng.binomial(sizes, 0.8)
    branch_rates = rng.beta(40, 10, size=40)  # true rates differ between branches around 0.8
    spread = rng.binomial(sizes, branch_rates)

    assert overdispersion(noise, sizes, noise.sum() / sizes.sum()) == 1.0
    assert overdispersion(spread, sizes, spread.sum() / sizes.sum()) > 2.0
    assert overdispersion([], [], 0.5) == 1.0
    assert overdispersion([0, 0], [10, 20], 0.0) == 1.0


def region(seed: int = 11) -> pl.DataFrame:
    """30 branches with binomial noise around 85 %, a planted bad branch and a tiny noisy one."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(300, 2000, size=30)
    frame = pl.DataFrame({"code": [f"B{i:02}" for i in range(30)], "numerator": rng.binomial(sizes, 0.85),
                          "denominator": sizes})
    extra = pl.DataFrame({"code": ["BAD", "TINY", "SHUT"], "numerator": [650, 2, 0], "denominator": [1000, 5, 0]})
    return pl.concat([frame, extra])


def test_funnel_verdicts_planted_bad_branch_and_tiny_branch():
    result = funnel(region(), higher_is_better=True)
    verdict = dict(zip(result["code"], result["verdict"]))

    assert verdict["BAD"] == "worse"
    assert verdict["TINY"] == "consistent"  # 40 % of 5 is noise, not news
    assert verdict["SHUT"] is None
    assert result["phi"][0] == 1.0  # binomial noise: no adjustment
    pooled = result["pooled"][0]
    sums = result.filter(pl.col("denominator") > 0).select(pl.col("numerator", "denominator").sum())
    assert pooled == pytest.approx(sums["numerator"][0] / sums["denominator"][0])
    bad = result.filter(pl.col("code") == "BAD").row(0, named=True)
    assert bad["rate"] == 0.65 and bad["outside_95"] is True
    assert bad["z"] == pytest.approx((0.65 - pooled) / math.sqrt(pooled * (1 - pooled) / 1000))


def test_higher_is_better_flips_worse_and_better():
    lower_is_better = funnel(region(), higher_is_better=False)
    verdict = dict(zip(lower_is_better["code"], lower_is_better["verdict"]))

    assert verdict["BAD"] == "better"
    assert verdict["TINY"] == "consistent"


def test_funnel_adjusts_automatically_only_when_most_branches_are_outside():
    rng = np.random.default_rng(3)
    sizes = rng.integers(1000, 5000, size=20)
    frame = pl.DataFrame({"code": [str(i) for i in range(20)], "numerator": rng.binomial(sizes, rng.beta(8, 2, 20)),
                          "denominator": sizes})

    exact = funnel(frame, higher_is_better=True, adjust_overdispersion=False)
    automatic = funnel(frame, higher_is_better=True)

    assert (exact["verdict"] != "consistent").sum() > 10
    assert automatic["phi"][0] > 1.0
    assert (automatic["verdict"] != "consistent").sum() < (exact["verdict"] != "consistent").sum()
    assert funnel(region(), higher_is_better=True, adjust_overdispersion=True)["phi"][0] == 1.0


def test_poisson_funnel_for_a_ratio_keeps_other_columns():
    """Hand-offs per visit: 180 / 430 = 0.42 pooled; C's 0.60 on 150 visits is 3.4 standard errors above it."""
    frame = pl.DataFrame({"code": ["A", "B", "C", "D"], "name": ["a", "b", "c", "d"], "numerator": [32, 50, 90, 8],
                          "denominator": [100, 150, 150, 30]})
    result = funnel(frame, model="poisson", higher_is_better=False)

    assert result["name"].to_list() == ["a", "b", "c", "d"]
    assert result["pooled"][0] == pytest.approx(180 / 430)
    assert result["verdict"].to_list() == ["consistent", "consistent", "worse", "consistent"]


def _weekly_shares(seed: int, weeks: int, spread: float) -> pl.DataFrame:
    """Weekly shares around 0.9 with n = 1000; `spread` adds week-to-week variation beyond binomial chance."""
    rng = np.random.default_rng(seed)
    n = np.full(weeks, 1000)
    p = np.clip(0.9 + rng.normal(0, spread, weeks), 0.5, 0.99)
    return pl.DataFrame({"period_start": [dt.date(2026, 1, 5) + dt.timedelta(weeks=i) for i in range(weeks)],
                         "numerator": rng.binomial(n, p).astype(float), "denominator": n.astype(float)})


def _sigma_z(classic: pl.DataFrame, laney: pl.DataFrame) -> float:
    return ((laney["upper"] - laney["centre"]) / (classic["upper"] - classic["centre"]))[0]


def test_laney_p_chart_matches_the_classic_one_for_binomial_data():
    """Laney (2002): with no variation beyond chance sigma_z is about 1 (an estimate from 11 moving
    ranges, so it scatters), and it is never taken below 1."""
    widths = [_sigma_z(p_chart(series), p_chart(series, laney=True))
              for series in (_weekly_shares(seed, 20, 0.0) for seed in range(8))]
    assert min(widths) == 1.0
    assert sum(widths) / len(widths) < 1.3


def test_laney_p_chart_widens_limits_for_overdispersed_weeks():
    """Weeks that differ by about ±3 points at n = 1000 put many points outside a classic p-chart; not Laney's."""
    classic_outside = laney_outside = 0
    for seed in range(5):
        series = _weekly_shares(seed, 26, 0.03)
        classic, laney = p_chart(series), p_chart(series, laney=True)
        assert _sigma_z(classic, laney) > 2
        classic_outside += (classic["signal"] == "outside").sum()
        laney_outside += (laney["signal"] == "outside").sum()
    assert classic_outside > 30 and laney_outside <= 3
