"""The evaluation as the read side serves it: league table, funnel, control chart, what changed, report card."""
from __future__ import annotations

import datetime as dt

import polars as pl

from etl import attention as attention_rules
from etl import evaluation, stats
from etl.catalogue import COMPLIANCE_INDEX
from service.access import OutOfScope
from service.annotations import with_during
from service.follow_ups import OPEN_STATUSES, follow_up_list
from service.marts import kpi_values, zone_of
from service.reader import Reader
from service.reference import RECENT_PERIODS, branch_names, recent_periods, region_branches


def _require_branch(r: Reader, region: str, branch: str) -> None:
    r.require_region(region)
    if branch not in set(region_branches(r, region)["branch_code"]):
        raise OutOfScope(branch)


def _two_periods(r: Reader, granularity: str, region: str, period: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mart rows (branches and region) of the period and of the one before (empty when there is none)."""
    starts = recent_periods(r, granularity, period, 2)
    rows = kpi_values(r, granularity, region, starts[0], period)
    before = rows.filter(pl.col("period_start") == starts[0]) if len(starts) == 2 else rows.clear()
    return rows.filter(pl.col("period_start") == period), before


def _league(r: Reader, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    now, before = _two_periods(r, granularity, region, period)
    branch = pl.col("level") == "branch"
    table = evaluation.league_table(now.filter(branch), before.filter(branch))
    return table.with_columns(pl.col("code").replace_strict(branch_names(r), default=pl.col("code")).alias("name"),
                              zone_of(r, pl.col("index")).alias("zone"))


def league(r: Reader, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    """Every branch of the region ranked by compliance index, with zone, changes, misses and funnel flags."""
    r.require_region(region)
    return r.cached(_league, granularity, region, period)


def _funnel(r: Reader, granularity: str, region: str, period: dt.date, kpi: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = kpi_values(r, granularity, region, period, period, (kpi,)).filter(pl.col("level") == "branch")
    judged = evaluation.funnel_kpi(rows, kpi).drop_nulls("rate")
    return judged, evaluation.funnel_curve(judged, kpi)


def funnel(r: Reader, granularity: str, region: str, period: dt.date, kpi: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(branches of the period on one rate KPI with their funnel verdict, the bands to draw)."""
    r.require_region(region)
    return r.cached(_funnel, granularity, region, period, kpi)


def _control_chart(r: Reader, granularity: str, region: str, branch: str, kpi: str, period: dt.date,
                   shown: int) -> pl.DataFrame:
    starts = recent_periods(r, granularity, period, shown + stats.BASELINE_PERIODS)
    rows = kpi_values(r, granularity, region, starts[0], period, (kpi,)).filter(pl.col("code") == branch)
    return evaluation.control_chart(rows, kpi)


def control_chart(r: Reader, granularity: str, region: str, branch: str, kpi: str, period: dt.date,
                  shown: int = 2 * RECENT_PERIODS) -> pl.DataFrame:
    """One branch's KPI up to the period: `shown` periods judged against limits from the 12 before them."""
    _require_branch(r, region, branch)
    return r.cached(_control_chart, granularity, region, branch, kpi, period, shown)


def _what_changed(r: Reader, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    starts = recent_periods(r, granularity, period, stats.BASELINE_PERIODS + evaluation.BASELINE_LAG + 2)
    if len(starts) < 2:
        return pl.DataFrame(schema={**evaluation.CHANGE_SCHEMA, "versus_region": pl.String, "name": pl.String})
    rows = kpi_values(r, granularity, region, starts[0], period)
    now = rows.filter(pl.col("period_start") == period)
    found = evaluation.changes(now, rows.filter(pl.col("period_start") == starts[-2]),
                               rows.filter(pl.col("period_start") < starts[-2]))
    # The brief judges a branch against its own past, the funnel against its peers: say the funnel's verdict
    # beside each branch's change, so a "significant" fall that the region's spread explains reads as such.
    peers = pl.concat([judged.select("code", pl.lit(kpi).alias("kpi"), pl.col("verdict").alias("versus_region"))
                       for kpi, judged in r.cached(_funnels, granularity, region, period).items()]).drop_nulls()
    return found.join(peers, on=["code", "kpi"], how="left").with_columns(
        pl.col("code").replace_strict(branch_names(r), default=pl.col("code")).alias("name"))


def what_changed(r: Reader, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    """The period's significant and material changes against the one before, most important first; `during` names
    the known events of each row's scope in the period (read fresh: people write events between loads)."""
    r.require_region(region)
    return with_during(r, r.cached(_what_changed, granularity, region, period), region, period, granularity)


def _report_card(r: Reader, granularity: str, region: str, period: dt.date, branch: str) -> pl.DataFrame:
    starts = recent_periods(r, granularity, period)
    rows = kpi_values(r, granularity, region, starts[0], period)
    now = rows.filter(pl.col("period_start") == period)
    verdicts = evaluation.verdicts(now.filter(pl.col("level") == "branch")).filter(pl.col("code") == branch)
    recent = rows.filter(pl.col("code") == branch).group_by("kpi").agg(
        evaluation.target_attainment().sort_by("period_start").alias("recent"))
    return (now.filter(pl.col("code") == branch)
            .join(verdicts.select("kpi", "verdict"), on="kpi", how="left")
            .join(recent, on="kpi", how="left")
            .sort("kpi_order"))


def report_card(r: Reader, granularity: str, region: str, period: dt.date, branch: str) -> pl.DataFrame:
    """Every KPI of one branch in the period: value, target, status, funnel verdict and `recent`, the recent
    periods' attainment of target (1 = on target, higher is better; etl.evaluation.target_attainment)."""
    _require_branch(r, region, branch)
    return r.cached(_report_card, granularity, region, period, branch)


def _funnels(r: Reader, granularity: str, region: str, period: dt.date) -> dict[str, pl.DataFrame]:
    """The period's funnel for every rate KPI, computed once for what changed and what to discuss."""
    rows = kpi_values(r, granularity, region, period, period).filter(
        (pl.col("level") == "branch") & (pl.col("kpi") != COMPLIANCE_INDEX))
    return attention_rules.period_funnels(rows)


def _attention(r: Reader, granularity: str, region: str, period: dt.date) -> pl.DataFrame:
    starts = recent_periods(r, granularity, period, stats.BASELINE_PERIODS + evaluation.BASELINE_LAG + 1)
    rows = kpi_values(r, granularity, region, starts[0] if starts else period, period)
    found = attention_rules.attention(rows.filter(pl.col("period_start") == period),
                                      rows.filter(pl.col("period_start") < period),
                                      r.cached(_funnels, granularity, region, period))
    return found.with_columns(pl.col("code").replace_strict(branch_names(r), default=pl.col("code")).alias("name"))


def attention(r: Reader, granularity: str, region: str, period: dt.date,
              selected: tuple[str, ...] = ()) -> pl.DataFrame:
    """The branch KPIs the meeting must discuss, worst first (etl.attention.attention), picked branches only if
    any, each with the open promise already made about it: promise_id, raised_period (of raised_granularity),
    raised_by, due_date, agreed; and `during`, the known events of the branch or its region in the period."""
    r.require_region(region)
    found = r.cached(_attention, granularity, region, period)
    if selected:
        found = found.filter(pl.col("code").is_in(list(selected)))
    promises = follow_up_list(r, region, OPEN_STATUSES).filter(pl.col("kpi").is_not_null()).sort(
        "raised_period", "follow_up_id", descending=True).unique(["branch_code", "kpi"], keep="first").select(
        pl.col("branch_code").alias("code"), "kpi", pl.col("follow_up_id").alias("promise_id"), "raised_period",
        pl.col("granularity").alias("raised_granularity"),
        pl.col("created_by").alias("raised_by"), "due_date", "agreed")
    return with_during(r, found.join(promises, on=["code", "kpi"], how="left"), region, period, granularity)
