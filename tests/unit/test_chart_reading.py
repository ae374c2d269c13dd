"""Charts that read at a glance: one number format, whole-number counts, shared scales, labelled flows."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import pytest

from etl.evaluation import ATTAINMENT_CAP, target_attainment
from present import charts, formats


@pytest.mark.parametrize(("value", "kpi", "lang", "shown"), [
    (0.901, "wait_within_sop", "id", "90,1%"), (0.9, "wait_within_sop", "en", "90.0%"),
    (6.63, "complaint_rate_per_1000", "id", "6,6"), (81.04, "sop_compliance_index", "id", "81"),
    (10.24, "wait_p90_min", "id", "10,2 mnt"),
])
def test_one_number_format_matches_plotly_s_percent_and_leaves_units_to_labels(value, kpi, lang, shown):
    """The `%` is attached, as plotly's `.1%` axis writes it; a rate per 1.000 shows no ‰ under its own label."""
    assert formats.kpi_value(value, kpi, lang) == shown


def test_a_matrix_cell_keeps_the_number_and_leaves_the_unit_to_its_row():
    assert formats.kpi_number(10.24, "wait_p90_min", "id") == "10,2"
    assert formats.kpi_number(1.0, "claim_days_median", "en") == "1.0"
    assert formats.kpi_number(0.5, "wait_within_sop", "id") == "50,0%"


def test_the_compliance_matrix_never_breaks_a_rotated_branch_name():
    frame = pl.DataFrame({"name": [f"KC Rangkasbitung {i}" for i in range(11)], "level": "branch",
                          "code": [f"B{i:02d}" for i in range(11)], "kpi": "wait_p90_min", "kpi_order": 1,
                          "status": "green", "value": 10.24, "numerator": None, "denominator": None, "target": 15.0})
    figure = charts.kpi_heatmap(frame, "id")
    assert figure.layout.xaxis.tickangle == -90 and not any("<br>" in name for name in figure.data[0].x)
    assert figure.data[0].text[0][0] == "✓ 10,2"


def test_counts_get_whole_number_ticks():
    weeks = [dt.date(2026, 11, 2) + dt.timedelta(weeks=i) for i in range(3)]
    frame = pl.DataFrame({"period_start": weeks, "category": "queue", "count": [0, 2, 1]})
    figure = charts.counts_over_time(frame, "category", "week", "id")
    assert figure.layout.yaxis.dtick == 1 and figure.layout.yaxis.tickformat == ",d"


def test_heatmaps_side_by_side_share_one_colour_scale():
    low = pl.DataFrame({"weekday": [1, 1], "hour": [8, 9], "wait_min_mean": [5.0, 17.0]})
    high = pl.DataFrame({"weekday": [1, 1], "hour": [8, 9], "wait_min_mean": [20.0, 54.0]})
    top = charts.shared_top([low, high], "wait_min_mean")
    figures = [charts.hour_weekday_heatmap(grid, "wait_min_mean", "mnt", 0, "id", top) for grid in (low, high)]
    assert top == 54.0
    assert {(f.data[0].zmin, f.data[0].zmax) for f in figures} == {(0, 54.0)}


def test_the_sankey_counts_every_desk_and_colours_links_by_where_they_come_from():
    flows = pl.DataFrame({"step": [0, 0, 1], "source": ["cs", "cs", "claims"], "target": ["claims", "pension", "cs"],
                          "visits": [1200, 30, 5]})
    sankey: go.Sankey = charts.transfer_sankey(flows, "id").data[0]
    assert any(label.endswith("(1.230)") for label in sankey.node.label)  # 1.200 + 30 leave the first desk
    assert len(set(sankey.link.color)) == 2 and all(c.startswith("rgba(") for c in sankey.link.color)


def test_attainment_puts_every_kpi_on_one_scale_where_up_is_better():
    rows = pl.DataFrame({"kpi": ["wait_within_sop", "wait_p90_min", "wait_p90_min", "public_escalations"],
                         "value": [0.45, 30.0, 5.0, 0.0], "target": [0.9, 15.0, 15.0, 0.0]})
    assert rows.select(target_attainment()).to_series().to_list() == [0.5, 0.5, ATTAINMENT_CAP, ATTAINMENT_CAP]


def test_sparklines_are_straight_share_one_scale_and_take_their_zone_colour():
    import base64

    from present.charts.sparkline import IMAGE_PREFIX, sparkline
    from present.charts.style import ZONE_COLOURS
    falling, flat = sparkline([1.2, None, 0.6, 0.3], "red", 1.5), sparkline([1.0, 1.0], "green", 1.5)
    svg = base64.b64decode(falling.removeprefix(IMAGE_PREFIX)).decode()
    assert "<polyline" in svg and "<path" not in svg and svg.count("<polyline") == 2  # a gap where None
    assert ZONE_COLOURS["red"] in svg and ZONE_COLOURS["green"] in base64.b64decode(flat.removeprefix(IMAGE_PREFIX)).decode()
    # The same value sits at the same height in every row: 1.0 (the target) is the dotted line's height in both.
    target_y = [s.split('y1="')[1].split('"')[0] for s in (svg, base64.b64decode(flat.removeprefix(IMAGE_PREFIX)).decode())]
    assert target_y[0] == target_y[1]
