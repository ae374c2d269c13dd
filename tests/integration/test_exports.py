"""Formula-like text in a table on a page: shown inert, with its CSV download."""
from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest


def _table_with_hostile_text():
    import polars as pl

    from ui import blocks

    blocks.table(pl.DataFrame({"keluhan": ["=HYPERLINK(\"http://x\")", "biasa"]}), key="hostile")


def test_a_table_and_its_csv_download_show_the_text_inert():
    st.cache_data.clear()
    at = AppTest.from_function(_table_with_hostile_text)
    at.run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert shown["keluhan"].tolist() == ["'=HYPERLINK(\"http://x\")", "biasa"]
    assert at.get("download_button"), "every table can be downloaded"
