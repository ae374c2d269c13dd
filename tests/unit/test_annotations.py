"""Known events in words and on charts: which rows they explain, the band over the periods they touch."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl.annotations import during
from present import charts, sentences
from present.formats import date_span

EVENTS = pl.DataFrame({
    "annotation_id": ["jmo", "renov"], "region_code": ["BTN", "BTN"], "branch_code": [None, "SRG"],
    "category": ["outage", "closure"], "starts_on": [dt.date(2026, 9, 23), dt.date(2026, 10, 30)],
    "ends_on": [dt.date(2026, 9, 25), dt.date(2026, 11, 2)], "label": ["JMO gangguan", "Renovasi"],
    "text": ["Aplikasi JMO mati", None], "author": ["Kanwil", "KC Serang"],
}, schema_overrides={"branch_code": pl.String, "text": pl.String})
WEEKS = [dt.date(2026, 9, 14) + dt.timedelta(weeks=k) for k in range(10)]


def test_a_change_falls_during_the_events_of_its_own_scope_only():
    rows = pl.DataFrame({"level": ["branch", "branch", "region"], "code": ["SRG", "PDG", "BTN"]})
    assert during(rows, EVENTS, dt.date(2026, 9, 21), dt.date(2026, 9, 27))["during"].to_list() == [
        "JMO gangguan"] * 3
    # The renovation (30 Oct – 2 Nov) touches both weeks and months it overlaps, for Serang only.
    assert during(rows, EVENTS, dt.date(2026, 11, 2), dt.date(2026, 11, 8))["during"].to_list() == [
        "Renovasi", None, None]
    assert during(rows, EVENTS, dt.date(2026, 10, 1), dt.date(2026, 10, 31))["during"].to_list() == [
        "Renovasi", None, None]
    assert during(rows, EVENTS, dt.date(2026, 10, 5), dt.date(2026, 10, 11))["during"].null_count() == 3


@pytest.mark.parametrize(("lang", "during_text"), [("id", "; selama: JMO gangguan"), ("en", "; during: JMO gangguan")])
def test_the_brief_and_the_attention_list_say_during_which_event(lang, during_text):
    change = {"name": "KC Serang", "kpi": "wait_within_sop", "value": 0.7, "before": 0.9, "meets_target": False,
              "during": "JMO gangguan"}
    assert sentences.change_sentence(change, "week", lang).endswith(during_text)
    assert during_text not in sentences.change_sentence({**change, "during": None}, "week", lang)
    worse = {"name": "KC Serang", "kpi": "wait_within_sop", "value": 0.7, "target": 0.9, "worse_than_usual": True,
             "usual": 0.92, "during": "JMO gangguan"}
    assert f"{during_text}." in sentences.attention_sentence(worse, "week", lang)


def trend_frame() -> pl.DataFrame:
    return pl.DataFrame({"level": "branch", "code": "SRG", "name": "KC Serang", "period_start": WEEKS,
                         "value": 0.9, "numerator": 9.0, "denominator": 10.0, "target": 0.9})


def test_every_time_chart_shades_the_periods_an_event_touches_with_its_label_and_hover():
    frame = trend_frame()
    control = frame.with_columns(centre=pl.lit(0.9), upper=pl.lit(1.0), lower=pl.lit(0.8), signal=pl.lit(None))
    counts = frame.select("period_start", pl.lit("jmo").alias("channel"), pl.lit(3).alias("count"))
    figures = [charts.trend_lines(frame, "wait_within_sop", "week", "id", events=EVENTS),
               charts.control_chart(control, "wait_within_sop", "week", "id", 0, events=EVENTS),
               charts.counts_over_time(counts, "channel", "week", "id", events=EVENTS),
               charts.kpi_lines(frame.with_columns(kpi=pl.lit("wait_within_sop"), kpi_order=pl.lit(1)), "week", "id",
                                events=EVENTS)]
    for figure in figures:
        bands = [s for s in figure.layout.shapes if s.type == "rect"]
        # The JMO week (21 Sep) and the renovation's two weeks (26 Oct, 2 Nov), half a week either side.
        assert [(b.x0, b.x1) for b in bands] == [
            (dt.datetime(2026, 9, 17, 12), dt.datetime(2026, 9, 24, 12)),
            (dt.datetime(2026, 10, 22, 12), dt.datetime(2026, 11, 5, 12))]
        labels = [a for a in figure.layout.annotations if a.hovertext]
        assert [a.text for a in labels] == ["▼ JMO gangguan", "▼ Renovasi"]
        assert "Aplikasi JMO mati" in labels[0].hovertext and "21" not in labels[1].hovertext.split("<br>")[1]
    english = charts.trend_lines(frame, "wait_within_sop", "week", "en", events=EVENTS)
    assert "System outage" in english.layout.annotations[0].hovertext


def test_an_event_outside_the_charted_periods_draws_nothing():
    frame = trend_frame().filter(pl.col("period_start") < dt.date(2026, 9, 21))
    figure = charts.trend_lines(frame, "wait_within_sop", "week", "id", events=EVENTS)
    assert not figure.layout.shapes and not any(a.hovertext for a in figure.layout.annotations)


def test_an_event_s_days_read_short():
    assert date_span(dt.date(2026, 10, 5), dt.date(2026, 10, 11), "id") == "5–11 Okt 2026"
    assert date_span(dt.date(2026, 9, 30), dt.date(2026, 10, 2), "en") == "30 Sep – 2 Oct 2026"
    assert date_span(dt.date(2026, 12, 31), dt.date(2027, 1, 1), "id") == "31 Des 2026 – 1 Jan 2027"
    assert date_span(dt.date(2026, 10, 6), dt.date(2026, 10, 6), "id") == "6 Okt 2026"
