"""Words and numbers that agree with themselves: changes, records in words, axis numbers."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import pytest

from present.charts.style import layout
from present.formats import kpi_change
from present.tables import complaint_records


@pytest.mark.parametrize(("change", "kpi", "lang", "shown"), [
    (-0.0001, "wait_within_sop", "id", "0,0 poin"), (0.00004, "wait_within_sop", "en", "0.0 pp"),
    (0.012, "wait_within_sop", "id", "+1,2 poin"), (-0.012, "wait_within_sop", "id", "-1,2 poin"),
    (0.001, "handoffs_per_visit", "id", "0,00"), (-2.0, "wait_p90_min", "id", "-2,0 mnt"),
    (10.0, "sop_compliance_index", "id", "+10"), (None, "sop_compliance_index", "id", None),
])
def test_a_change_that_rounds_to_nothing_has_no_sign(change, kpi, lang, shown):
    assert kpi_change(change, kpi, lang) == shown


def test_complaint_records_read_as_words_with_a_reason_for_every_empty_cell():
    frame = pl.DataFrame({
        "complaint_id": ["ADU-1"], "branch_code": ["BTN03"], "participant_id": [None], "channel": ["call_center"],
        "category": ["queue"], "received_at": [dt.datetime(2026, 11, 17, 9, 5)], "first_response_at": [None],
        "resolved_at": [None], "status": ["open"], "reopened": [False]},
        schema_overrides={"participant_id": pl.String, "first_response_at": pl.Datetime, "resolved_at": pl.Datetime})
    shown = complaint_records(frame, {"BTN03": "KC Tangerang Cikokol"}, "id").row(0, named=True)
    assert shown["Cabang"] == "KC Tangerang Cikokol" and shown["Diterima"] == "17 Nov 2026 09.05"
    assert (shown["Respons pertama"], shown["Selesai"]) == ("belum direspons", "belum selesai")
    assert "None" not in str(shown.values()) and "BTN03" not in str(shown.values())
    assert shown["Kanal · kategori"] == "Call center 175 · Antrean" and shown["Status"] == "Terbuka"
    assert "Peserta (pseudonim)" not in shown  # a hash means nothing on a projector and widened the table past it


def test_axis_numbers_group_thousands_unless_the_chart_names_its_format():
    figure = layout(go.Figure(go.Bar(x=["a", "b"], y=[1500, 12220])), "id")
    assert figure.layout.yaxis.tickformat == ",.6~g" and figure.layout.separators == ",."
    share = go.Figure(go.Scatter(x=[1, 2], y=[0.5, 0.9]))
    share.update_yaxes(tickformat=".1%")
    assert layout(share, "en").layout.yaxis.tickformat == ".1%"


def test_the_etl_s_own_tables_read_as_words_and_grouped_numbers():
    from present.tables import readable
    frame = pl.DataFrame({"batch_id": [157], "source": ["queue_tickets"], "status": ["loaded"], "rows_read": [12247],
                          "finished_at": [dt.datetime(2026, 11, 17, 6, 0)], "message": [None], "reason": ["time_order"]},
                         schema_overrides={"message": pl.String})
    assert readable(frame, "id").row(0, named=True) == {
        "Batch": 157, "Sumber": "Tiket antrean", "Status": "Dimuat", "Baris dibaca": "12.247",
        "Selesai": "17 Nov 2026 06.00", "Pesan": "–", "Alasan": "Urutan waktu terbalik"}
    assert readable(frame, "en").row(0, named=True)["Rows read"] == "12,247"


def test_the_funnel_names_only_the_flagged_and_picked_branches():
    from present.charts import funnel_plot
    judged = pl.DataFrame({"code": ["B1", "B2", "B3"], "name": ["Alpha", "Beta", "Gamma"],
                           "verdict": ["consistent", "worse", "consistent"], "value": [0.9, 0.6, 0.92],
                           "numerator": [90.0, 60.0, 92.0], "denominator": [100.0, 100.0, 100.0],
                           "rate": [0.9, 0.6, 0.92], "pooled": [0.81] * 3})
    curve = pl.DataFrame({"denominator": [10.0, 100.0], **{f"{side}_{level}": [0.5, 0.7] if side == "lower" else
                                                            [0.95, 0.9] for side in ("lower", "upper")
                                                            for level in ("95", "998")}})
    figure = funnel_plot(judged, curve, "wait_within_sop", "id", picked=("B3",))
    named = {name for trace in figure.data if trace.text for name in trace.text if name}
    assert named == {"Beta", "Gamma"}  # Alpha is consistent and not picked: on hover only


def test_targets_in_tables_say_which_side_meets_them():
    from present.tables import comparison
    frame = pl.DataFrame({"code": ["B1", "R"], "kpi": ["wait_p90_min"] * 2, "value": [12.0, 14.0],
                          "target": [15.0, 15.0], "status": ["green", "green"], "kpi_order": [1, 1]})
    shown = comparison(frame, ["B1", "R"], {"B1": "Alpha", "R": "Wilayah"}, "id")
    assert shown["Target"].to_list() == ["≤ 15,0 mnt"]


def test_every_complaint_channel_reads_as_words_in_both_languages_other_too():
    from etl.contract import COMPLAINT_CHANNELS
    from present.words import code_label

    assert "other" in COMPLAINT_CHANNELS  # post, fax, referral: channels of foreign exports (data/README.md)
    for channel in COMPLAINT_CHANNELS:
        assert code_label(channel, "id") != channel and code_label(channel, "en") != channel, channel
    assert (code_label("other", "id"), code_label("other", "en")) == ("Lainnya", "Other")


def test_a_reopened_complaint_says_so_in_its_status():
    frame = pl.DataFrame({
        "complaint_id": ["ADU-1", "ADU-2"], "branch_code": ["BTN03", "BTN03"], "channel": ["email", "email"],
        "category": ["queue", "queue"], "received_at": [dt.datetime(2026, 11, 17, 9, 5)] * 2,
        "first_response_at": [dt.datetime(2026, 11, 17, 10, 5)] * 2,
        "resolved_at": [dt.datetime(2026, 11, 18, 10, 5)] * 2, "status": ["resolved"] * 2, "reopened": [True, False]})
    assert complaint_records(frame, {}, "en")["Status"].to_list() == ["Resolved · reopened", "Resolved"]


LEAGUE = pl.DataFrame({"rank": [1, 2], "name": ["KC A", "KC B"], "index": [95.24, 61.9], "zone": ["green", "yellow"],
                       "change": [10.0, -5.0], "rank_change": [2, None], "worse": [[], ["wait_within_sop",
                                                                                        "claim_rejection_rate"]],
                       "better": [["wait_within_sop"], []], "missed": [[], ["wait_within_sop"]]})


def test_the_league_on_screen_counts_the_kpis_and_a_picked_row_names_them():
    from present.tables import league_details, league_screen
    shown = league_screen(LEAGUE, "id")
    assert shown.row(1, named=True) == {"Peringkat": 2, "Cabang": "KC B", "Indeks": "61,9", "Zona": "! Kuning",
                                        "Perubahan": "-5", "Naik/turun": "–", "Lebih buruk": 2, "Lebih baik": 0,
                                        "Meleset": 1}
    assert league_details(LEAGUE.row(1, named=True), "en") == [
        "Significantly worse: Wait ≤ 15 min, Claim rejection rate", "Significantly better: –",
        "KPIs missed: Wait ≤ 15 min"]


def test_the_batches_split_into_two_tables_that_keep_every_column():
    from present.tables import BATCH_DETAIL, BATCH_SUMMARY, batch_tables
    columns = {c: [1] for c in ("batch_id", "rows_read", "rows_loaded", "rows_adjusted", "rows_quarantined",
                                "exact_duplicates")}
    frame = pl.DataFrame({**columns, "file_name": ["q.csv"], "source": ["claims"], "status": ["loaded"],
                          "started_at": [dt.datetime(2026, 11, 17, 6)], "finished_at": [dt.datetime(2026, 11, 17, 6)],
                          "loaded_by": ["etl"], "message": [None]}, schema_overrides={"message": pl.String})
    summary, details = batch_tables(frame, "en")
    assert set(BATCH_SUMMARY) | set(BATCH_DETAIL) == set(frame.columns)
    assert summary.columns[0] == details.columns[0] == "Batch"  # the detail table is read by batch number
    assert summary.width + details.width == frame.width + 1
