"""KPI computation: pure functions from typed fact frames to KPI parts.

Every KPI function returns one of two shapes, so that branch and region values
are built the same way for all of them (see `etl.kpis.marts`):
- rate parts: branch_code, period_start, kpi, numerator, denominator — region
  values sum these (pooled, never an average of branch rates);
- samples: branch_code, period_start, kpi, sample — percentile KPIs, whose region
  value is the percentile of the pooled records.
"""
