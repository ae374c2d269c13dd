"""The meeting pack: an XLSX workbook and a PDF a regional head can email before the weekly meeting.

`content` gathers the numbers (only through ui.queries), `xlsx` and `pdf` write them, `pack` names
and bundles the files for the CLI (`python -m etl report`) and the dashboard's download button.
"""
from __future__ import annotations

import logging

# ui.queries caches with st.cache_data, which outside a Streamlit server warns "No runtime found" for
# every cached function, already when ui.queries is imported.
STREAMLIT_LOGGERS = ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.caching.cache_resource_api",
                     "streamlit.runtime.scriptrunner_utils.script_run_context")


def quiet_streamlit() -> None:
    """Keep only errors from Streamlit's cache loggers; call it before ui.queries is imported (CLI, scripts).

    A filter, not a level: Streamlit sets its loggers' levels when it creates them and when it reads its config.
    """
    for name in STREAMLIT_LOGGERS:
        logger = logging.getLogger(name)
        if _errors_only not in logger.filters:
            logger.addFilter(_errors_only)


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR
