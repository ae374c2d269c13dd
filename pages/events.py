"""Peristiwa: which known events (an outage, a closure, a training day) explain what the charts show?"""
import streamlit as st

from etl.annotations import AnnotationError
from etl.contract import ANNOTATION_CATEGORIES
from present import tables, words
from present.words import t
from service import annotations, commands, reference
from ui import auth, blocks, filters, session

FLASH = "event_flash"  # a confirmation that survives the rerun which shows the saved list
NEW = "new"
# The form's label for each field an AnnotationError names.
FIELDS = {"starts_on": "event_starts", "ends_on": "event_ends", "label": "event_label", "text": "event_text",
          "author": "your_name", "category": "event_category", "branch_code": "event_scope",
          "region_code": "event_scope"}

f = filters.current()
r = session.reader()
blocks.header("page_events", "events_question")
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")
names = reference.branch_names(r)
found = annotations.events(r, f.region).sort("starts_on", descending=True)
if found.is_empty():
    st.info(t("events_none"))
else:
    blocks.table(tables.events(found, names, f.lang), key="events")
st.caption(t("events_file_hint"))

# Whom a new event may concern: the whole region (regional heads) and the branches this viewer may write for.
scopes = [s for s in [None, *f.scope] if annotations.may_write(r.viewer, f.region, s)]
mine = {row["annotation_id"]: row for row in found.iter_rows(named=True)
        if annotations.may_write(r.viewer, row["region_code"], row["branch_code"])}
if not scopes:
    st.caption(t("event_not_yours"))
    st.stop()
picked = st.selectbox(t("event_pick"), [NEW, *mine], key="event_pick",
                      format_func=lambda i: t("event_new") if i == NEW else
                      f"{mine[i]['label']} · {words.code_label(mine[i]['category'])} · {mine[i]['starts_on']:%d/%m/%Y}")
event = mine.get(picked, {"branch_code": None, "category": "outage", "starts_on": f.period, "ends_on": f.period,
                          "label": "", "text": ""})
# Signed in, the author is the account's name; in the open demo, whoever types it.
me = session.viewer().name if auth.mode() != auth.OPEN_DEMO else st.text_input(t("your_name"), key="me",
                                                                               max_chars=120).strip()
with st.form(f"event_{picked}"):
    left, middle, right, last = st.columns(4)
    choices = list(dict.fromkeys([event["branch_code"], *scopes])) if picked != NEW else scopes
    scope = left.selectbox(t("event_scope"), choices,
                           format_func=lambda c: t("event_whole_region") if c is None else names.get(c, c))
    category = middle.selectbox(t("event_category"), ANNOTATION_CATEGORIES, format_func=words.code_label,
                                index=ANNOTATION_CATEGORIES.index(event["category"]))
    starts = right.date_input(t("event_starts"), value=event["starts_on"], format="DD/MM/YYYY")
    ends = last.date_input(t("event_ends"), value=event["ends_on"], format="DD/MM/YYYY")
    label = st.text_input(t("event_label"), value=event["label"], max_chars=40)
    text = st.text_input(t("event_text"), value=event["text"] or "", max_chars=500)
    save, remove = st.columns([1, 4])
    saved = save.form_submit_button(t("event_save"), type="primary", icon=":material/save:")
    removed = picked != NEW and remove.form_submit_button(t("event_remove"), icon=":material/delete:")
if removed:
    commands.remove_annotation(r, picked)
    st.session_state[FLASH] = t("event_removed")
    st.rerun()
if saved and not me:
    st.warning(t("name_needed"))
elif saved:
    try:
        commands.save_annotation(r, region_code=f.region, branch_code=scope, category=category, starts_on=starts,
                                 ends_on=ends, label=label, text=text, author=me,
                                 annotation_id=None if picked == NEW else picked)
        st.session_state[FLASH] = t("event_saved")
        st.rerun()
    except AnnotationError as error:
        st.error(t("event_error", field=t(FIELDS.get(error.field, "event_label")),
                   problem=str(error).partition(": ")[2]))
