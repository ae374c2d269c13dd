"""The meeting pack from the weekly page: built on request, with each step shown, then offered for download.

Building takes seconds (the PDF is printed by a headless browser), so it is never done while the page renders:
a button starts it, a status box names each step as it runs, and the finished files wait in the session for
the download button, for this region, period, language and pick only.
"""
from __future__ import annotations

import io
import zipfile

import streamlit as st

from present.words import t
from report import pdf, xlsx
from report.content import collect
from report.pack import file_stem
from service.reader import Reader
from ui.filters import Filters

_READY = "pack_ready"


def offer(r: Reader, f: Filters) -> None:
    """A "prepare" button, progress while it builds, then the download (PDF + XLSX, or XLSX without Chromium)."""
    key = (f.region, f.granularity, f.period, f.lang, f.picked)
    stem = file_stem(f.region, f.period, f.granularity)
    with_pdf = pdf.find_chromium() is not None
    ready = st.session_state.get(_READY)
    if (ready is None or ready[0] != key) and st.button(
            t("meeting_pack_prepare"), icon=":material/description:",
            help=t("meeting_pack_help") if with_pdf else t("meeting_pack_no_pdf")):
        ready = st.session_state[_READY] = (key, _build(r, f, stem, with_pdf))
    if ready is None or ready[0] != key:
        return
    content = ready[1]
    if with_pdf:
        st.download_button(t("meeting_pack"), data=content, file_name=f"{stem}.zip", mime="application/zip",
                           icon=":material/picture_as_pdf:", help=t("meeting_pack_help"))
    else:
        st.download_button(t("meeting_pack_xlsx"), data=content, file_name=f"{stem}.xlsx",
                           icon=":material/table:", help=t("meeting_pack_no_pdf"))


def _build(r: Reader, f: Filters, stem: str, with_pdf: bool) -> bytes:
    steps = 3 if with_pdf else 2
    bar = st.progress(0.0, text=t("pack_step_collect"))
    pack = collect(r, f.granularity, f.region, f.period, f.lang, f.picked)
    bar.progress(1 / steps, text=t("pack_step_xlsx"))
    workbook = xlsx.xlsx_bytes(pack)
    if not with_pdf:
        bar.progress(1.0, text=t("pack_step_done"))
        return workbook
    bar.progress(2 / steps, text=t("pack_step_pdf"))
    document = pdf.pdf_bytes(pack)
    bar.progress(1.0, text=t("pack_step_done"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.xlsx", workbook)
        archive.writestr(f"{stem}.pdf", document)
    return buffer.getvalue()
