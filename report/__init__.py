"""The meeting pack: an XLSX workbook and a PDF a regional head can email before the weekly meeting.

`content` gathers the numbers (only through the `service` queries, for a given viewer), `xlsx` and
`pdf` write them, `pack` names and bundles the files for the command line (`python -m report`) and
the dashboard's download button. Nothing here imports Streamlit.
"""
