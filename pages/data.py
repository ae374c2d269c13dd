"""Data & ETL: what was loaded and when, how fresh each source is, and what was quarantined."""
import streamlit as st

from etl.pseudonymise import KeyProblem
from etl.runlock import EtlBusy
from present import formats, tables, words
from present.words import t
from service import data
from ui import blocks, filters, session, uploads

f = filters.current()
r = session.reader()
blocks.header("page_data", "data_question")

st.subheader(t("upload"))
files = None
if session.viewer().may_upload:
    files = uploads.picker(t("upload_help"))
else:
    st.info(t("upload_heads_only"), icon=":material/lock:")
for message in uploads.oversized(files or []):
    st.error(message, icon=":material/block:")
if files and st.button(t("upload_run"), type="primary", icon=":material/upload:"):
    bar = st.progress(0.0, text=t("upload_run"))
    try:
        loaded = uploads.load_uploaded(files, lambda what, done, total: bar.progress(min(done / total, 1.0),
                                                                                      text=what))
    except (EtlBusy, KeyProblem) as refused:  # another run is loading, or the server's key is not the database's
        st.error(str(refused), icon=":material/block:")
    else:
        st.success(t("upload_done", loaded=formats.number(loaded["rows_loaded"].sum(), 0),
                     quarantined=formats.number(loaded["rows_quarantined"].sum(), 0)))
        blocks.table(tables.readable(loaded, f.lang), key="upload_result")

st.subheader(t("batches"))
batches = data.batches(r)
if blocks.has_rows(batches):
    summary, details = tables.batch_tables(batches, f.lang)
    blocks.table(summary, key="batches")
    with st.expander(t("batch_details")):
        blocks.table(details, key="batch_details")

st.subheader(t("source_freshness"))
blocks.table(tables.readable(data.source_freshness(r), f.lang), key="source_freshness")

st.subheader(t("quarantine"))
summary = data.quarantine_summary(r)
if summary.is_empty():
    st.success(t("no_quarantine"))
else:
    blocks.table(tables.readable(summary, f.lang), key="quarantine")
    for source, reason, rows in summary.iter_rows():
        title = f"{words.code_label(source)} · {words.code_label(reason)} ({formats.number(rows, 0)})"
        with st.expander(f"{t('quarantine_samples')}: {title}"):
            blocks.table(tables.readable(data.quarantine_samples(r, source, reason), f.lang),
                         key=f"quarantine_{source}_{reason}")
