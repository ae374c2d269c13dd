"""Statistics for fair comparison: funnel plots, control charts and period-over-period tests.

Pure functions on polars frames for the evaluation pages (spec: kpis.md, "Fair comparison").
Funnel plots follow Spiegelhalter (2005), "Funnel plots for comparing institutional performance",
Stat Med 24:1185-1202, and "Handling over-dispersion of performance indicators", Qual Saf Health
Care 14:347-351. Control charts follow Montgomery, Introduction to Statistical Quality Control
(p-chart) and Wheeler, Understanding Variation (XmR chart).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy.stats import binom, poisson
from scipy.stats.mstats import winsorize

BASELINE_PERIODS = 12
MODELS = ("binomial", "poisson")
# Tail probability of each funnel limit: two-sided 95 % and 99.8 %.
TAILS = {"lower_95": 0.025, "upper_95": 0.975, "lower_998": 0.001, "upper_998": 0.999}
MEAN_MOVING_RANGE = 1.128  # d2: the mean |difference| of two standard normal draws
MEDIAN_MOVING_RANGE = 0.954  # and their median |difference|
XMR_SCALE = 2.66  # Wheeler's rounding of 3 / MEAN_MOVING_RANGE


def funnel_limits(
    pooled: float, denominators: Sequence[float] | pl.Series, *, model: str = "binomial", phi: float = 1.0
) -> pl.DataFrame:
    """95 % and 99.8 % limits on the rate scale (count / denominator) around `pooled`, per denominator.

    Exact limits (Spiegelhalter 2005, appendix A.1.1): r_p is the p-quantile of the count, and the step
    from r_p - 1 to r_p is interpolated so the funnel is smooth: limit = (r_p - a) / n with
    a = (F(r_p) - p) / (F(r_p) - F(r_p - 1)). "binomial" for shares (denominators are counts, rounded to
    whole numbers), "poisson" for counts over an exposure. phi > 1 widens every limit by sqrt(phi)
    around the pooled rate. Clipped to [0, 1] (shares) or at 0; no denominator, null limits.
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, not {model!r}")
    denominator = pl.Series("denominator", denominators, dtype=pl.Float64)
    size = denominator.fill_null(0).to_numpy()
    if model == "binomial":
        size = np.round(size)
    has_data = size > 0
    columns = [denominator]
    for name, tail in TAILS.items():
        limit = np.full(size.shape, np.nan)
        limit[has_data] = _exact_limit(pooled, size[has_data], tail, model)
        widened = np.clip(pooled + math.sqrt(phi) * (limit - pooled), 0.0, 1.0 if model == "binomial" else np.inf)
        columns.append(pl.Series(name, widened).fill_nan(None))
    return pl.DataFrame(columns)


def _exact_limit(pooled: float, size: np.ndarray, tail: float, model: str) -> np.ndarray:
    # The distributions' functions called directly, not frozen: a week's funnels call this some 300 times.
    if model == "binomial":
        quantile = binom.ppf(tail, size, pooled)
        at, below = binom.cdf(quantile, size, pooled), binom.cdf(quantile - 1, size, pooled)
    else:
        quantile = poisson.ppf(tail, size * pooled)
        at, below = poisson.cdf(quantile, size * pooled), poisson.cdf(quantile - 1, size * pooled)
    return (quantile - (at - tail) / (at - below)) / size


def overdispersion(
    numerators: Sequence[float] | pl.Series, denominators: Sequence[float] | pl.Series, pooled: float, *,
    model: str = "binomial", winsor: float = 0.10,
) -> float:
    """Multiplicative over-dispersion phi = (1/n) * sum(z_w^2) (Spiegelhalter 2005, QSHC).

    z are the branches' standardised differences from `pooled`; z_w winsorises `winsor` of them at each
    end (scipy's winsorize: the k = floor(winsor * n) most extreme are set to the next value in), so
    that a few genuinely different branches do not pass for general over-dispersion. Returns 1.0 when
    phi <= 1 (no more spread than chance), or when it cannot be estimated (no data, pooled rate 0 or 1).
    """
    z = _z_scores(numerators, denominators, pooled, model)
    z = z[np.isfinite(z)]
    if z.size == 0:
        return 1.0
    return max(float(np.mean(np.asarray(winsorize(z, limits=(winsor, winsor))) ** 2)), 1.0)


def _variance(pooled: float, model: str) -> float:
    """Variance of one unit of denominator under the null: p(1-p) for a share, the rate for a Poisson count."""
    return pooled * (1 - pooled) if model == "binomial" else pooled


def _z_scores(numerators, denominators, pooled: float, model: str) -> np.ndarray:
    x, n = (pl.Series(values, dtype=pl.Float64).to_numpy() for values in (numerators, denominators))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, (x / n - pooled) / np.sqrt(_variance(pooled, model) / n), np.nan)


def funnel(
    frame: pl.DataFrame, *, higher_is_better: bool, model: str = "binomial",
    adjust_overdispersion: bool | None = None,
) -> pl.DataFrame:
    """Each branch (code, numerator, denominator) against the pooled rate of all branches in `frame`.

    Adds rate, pooled, z (over-dispersion adjusted: z / sqrt(phi)), phi, the four limits, outside_95 and
    verdict: "worse" / "better" when outside the 99.8 % limits on the bad / good side, else "consistent".
    A branch with no denominator keeps its row with null rate, limits and verdict.

    adjust_overdispersion None decides from the data: adjust only when more than half of the branches
    fall outside the unadjusted 99.8 % limits. Then the binomial/Poisson model plainly does not describe
    how branches differ (case mix, staffing), and flagging most of them says nothing. With fewer
    outliers we keep the exact limits: a region has few branches, phi is poorly estimated from them, and
    widening the funnel on that estimate would hide the one branch that is genuinely behind.
    """
    has_data = pl.col("numerator").is_not_null() & (pl.col("denominator").fill_null(0) > 0)
    rows = frame.filter(has_data)
    if rows.is_empty():
        pooled = phi = None
        limits = pl.DataFrame(schema=dict.fromkeys(TAILS, pl.Float64)).clear(frame.height)
    else:
        pooled = rows["numerator"].sum() / rows["denominator"].sum()
        if adjust_overdispersion is None:
            adjust_overdispersion = _share_outside(rows, pooled, model) > 0.5
        phi = overdispersion(rows["numerator"], rows["denominator"], pooled, model=model) \
            if adjust_overdispersion else 1.0
        limits = funnel_limits(pooled, frame["denominator"], model=model, phi=phi).drop("denominator")
    rate, variance = pl.col("rate"), _variance(pooled or 0.0, model)
    below, above = rate < pl.col("lower_998"), rate > pl.col("upper_998")
    worse, better = (below, above) if higher_is_better else (above, below)
    return (
        frame.with_columns(
            pl.when(has_data).then(pl.col("numerator") / pl.col("denominator")).alias("rate"),
            pl.lit(pooled, dtype=pl.Float64).alias("pooled"),
            pl.lit(phi, dtype=pl.Float64).alias("phi"),
        )
        .with_columns(limits)
        .with_columns(
            pl.when(has_data & (variance > 0))
            .then((rate - pl.col("pooled")) / (pl.col("phi") * variance / pl.col("denominator")).sqrt()).alias("z"),
            pl.when(~has_data).then(None).when(worse).then(pl.lit("worse")).when(better).then(pl.lit("better"))
            .otherwise(pl.lit("consistent")).alias("verdict"),
            pl.when(has_data).then((rate < pl.col("lower_95")) | (rate > pl.col("upper_95"))).alias("outside_95"),
        )
    )


def _share_outside(rows: pl.DataFrame, pooled: float, model: str) -> float:
    limits = funnel_limits(pooled, rows["denominator"], model=model)
    rate = rows["numerator"] / rows["denominator"]
    return ((rate < limits["lower_998"]) | (rate > limits["upper_998"])).mean()


def funnel_curve(
    pooled: float, max_denominator: float, *, model: str = "binomial", phi: float = 1.0, points: int = 120
) -> pl.DataFrame:
    """Bands for drawing: funnel_limits over `points` denominators spaced on a log scale up to 110 % of the largest."""
    top = max_denominator * 1.1
    grid = np.geomspace(min(1.0, top), top, points) if top > 0 else np.empty(0)
    if model == "binomial":  # counts: whole numbers from 1 up
        grid = np.unique(np.maximum(np.round(grid), 1.0))
    return funnel_limits(pooled, grid, model=model, phi=phi)


def p_chart(series: pl.DataFrame, *, baseline: int = BASELINE_PERIODS, laney: bool = False) -> pl.DataFrame:
    """p-chart over periods (period_start, numerator, denominator), sorted by period_start.

    The centre p is pooled over the first `baseline` periods with cases, so the limits say what was normal
    before the weeks being judged; point i gets p +/- 3 sigma_z sqrt(p(1-p)/n_i), clipped to [0, 1].
    sigma_z is 1 for the classic chart (Montgomery). With `laney`, sigma_z is the spread of the baseline's
    z-scores, mean moving range / 1.128 (Laney 2002, "Improved control charts for attributes", Quality
    Engineering 14:531-537), never below 1: with a thousand tickets a week the binomial limits are so
    narrow that ordinary week-to-week variation would put nearly every point outside them. Adds value,
    centre, lower, upper and signal (special_causes). With fewer than `baseline` periods there is not
    enough history to say what normal is: centre, limits and signal are null.
    """
    observed = pl.col("numerator").is_not_null() & (pl.col("denominator").fill_null(0) > 0)
    charted = series.with_columns(pl.when(observed).then(pl.col("numerator") / pl.col("denominator")).alias("value"))
    history = charted.filter(observed).head(baseline)
    if history.height < baseline:
        return _without_limits(charted)
    centre = history["numerator"].sum() / history["denominator"].sum()
    sigma_z = 1.0
    if laney and 0 < centre < 1:
        z = (pl.col("value") - centre) / (centre * (1 - centre) / pl.col("denominator")).sqrt()
        sigma_z = history.select(laney_sigma_z(z)).item()
    spread = 3 * sigma_z * (centre * (1 - centre) / pl.col("denominator")).sqrt()
    return _with_signal(charted.with_columns(
        pl.lit(centre, dtype=pl.Float64).alias("centre"),
        pl.when(observed).then((centre - spread).clip(0.0, 1.0)).alias("lower"),
        pl.when(observed).then((centre + spread).clip(0.0, 1.0)).alias("upper"),
    ))


def laney_sigma_z(z: pl.Expr, *, robust: bool = False) -> pl.Expr:
    """Laney's sigma_z from consecutive z-scores, never below 1: the mean moving range / 1.128, or with
    `robust` the median moving range / 0.954 (Wheeler), which a few incidents in the baseline do not widen."""
    moving_range = z.diff().abs()
    spread = moving_range.median() / MEDIAN_MOVING_RANGE if robust else moving_range.mean() / MEAN_MOVING_RANGE
    return spread.clip(lower_bound=1.0)


def xmr_chart(series: pl.DataFrame, *, baseline: int = BASELINE_PERIODS) -> pl.DataFrame:
    """Individuals (XmR) chart over periods (period_start, value), sorted by period_start.

    From the first `baseline` values: centre = their mean, MR-bar = mean absolute difference between
    consecutive ones, limits = centre +/- 2.66 MR-bar (not clipped). Same output columns as p_chart,
    and the same null limits with fewer than `baseline` values.
    """
    history = series["value"].cast(pl.Float64).drop_nulls().head(baseline)
    if history.len() < baseline:
        return _without_limits(series)
    centre = history.mean()
    spread = XMR_SCALE * history.diff().abs().mean()
    return _with_signal(series.with_columns(
        pl.lit(centre, dtype=pl.Float64).alias("centre"),
        pl.lit(centre - spread, dtype=pl.Float64).alias("lower"),
        pl.lit(centre + spread, dtype=pl.Float64).alias("upper"),
    ))


def _without_limits(charted: pl.DataFrame) -> pl.DataFrame:
    return charted.with_columns(
        *(pl.lit(None, dtype=pl.Float64).alias(name) for name in ("centre", "lower", "upper")),
        pl.lit(None, dtype=pl.String).alias("signal"),
    )


def _with_signal(charted: pl.DataFrame) -> pl.DataFrame:
    return charted.with_columns(
        special_causes(charted["value"], charted["centre"], charted["lower"], charted["upper"]).alias("signal")
    )


def special_causes(
    value: pl.Series, centre: pl.Series, lower: pl.Series, upper: pl.Series, *, run: int = 8
) -> pl.Series:
    """Per point: "outside" beyond a limit; "run" for the `run`-th and later points of an unbroken run on one
    side of the centre line; else null.

    A run is flagged from its `run`-th point on, not back to its first: the signal exists only once that
    point arrives, and a week already reported as normal keeps its verdict. A point on the centre line,
    or a period without a value, breaks a run. No centre (not enough history): null.
    """
    points = pl.DataFrame({"value": value, "centre": centre, "lower": lower, "upper": upper}).cast(pl.Float64)
    side = (pl.col("value") - pl.col("centre")).sign().fill_null(0)
    run_id = (side != side.shift()).fill_null(True).cum_sum()
    position = pl.int_range(1, pl.len() + 1).over(run_id)
    signal = (
        pl.when(pl.col("value").is_null() | pl.col("centre").is_null()).then(pl.lit(None, dtype=pl.String))
        .when((pl.col("value") > pl.col("upper")) | (pl.col("value") < pl.col("lower"))).then(pl.lit("outside"))
        .when((side != 0) & (position >= run)).then(pl.lit("run"))
    )
    return points.select(signal.alias("signal")).to_series()
