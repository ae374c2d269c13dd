"""Fair evaluation of branches: league table, funnel verdicts, control charts and what changed.

Pure functions over KPI-mart rows (level, code, period_start, kpi, value, numerator, denominator,
target, meets_target); the statistics live in etl/stats.py, the method in spec/kpis.md
("Fair comparison"). A red zone alone is not a verdict: a branch is "worse" only when it falls
outside the 99.8 % funnel limit, and a change is news only when it is both significant and material.
"""
from __future__ import annotations


import numpy as np
import polars as pl
from scipy.stats import binom, norm
from scipy.stats import t as student_t

from etl import stats
from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID, KPIS

# Counts over an exposure (hand-offs per visit, complaints per service) are Poisson, shares binomial.
FUNNEL_MODEL = {"share": "binomial", "ratio": "poisson", "per_1000": "poisson"}
FUNNEL_KPIS: tuple[str, ...] = tuple(k.id for k in KPIS if k.is_rate)
SIGNIFICANCE = 0.01  # 99 % (spec: "What changed"), held as a false discovery rate over the period's tests
# The smallest change a regional head would act on, per unit; smaller significant changes are left out.
MATERIAL = {"share": 0.05, "ratio": 0.05, "per_1000": 2.0, "minutes": 3.0, "working_days": 1.0, "count": 3.0}
BRIEF_LENGTH = 10
ATTAINMENT_CAP = 1.5  # a sparkline's ceiling: far better than target reads as "well above", not as a spike
BASELINE_LAG = 4
CHANGE_SCHEMA = {
    "level": pl.String, "code": pl.String, "kpi": pl.String, "before": pl.Float64, "value": pl.Float64,
    "target": pl.Float64, "meets_target": pl.Boolean, "direction": pl.String, "p_value": pl.Float64,
    "streak": pl.Int64, "branches_alike": pl.Int64, "importance": pl.Float64,
}


def target_attainment() -> pl.Expr:
    """Each mart row's value against its target, as a share where 1 is the target and more is better whatever
    the KPI's direction (value/target, or target/value for lower-is-better), between 0 and ATTAINMENT_CAP.

    One scale for every KPI, so that a report card's sparklines compare: a line under 1 misses its target."""
    higher = pl.col("kpi").replace_strict({k.id: k.higher_is_better for k in KPIS}, return_dtype=pl.Boolean)
    value, target = pl.col("value"), pl.col("target")
    better_part, worse_part = pl.when(higher).then(value).otherwise(target), pl.when(higher).then(target).otherwise(value)
    ratio = (pl.when(worse_part == 0).then(pl.when(better_part >= 0).then(ATTAINMENT_CAP))
             .otherwise(better_part / worse_part))
    return ratio.clip(0, ATTAINMENT_CAP)


def funnel_kpi(rows: pl.DataFrame, kpi: str) -> pl.DataFrame:
    """Branches of one period on one rate KPI against their pooled rate, on the KPI's own scale.

    rows: branch-level mart rows (code, numerator, denominator, …); every other column passes through.
    Adds rate, pooled, the four limits (all × the KPI's scale), z and verdict (worse/better/consistent).
    """
    spec = KPI_BY_ID[kpi]
    judged = stats.funnel(rows.filter(pl.col("kpi") == kpi), higher_is_better=spec.higher_is_better,
                          model=FUNNEL_MODEL[spec.unit])
    scaled = ("rate", "pooled", "lower_95", "upper_95", "lower_998", "upper_998")
    return judged.with_columns(pl.col(c) * spec.scale for c in scaled)


def funnel_curve(judged: pl.DataFrame, kpi: str) -> pl.DataFrame:
    """Smooth 95 % and 99.8 % bands for drawing the funnel of `funnel_kpi`'s result."""
    spec = KPI_BY_ID[kpi]
    if judged["pooled"].drop_nulls().is_empty():
        return stats.funnel_limits(0.0, [])
    curve = stats.funnel_curve(judged["pooled"].drop_nulls()[0] / spec.scale, judged["denominator"].max(),
                               model=FUNNEL_MODEL[spec.unit], phi=judged["phi"].drop_nulls()[0])
    return curve.with_columns(pl.exclude("denominator") * spec.scale)


def verdicts(rows: pl.DataFrame) -> pl.DataFrame:
    """code, kpi, verdict and z for every rate KPI in one period's branch rows."""
    judged = [funnel_kpi(rows, kpi).select("code", "kpi", "verdict", "z") for kpi in FUNNEL_KPIS]
    return pl.concat(judged).drop_nulls("verdict")


def league_table(now: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    """Branches ranked by SOP compliance index, with change and rank change against the previous period.

    now / before: branch-level mart rows of one period each. Adds the KPIs each branch missed and the
    ones where it is significantly worse or better than the region (funnel verdicts), as lists.
    """
    ranked = _ranked(now).join(_ranked(before).select("code", pl.col("index").alias("index_before"),
                                                     pl.col("rank").alias("rank_before")), on="code", how="left")
    order = {k.id: i for i, k in enumerate(KPIS)}
    missed = now.filter((pl.col("kpi") != COMPLIANCE_INDEX) & (pl.col("meets_target") == False))  # noqa: E712
    judged = verdicts(now)
    listed = [
        _kpi_list(missed, "missed", order),
        _kpi_list(judged.filter(pl.col("verdict") == "worse"), "worse", order),
        _kpi_list(judged.filter(pl.col("verdict") == "better"), "better", order),
    ]
    for kpis in listed:
        ranked = ranked.join(kpis, on="code", how="left")
    return ranked.with_columns(
        (pl.col("index") - pl.col("index_before")).alias("change"),
        (pl.col("rank_before") - pl.col("rank")).alias("rank_change"),  # positive: moved up
        *(pl.col(c).fill_null([]) for c in ("missed", "worse", "better")),
    ).sort("rank", "code")


def _ranked(rows: pl.DataFrame) -> pl.DataFrame:
    index = rows.filter(pl.col("kpi") == COMPLIANCE_INDEX).select("code", pl.col("value").alias("index"))
    return index.with_columns(pl.col("index").rank("min", descending=True).cast(pl.Int64).alias("rank"))


def _kpi_list(rows: pl.DataFrame, name: str, order: dict[str, int]) -> pl.DataFrame:
    return rows.with_columns(pl.col("kpi").replace_strict(order).alias("_order")).sort("_order").group_by(
        "code", maintain_order=True).agg(pl.col("kpi").alias(name))


def control_chart(series: pl.DataFrame, kpi: str) -> pl.DataFrame:
    """One branch's KPI over periods (oldest first) with limits from its first 12 periods and special causes.

    A p-chart for shares (numerator / denominator), widened by Laney's sigma_z when the weeks vary more
    than binomial chance (they do at a thousand tickets a week); an XmR chart for everything else
    (medians, percentiles, ratios, counts), on the KPI's own scale.
    """
    ordered = series.filter(pl.col("kpi") == kpi).sort("period_start")
    if KPI_BY_ID[kpi].unit == "share":
        return stats.p_chart(ordered, laney=True)
    return stats.xmr_chart(ordered)


def changes(now: pl.DataFrame, before: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """What changed between two consecutive periods that is both significant and material.

    now / before: mart rows (branches and region) of the two periods. history: the same codes' rows over
    earlier periods (at least the 12 before `before` for medians and counts, which are judged by their
    XmR chart, rates by their p'-chart: the rules of spec/kpis.md). A week has some 200 comparisons,
    so 99 % per test would still report two changes of pure noise every week: the 1 % is held as a false
    discovery rate over all of them (Benjamini & Hochberg 1995) instead. A change that most branches
    share is reported once, on the region's row, with the number of branches alike. Most important first.
    """
    paired = now.join(before.select("code", "kpi", pl.col("value").alias("before"),
                                    pl.col("numerator").alias("numerator_before"),
                                    pl.col("denominator").alias("denominator_before"),
                                    pl.col("meets_target").alias("met_before")),
                      on=["code", "kpi"]).filter(pl.col("kpi") != COMPLIANCE_INDEX)
    if paired.is_empty():
        return pl.DataFrame(schema=CHANGE_SCHEMA)
    units = pl.col("kpi").replace_strict({k.id: k.unit for k in KPIS})
    higher_better = pl.col("kpi").replace_strict({k.id: k.higher_is_better for k in KPIS})
    past = pl.concat([history, before], how="diagonal")
    tested = pl.concat([_rate_tests(paired.filter(units.is_in(list(FUNNEL_MODEL))), past),
                        _chart_tests(paired.filter(~units.is_in(list(FUNNEL_MODEL))), past)], how="diagonal")
    delta = pl.col("value") - pl.col("before")
    found = tested.with_columns(
        pl.when((delta > 0) == higher_better).then(pl.lit("better")).otherwise(pl.lit("worse")).alias("direction"),
        ((delta.abs() >= units.replace_strict(MATERIAL, default=None))
         | (pl.col("meets_target") != pl.col("met_before"))).alias("material"),
    ).filter(discoveries(pl.col("p_value")) & pl.col("material") & (delta != 0))
    found = _collapse_to_region(found, now)
    found = found.join(streaks(pl.concat([history, before, now], how="diagonal")), on=["code", "kpi"], how="left")
    return found.with_columns(
        # Worse before better, then a target crossed, then the strength of the evidence.
        ((pl.col("direction") == "worse").cast(pl.Float64) * 100
         + (pl.col("meets_target") != pl.col("met_before")).cast(pl.Float64) * 10
         - pl.col("p_value").clip(1e-12, 1).log10()).alias("importance"),
        pl.col("streak").fill_null(0),
    ).sort("importance", descending=True).head(BRIEF_LENGTH).select(list(CHANGE_SCHEMA)).cast(CHANGE_SCHEMA)


def discoveries(p_value: pl.Expr) -> pl.Expr:
    """Benjamini-Hochberg: the k smallest p-values, k the largest rank with p(k) <= k / m * SIGNIFICANCE."""
    rank = p_value.rank("ordinal")
    cutoff = pl.when(p_value <= rank / p_value.count() * SIGNIFICANCE).then(p_value).max()
    return (p_value <= cutoff).fill_null(False)


def _rate_tests(paired: pl.DataFrame, past: pl.DataFrame) -> pl.DataFrame:
    """Rates: how far this period lies from the code × KPI's own last 12 periods, on Laney's p'-chart.

    z = (p - p_baseline) / (sqrt(p_baseline (1 - p_baseline) / n) * sigma_z). A branch's waits move with
    staffing and case mix, not only with chance: at a thousand tickets a week a plain two-proportion test
    calls every ordinary week a change, which sigma_z (the baseline z-scores' spread, never below 1)
    corrects. sigma_z takes the median moving range / 0.954 (Wheeler), not the mean, so that earlier
    incidents (Serang's empty-counter days) do not hide the next one. Few expected events (n p (1 - p) < 5:
    a handful of complaints) make the normal curve wrong, so those get the exact binomial tail instead.
    Without 12 periods: no p-value.
    """
    tested = paired.join(_baseline(past), on=["code", "kpi"], how="left")
    centre, n, x = (tested[c].to_numpy() for c in ("centre", "denominator", "numerator"))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x / n - centre) / (np.sqrt(centre * (1 - centre) / n) * tested["sigma_z"].to_numpy())
        # Few events: the exact tail, on the sample a branch this noisy is worth (n / sigma_z^2, Kish's
        # effective size), so that a small office's ordinary jumps are no more "significant" than a big one's.
        sigma_z = tested["sigma_z"].to_numpy()
        n_eff, count = np.round(n / sigma_z ** 2), np.round(x / sigma_z ** 2)
        exact = np.minimum(1.0, 2 * np.minimum(binom.cdf(count, n_eff, centre), binom.sf(count - 1, n_eff, centre)))
    p_value = np.where(n * centre * (1 - centre) < 5, exact, 2 * norm.sf(np.abs(z)))
    return tested.with_columns(pl.Series("p_value", p_value).fill_nan(None)).drop("centre", "sigma_z")


def _baseline(past: pl.DataFrame) -> pl.DataFrame:
    """Pooled rate and robust Laney sigma_z per code × KPI over 12 periods with cases.

    The 12 end BASELINE_LAG periods back when the history is long enough: the weeks being judged, and a
    string of recent incidents, must not set their own limits (SPC's frozen baseline).
    """
    with_cases = past.filter(pl.col("denominator").fill_null(0) > 0).sort("period_start")
    lagged = pl.when(pl.len().over("code", "kpi") >= stats.BASELINE_PERIODS + BASELINE_LAG).then(
        pl.int_range(pl.len()).reverse().over("code", "kpi") >= BASELINE_LAG).otherwise(True)
    recent = with_cases.filter(lagged).group_by("code", "kpi", maintain_order=True).tail(stats.BASELINE_PERIODS)
    # A baseline with no miss at all is not a rate of exactly 100 %: half an event keeps it plausible.
    half_event = 0.5 / pl.col("denominator").sum().over("code", "kpi")
    pooled = (pl.col("numerator").sum() / pl.col("denominator").sum()).over("code", "kpi").clip(half_event,
                                                                                               1 - half_event)
    z = (pl.col("numerator") / pl.col("denominator") - pooled) / (pooled * (1 - pooled) / pl.col("denominator")).sqrt()
    full = pl.len() >= stats.BASELINE_PERIODS
    return recent.with_columns(pooled.alias("pooled"), z.alias("z")).group_by("code", "kpi").agg(
        pl.when(full).then(pl.col("pooled").first()).alias("centre"),
        pl.when(full).then(stats.laney_sigma_z(pl.col("z"), robust=True)).alias("sigma_z"))


def _chart_tests(paired: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Medians, percentiles and counts: how far this period's point lies from its XmR centre line.

    The XmR limits are three sigma wide (2.66 mean moving ranges), so sigma = (upper - centre) / 3. Sigma
    comes from only 12 earlier periods, so the two-sided p-value uses Student's t with 11 degrees of
    freedom, not the normal: a normal tail would call an unlucky quiet baseline a change. Without 12
    earlier periods (or with no spread in them) there is no p-value and no finding.
    """
    p_values = []
    for code, kpi in paired.select("code", "kpi").iter_rows():
        past = history.filter((pl.col("code") == code) & (pl.col("kpi") == kpi)).sort("period_start")
        point = paired.filter((pl.col("code") == code) & (pl.col("kpi") == kpi))
        chart = stats.xmr_chart(pl.concat([past.tail(stats.BASELINE_PERIODS).select("period_start", "value"),
                                           point.select("period_start", "value")]))
        centre, upper, value = chart["centre"][-1], chart["upper"][-1], chart["value"][-1]
        sigma = None if centre is None else (upper - centre) / 3
        p_values.append(float(2 * student_t.sf(abs(value - centre) / sigma, stats.BASELINE_PERIODS - 1))
                        if sigma else None)
    return paired.with_columns(pl.Series("p_value", p_values, dtype=pl.Float64))


def _collapse_to_region(found: pl.DataFrame, now: pl.DataFrame) -> pl.DataFrame:
    """One line for a change most branches share (an outage), instead of one per branch."""
    branch_count = now.filter(pl.col("level") == "branch")["code"].n_unique()
    alike = found.filter(pl.col("level") == "branch").group_by("kpi", "direction").agg(
        pl.len().alias("branches_alike"))
    shared = alike.filter(pl.col("branches_alike") * 2 > branch_count)
    regional = found.filter(pl.col("level") == "region").join(shared, on=["kpi", "direction"], how="left")
    per_branch = found.filter(pl.col("level") == "branch").join(shared, on=["kpi", "direction"], how="anti")
    return pl.concat([regional, per_branch.with_columns(pl.lit(None, dtype=pl.UInt32).alias("branches_alike"))])


def streaks(rows: pl.DataFrame) -> pl.DataFrame:
    """Periods in a row, up to the latest, that each code × KPI missed its target."""
    ordered = rows.sort("period_start", descending=True)
    return ordered.group_by("code", "kpi").agg(
        pl.col("meets_target").fill_null(True).not_().cast(pl.Int64).cum_prod().sum().alias("streak"))
