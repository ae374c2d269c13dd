"""What the weekly meeting must discuss: branch KPIs below target and really worse than the region or than usual.

Pure functions over KPI-mart rows, on top of the evaluation's verdicts (etl/evaluation.py): the funnel for the
region, the control chart for the branch's own past, and the brief's false discovery rate over the lot.
"""
from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy.stats import binom, norm, poisson

from etl import stats
from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID, KPIS
from etl.evaluation import BASELINE_LAG, FUNNEL_KPIS, FUNNEL_MODEL, discoveries, funnel_kpi, streaks

PERSISTS_PERIODS = 2  # missed this many periods running, and unusual: a standing item of the meeting
ATTENTION_SCHEMA = {
    "code": pl.String, "kpi": pl.String, "value": pl.Float64, "target": pl.Float64, "region": pl.Float64,
    "usual": pl.Float64, "worse_than_region": pl.Boolean, "worse_than_usual": pl.Boolean, "streak": pl.Int64,
    "strength": pl.Float64,
}


def attention(now: pl.DataFrame, history: pl.DataFrame, funnels: dict[str, pl.DataFrame] | None = None) -> pl.DataFrame:
    """Branch KPIs the meeting must discuss this period, worst first: below target and significantly worse
    than the region or than the branch's own usual level.

    now: the period's branch rows; history: the same branches' earlier rows. Two questions, each with the
    verdict the evaluation page draws for it:
    - than the region: outside the 99.8 % funnel on the bad side (`verdicts`, rate KPIs);
    - than usual: outside the control-chart limits of the branch's frozen 12-period baseline, on the bad side
      (`own_past`), and off target PERSISTS_PERIODS periods running: one bad week is the brief's news.
    The page looks at one KPI at a time; this list looks at some 400 comparisons at once (every branch and
    KPI, both questions), where 99.8 % limits alone would flag a few small offices every week by chance. So
    a verdict counts here only when it also holds the 1 % false discovery rate the brief holds (`changes`):
    one rule for news across the region. No week-on-week step is needed: a slide that has run for six weeks
    stays on the list until it is fixed. `streak` counts the periods missed in a row; `strength` orders the
    list: both verdicts before one, then the stronger evidence (in standard deviations). `funnels` are the
    period's `funnel_kpi` frames per rate KPI when the caller has them already (`period_funnels`).
    """
    # The KPIs with targets only: the marts also hold the day signals (etl.catalogue.DAY_SIGNALS), which no
    # target or funnel judges.
    judged = pl.col("kpi").is_in([k.id for k in KPIS if k.id != COMPLIANCE_INDEX])
    branches = now.filter((pl.col("level") == "branch") & judged)
    if branches.is_empty():
        return pl.DataFrame(schema=ATTENTION_SCHEMA)
    funnels = funnels if funnels is not None else period_funnels(branches)
    peers = pl.concat([_funnel_tail(funnels[kpi], kpi) for kpi in FUNNEL_KPIS])
    usual = own_past(branches, history.filter(judged))
    tests = pl.concat([peers.select("code", "kpi", pl.lit("found_by_region").alias("test"), "p_value"),
                       usual.select("code", "kpi", pl.lit("found_by_usual").alias("test"), "p_value")])
    tests = tests.with_columns(discoveries(pl.col("p_value")).alias("discovered")).pivot(
        "test", index=["code", "kpi"], values="discovered")
    pooled = peers.group_by("kpi").agg(pl.col("region").first())
    missed = streaks(pl.concat([history, now], how="diagonal"))
    found = (branches.select("code", "kpi", "value", "target", "meets_target")
             .join(peers, on=["code", "kpi"], how="left").join(usual, on=["code", "kpi"], how="left")
             .join(tests, on=["code", "kpi"], how="left").join(pooled, on="kpi", how="left")
             .join(missed, on=["code", "kpi"], how="left")
             .with_columns((pl.col("verdict") & pl.col("found_by_region")).fill_null(False).alias("worse_than_region"),
                           (pl.col("outside") & pl.col("found_by_usual")).fill_null(False).alias("worse_than_usual"),
                           pl.col("streak").fill_null(0))
             .filter((pl.col("meets_target") == False)  # noqa: E712 (a KPI without a target is not listed)
                     & (pl.col("worse_than_region")
                        | (pl.col("worse_than_usual") & (pl.col("streak") >= PERSISTS_PERIODS)))))
    evidence = pl.max_horizontal(pl.col("region_z").fill_null(0), pl.col("usual_z").fill_null(0))
    strength = ((pl.col("worse_than_region").cast(pl.Float64) + pl.col("worse_than_usual").cast(pl.Float64)) * 100
                + evidence.clip(upper_bound=50))
    return (found.with_columns(strength.alias("strength"))
            .sort("strength", "code", descending=[True, False]).select(list(ATTENTION_SCHEMA)).cast(ATTENTION_SCHEMA))


def period_funnels(branches: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every rate KPI's funnel over one period's branch rows (the slow part: exact limits per branch)."""
    return {kpi: funnel_kpi(branches, kpi) for kpi in FUNNEL_KPIS}


def _funnel_tail(judged: pl.DataFrame, kpi: str) -> pl.DataFrame:
    """The funnel's verdict with the chance of a branch this far on the bad side if it were like the region.

    Exact binomial or Poisson tails, on the effective sample (n / phi) when the funnel is widened for
    over-dispersion: a normal z would make two late priority visitors out of twenty look like a scandal.
    """
    spec = KPI_BY_ID[kpi]
    rows = judged.filter(pl.col("rate").is_not_null())
    if rows.is_empty():
        return pl.DataFrame(schema={"code": pl.String, "kpi": pl.String, "verdict": pl.Boolean,
                                    "region_z": pl.Float64, "region": pl.Float64, "p_value": pl.Float64})
    phi = rows["phi"].to_numpy()
    x, n = rows["numerator"].to_numpy() / phi, rows["denominator"].to_numpy() / phi
    pooled = rows["pooled"].to_numpy() / spec.scale
    if FUNNEL_MODEL[spec.unit] == "binomial":
        low, high = binom.cdf(np.round(x), np.round(n), pooled), binom.sf(np.round(x) - 1, np.round(n), pooled)
    else:
        low, high = poisson.cdf(np.round(x), n * pooled), poisson.sf(np.round(x) - 1, n * pooled)
    return rows.select(
        "code", pl.lit(kpi).alias("kpi"), (pl.col("verdict") == "worse").alias("verdict"),
        (pl.col("z").abs()).alias("region_z"), pl.col("pooled").alias("region"),
        pl.Series("p_value", low if spec.higher_is_better else high, dtype=pl.Float64))


def own_past(now: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Per code × KPI of `now`: the control chart's verdict on the period's point against the code's usual level.

    The chart is the evaluation page's (`control_chart`, the same limits, computed here for every code × KPI at
    once): limits from the 12 periods that end BASELINE_LAG before the period (a frozen baseline: the weeks
    being judged must not set their own limits). Adds usual (the centre line), usual_z (baseline sigmas from
    usual, positive on the bad side), outside (beyond the limit on the bad side) and p_value (`_usual_tail`).
    Fewer than 12 earlier periods with a value: no limits, no verdict (the page's chart would judge the point
    against a baseline that holds it).
    """
    keys = ["code", "kpi"]
    share = pl.col("kpi").replace_strict({k.id: k.unit == "share" for k in KPIS}, return_dtype=pl.Boolean)
    observed = pl.when(share).then(pl.col("numerator").is_not_null() & (pl.col("denominator").fill_null(0) > 0)) \
        .otherwise(pl.col("value").is_not_null())
    past = (history.join(now.select(keys), on=keys, how="semi").sort("period_start")
            .group_by(keys, maintain_order=True).tail(stats.BASELINE_PERIODS + BASELINE_LAG)
            .filter(observed).group_by(keys, maintain_order=True).head(stats.BASELINE_PERIODS))
    rate = pl.col("numerator") / pl.col("denominator")
    pooled = (pl.col("numerator").sum() / pl.col("denominator").sum()).over(keys)
    z = (rate - pooled) / (pooled * (1 - pooled) / pl.col("denominator")).sqrt()
    baseline = past.with_columns(pooled.alias("pooled"), z.alias("z")).group_by(keys).agg(
        pl.len().alias("periods"), share.first().alias("share"),
        pl.col("pooled").first(), pl.col("value").mean().alias("mean"),
        (pl.col("value").diff().abs().mean() * stats.XMR_SCALE).alias("xmr_spread"),
        (pl.col("z").diff().abs().mean() / stats.MEAN_MOVING_RANGE).alias("laney"))
    sigma_z = pl.when((pl.col("pooled") > 0) & (pl.col("pooled") < 1)).then(pl.col("laney").clip(lower_bound=1.0)) \
        .otherwise(1.0)
    p_spread = 3 * sigma_z * (pl.col("pooled") * (1 - pl.col("pooled")) / pl.col("denominator")).sqrt()
    charted = now.select(*keys, "value", "numerator", "denominator").join(baseline, on=keys, how="left").with_columns(
        pl.when(pl.col("periods") < stats.BASELINE_PERIODS).then(None)
        .when(pl.col("share")).then(pl.col("pooled")).otherwise(pl.col("mean")).alias("usual"),
        pl.when(pl.col("share")).then((pl.col("pooled") - p_spread).clip(0.0, 1.0))
        .otherwise(pl.col("mean") - pl.col("xmr_spread")).alias("lower"),
        pl.when(pl.col("share")).then((pl.col("pooled") + p_spread).clip(0.0, 1.0))
        .otherwise(pl.col("mean") + pl.col("xmr_spread")).alias("upper"))
    higher_better = pl.col("kpi").replace_strict({k.id: k.higher_is_better for k in KPIS}, return_dtype=pl.Boolean)
    limit = pl.when(higher_better).then(pl.col("lower")).otherwise(pl.col("upper"))
    sigma = (pl.col("usual") - limit).abs() / 3
    judged = charted.with_columns(
        pl.when(sigma > 0).then((pl.col("usual") - pl.col("value")) * pl.when(higher_better).then(1).otherwise(-1)
                                / sigma).alias("usual_z"),
        pl.when(pl.col("usual").is_not_null() & pl.col("value").is_not_null())
        .then(pl.when(higher_better).then(pl.col("value") < limit).otherwise(pl.col("value") > limit))
        .alias("outside"),
        sigma.alias("sigma"), pl.col("usual").alias("centre"))
    tails = [_usual_tail(row, row["kpi"], row["sigma"], row["usual_z"]) for row in judged.iter_rows(named=True)]
    return judged.select(*keys, "usual", "usual_z", "outside", pl.Series("p_value", tails, dtype=pl.Float64))


def _usual_tail(point: dict, kpi: str, sigma: float, usual_z: float | None) -> float | None:
    """The chance of a point this far on the bad side of usual: for a share, the exact binomial tail on the
    sample a branch this noisy is worth (n / sigma_z^2, sigma_z from the chart's own width), since ten
    unresolved visits out of a hundred at a small office are far likelier than a normal curve says; for
    medians and counts, the normal tail of the XmR chart."""
    if usual_z is None:
        return None
    centre, n = point["centre"], point.get("denominator")
    if KPI_BY_ID[kpi].unit != "share" or not n or not 0 < centre < 1:
        return float(norm.sf(usual_z))
    sigma_z = max(1.0, sigma / math.sqrt(centre * (1 - centre) / n))
    n_eff, x_eff = round(n / sigma_z ** 2), round(point["numerator"] / sigma_z ** 2)
    if KPI_BY_ID[kpi].higher_is_better:
        return float(binom.cdf(x_eff, n_eff, centre))
    return float(binom.sf(x_eff - 1, n_eff, centre))
