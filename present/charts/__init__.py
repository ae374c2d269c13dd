"""Chart builders: pure functions from a polars frame to a plotly figure, in the viewer's language.

One zone scheme everywhere (see `style`); pages and the meeting pack draw with the same builders.
"""
from present.charts.evaluation import control_chart, funnel_plot
from present.charts.kpi import kpi_heatmap, kpi_lines, ranking_bars, small_multiples, trend_lines, zone_strip
from present.charts.operations import (
    age_bars, counts_over_time, hour_weekday_heatmap, pareto, priority_boxes, processing_bars, shared_top, sla_grid,
    staffing_bars, transfer_sankey, volume_bars, wait_histogram,
)
from present.charts.style import ZONE_COLOURS, ZONE_SYMBOLS, status_label, zone_label

__all__ = ["ZONE_COLOURS", "ZONE_SYMBOLS", "age_bars", "control_chart", "counts_over_time", "funnel_plot",
           "hour_weekday_heatmap", "kpi_heatmap", "kpi_lines", "pareto", "priority_boxes", "processing_bars",
           "ranking_bars", "shared_top", "sla_grid", "small_multiples", "staffing_bars", "status_label", "trend_lines",
           "transfer_sankey", "volume_bars", "wait_histogram", "zone_label", "zone_strip"]
