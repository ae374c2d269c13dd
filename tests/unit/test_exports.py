"""Spreadsheet formula injection: text that starts like a formula leaves every table and CSV inert."""
from __future__ import annotations

import polars as pl

from present.tables import csv_text, inert_text

HOSTILE = ["=HYPERLINK(\"http://x\",\"klik\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
           "\t=1+1", "\r=1+1"]


def test_formula_text_gets_an_apostrophe_and_other_text_is_untouched():
    frame = pl.DataFrame({"text": [*HOSTILE, "antrean lama", "5-3", None], "n": list(range(9))})
    safe = inert_text(frame)
    assert safe["text"].to_list() == ["'" + v for v in HOSTILE] + ["antrean lama", "5-3", None]
    assert safe["n"].equals(frame["n"]) and safe.schema == frame.schema


def test_signed_numbers_are_numbers_not_formulas():
    """A rank change of +10 reads as 10 in a spreadsheet: it stays as it is, on screen and in the CSV."""
    frame = pl.DataFrame({"change": ["+10", "-5", "-1,5", "+2.5", "+1,2 poin", "-", "+"]})
    assert inert_text(frame)["change"].to_list() == ["+10", "-5", "-1,5", "+2.5", "'+1,2 poin", "-", "+"]


def test_the_csv_download_is_inert_and_flattens_sparklines():
    frame = pl.DataFrame({"keluhan": ["=1+1", "biasa"], "recent": [[0.5, 0.25], [1.0]]})
    assert csv_text(frame).splitlines() == ["keluhan,recent", "'=1+1,0.5 0.25", "biasa,1.0"]




def test_the_csv_download_leaves_sparkline_images_out():
    from present.charts.sparkline import sparkline
    frame = pl.DataFrame({"kpi": ["wait"], "recent": [sparkline([1.0, 0.5], "red", 1.5)]})
    assert csv_text(frame).splitlines() == ["kpi", "wait"]
