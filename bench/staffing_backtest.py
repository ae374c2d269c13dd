"""Back-test of the staffing model: predicted against actual share called within the SOP, per past hour slot.

    DATABASE_URL=sqlite:///path/to/pantau.db python bench/staffing_backtest.py

Reads the `staffing_hourly` mart the ETL wrote and prints, as Markdown for bench/RESULTS.md: the mean absolute
error by slot size, the calibration table (predicted decile against actual), and the error on slots the model
is trusted on (etl/staffing_plan.py, TRUSTED_ARRIVALS).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.db import make_engine, read_frame  # noqa: E402
from etl.kpis.staffing import SLOT_MINUTES  # noqa: E402
from etl.queueing import share_within, share_within_hour  # noqa: E402
from etl.schema import staffing_hourly  # noqa: E402
from etl.staffing_plan import SIZE_BANDS, TRUSTED_ARRIVALS, backtest_slots, calibration, error_by_size  # noqa: E402


def band_label(low: int | None) -> str:
    if low is None:
        return "all"
    following = [b for b in SIZE_BANDS if b > low]
    return f"{low}–{following[0] - 1}" if following else f"{low}+"


def main() -> None:
    engine = make_engine(os.environ.get("DATABASE_URL", "sqlite:///data/pantau.db"))
    with engine.connect() as conn:
        slots = read_frame(conn, select(staffing_hourly))
    checked = backtest_slots(slots)
    first, last = slots["slot_start"].min(), slots["slot_start"].max()
    print(f"{slots.height:,} slots from {first:%Y-%m-%d} to {last:%Y-%m-%d}; {checked.height:,} with tickets called.\n")
    print("| tickets in the slot | slots | mean absolute error | mean error (predicted − actual) |")
    print("|---|---:|---:|---:|")
    for row in error_by_size(checked).iter_rows(named=True):
        print(f"| {band_label(row['size_from'])} | {row['slots']:,} | {row['mae'] * 100:.1f} pts | "
              f"{row['bias'] * 100:+.1f} pts |")
    print("\n| predicted | slots | mean predicted | actual (pooled over tickets) |")
    print("|---|---:|---:|---:|")
    for row in calibration(checked).iter_rows(named=True):
        print(f"| {row['decile'] * 10}–{row['decile'] * 10 + 10} % | {row['slots']:,} | "
              f"{row['predicted'] * 100:.1f} % | "
              f"{row['actual'] * 100:.1f} % |")
    # The stored prediction carries each hour's backlog into the next; Erlang C alone says 0 % in an overloaded
    # hour, and the fluid hour alone starts every hour empty.
    priced = checked.drop_nulls("service_min_mean")
    inputs = (priced["counters_active"].to_numpy(), priced["arrivals"].to_numpy() / SLOT_MINUTES,
              priced["service_min_mean"].to_numpy(), 15.0)
    variants = priced.with_columns(pl.Series("erlang_c", share_within(*inputs)),
                                   pl.Series("fluid_hour", share_within_hour(*inputs, SLOT_MINUTES)))
    print("\n| model | slots | MAE, all | MAE, ≥ 10 tickets | bias, all |")
    print("|---|---:|---:|---:|---:|")
    for label, column in (("Erlang C alone", "erlang_c"), ("Erlang C, fluid hour when overloaded", "fluid_hour"),
                          ("the same, backlog carried hour to hour (stored)", "predicted_within_sop")):
        error = pl.col(column) - pl.col("actual_within_sop")
        row = variants.select(pl.len().alias("n"), error.abs().mean().alias("mae"), error.mean().alias("bias"),
                              error.abs().filter(pl.col("arrivals") >= TRUSTED_ARRIVALS).mean().alias("mae_big")).row(
            0, named=True)
        print(f"| {label} | {row['n']:,} | {row['mae'] * 100:.1f} pts | {row['mae_big'] * 100:.1f} pts | "
              f"{row['bias'] * 100:+.1f} pts |")
    trusted = checked.filter(pl.col("arrivals") >= TRUSTED_ARRIVALS)
    print(f"\nTrusted slots (≥ {TRUSTED_ARRIVALS} tickets): {trusted.height:,}, calibration:\n")
    print("| predicted | slots | mean predicted | actual |")
    print("|---|---:|---:|---:|")
    for row in calibration(trusted).iter_rows(named=True):
        print(f"| {row['decile'] * 10}–{row['decile'] * 10 + 10} % | {row['slots']:,} | "
              f"{row['predicted'] * 100:.1f} % | "
              f"{row['actual'] * 100:.1f} % |")
    short = slots.filter(pl.col("counters_needed") > pl.col("counters_active"), pl.col("arrivals") > 0)
    print(f"\nSlots short of counters (needed > active): {short.height:,} of "
          f"{slots.filter(pl.col('arrivals') > 0).height:,} with tickets.")


if __name__ == "__main__":
    main()
