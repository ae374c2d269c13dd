"""The read side and the people's writes: what any front end may ask of the database, for a given viewer.

Every function takes a `Reader` (engine, viewer, SOP config and a cache) as its first argument and
returns polars frames. It knows nothing of Streamlit: the dashboard wraps the cache in `ui.session`,
the meeting pack and the command line use a Reader of their own. Who sees what is decided here,
from the Reader's viewer, before any cache is asked.
"""
