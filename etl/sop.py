"""Service standards from `data/config/sop.toml`: limits, claim SLAs, targets and zones."""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID, KPIS
from etl.parse import EARLIEST
from etl.settings import CONFIG_DIR

# Catalogue defaults apply from long before any data.
DEFAULTS_EFFECTIVE_FROM = dt.date(2000, 1, 1)
ALL_REGIONS = "*"
# Alert thresholds (etl.alerts) when sop.toml's [alerts] leaves one out.
ALERT_DEFAULTS = {"day_wait_minutes": 60.0, "busy_staffing_below": 0.5, "stale_after_days": 8}


@dataclass(frozen=True)
class Sop:
    clock_skew_tolerance_seconds: int
    green_from: float
    yellow_from: float
    wait_minutes: float
    priority_wait_minutes: float
    complaint_response_working_days: int
    complaint_resolution_working_days: int
    claim_sla: dict
    weights: dict
    target_overrides: tuple[dict, ...]
    day_wait_minutes: float  # a day with a longer wait breaks a hard limit (etl/kpis/days.py)
    day_staffing_below: float  # as does a day whose busy-hour staffing is below this share
    # Timestamps people can believe: none before `earliest_timestamp`, none later than the load plus this.
    earliest_timestamp: dt.datetime = EARLIEST
    future_tolerance: dt.timedelta = dt.timedelta(days=1)
    alerts: dict = field(default_factory=lambda: dict(ALERT_DEFAULTS))

    def targets(self) -> pl.DataFrame:
        """One row per kpi × region × effective_from: catalogue defaults, then the configured changes."""
        # The compliance index's target is the green zone's threshold.
        rows = [
            {"kpi": k.id, "region_code": ALL_REGIONS, "effective_from": DEFAULTS_EFFECTIVE_FROM,
             "target": self.green_from if k.id == COMPLIANCE_INDEX else float(k.default_target),
             "weight": float(self.weights.get(k.id, 1))}
            for k in KPIS
        ]
        rows += [
            {"kpi": t["kpi"], "region_code": t.get("region", ALL_REGIONS), "effective_from": t["effective_from"],
             "target": float(t["target"]), "weight": float(self.weights.get(t["kpi"], 1))}
            for t in self.target_overrides
        ]
        return pl.DataFrame(rows, schema={"kpi": pl.String, "region_code": pl.String, "effective_from": pl.Date,
                                          "target": pl.Float64, "weight": pl.Float64})

    def zone_of(self, index: pl.Expr) -> pl.Expr:
        """green / yellow / red for compliance-index values, or none where there is no value."""
        return (pl.when(index.is_null()).then(pl.lit("none"))
                .when(index >= self.green_from).then(pl.lit("green"))
                .when(index >= self.yellow_from).then(pl.lit("yellow"))
                .otherwise(pl.lit("red")))


def load_sop(config_dir: Path = CONFIG_DIR) -> Sop:
    """Read and check the SOP config; unknown KPI ids are an error, not a silent no-op."""
    raw = tomllib.loads((config_dir / "sop.toml").read_text(encoding="utf-8"))
    known = {k.id for k in KPIS}
    overrides = tuple(raw.get("target", []))
    unknown = sorted(({t["kpi"] for t in overrides} | set(raw.get("weights", {}))) - known)
    if unknown:
        raise ValueError(f"{config_dir / 'sop.toml'}: unknown KPI id(s): {', '.join(unknown)}")
    limits = raw["limits"]
    return Sop(
        clock_skew_tolerance_seconds=int(raw["clock_skew_tolerance_seconds"]),
        green_from=float(raw.get("zones", {}).get("green", KPI_BY_ID[COMPLIANCE_INDEX].default_target)),
        yellow_from=float(raw.get("zones", {}).get("yellow", 60)),
        wait_minutes=float(limits["wait_minutes"]),
        priority_wait_minutes=float(limits["priority_wait_minutes"]),
        complaint_response_working_days=int(limits["complaint_response_working_days"]),
        complaint_resolution_working_days=int(limits["complaint_resolution_working_days"]),
        claim_sla=dict(raw["claim_sla_working_days"]),
        weights=dict(raw.get("weights", {})),
        target_overrides=overrides,
        day_wait_minutes=float(raw["day_limits"]["wait_minutes"]),
        day_staffing_below=float(raw["day_limits"]["staffing_below"]),
        **_plausible_time(raw.get("plausible_time", {})),
        alerts=ALERT_DEFAULTS | raw.get("alerts", {}),
    )


def _plausible_time(raw: dict) -> dict:
    """`[plausible_time]`: `earliest` (a date) and `future_days` (how far past the load a timestamp may be)."""
    unknown = sorted(set(raw) - {"earliest", "future_days"})
    if unknown:
        raise ValueError(f"sop.toml [plausible_time]: unknown key(s) {', '.join(unknown)}; use earliest, future_days")
    earliest = raw.get("earliest", EARLIEST)
    return {"earliest_timestamp": dt.datetime.combine(earliest, dt.time()) if type(earliest) is dt.date else earliest,
            "future_tolerance": dt.timedelta(days=float(raw.get("future_days", 1)))}
