"""Tindak Lanjut: what was agreed in the meeting, who owns it, and did the KPI recover since?"""
import datetime as dt

import polars as pl
import streamlit as st

from etl.catalogue import KPIS
from etl.follow_ups import STATUSES, FollowUpError, StaleEdit
from present import formats, sentences, strings, tables, words
from present.words import t
from service import alerts, commands, follow_ups, reference
from ui import auth, blocks, filters, session

OPENED = "follow_up_opened"  # follow_up_id → the version the user opened, for the optimistic check
FLASH = "follow_up_flash"  # a confirmation that survives the rerun which shows the saved list

f = filters.current()
r = session.reader()
blocks.header("page_follow_ups", "follow_ups_question")
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")
# Signed in, the name is the account's; in the open demo, whoever types it.
me = session.viewer().name if auth.mode() != auth.OPEN_DEMO else st.text_input(t("your_name"), key="me",
                                                                               max_chars=120).strip()
names = reference.branch_names(r)
kpis = [k.id for k in KPIS]


def kpi_choice(kpi: str | None) -> str:
    return t("free_topic") if kpi is None else words.kpi_label(kpi)


def explain(error: Exception) -> None:
    """One sentence for the two errors a person can cause, in the page's language."""
    if isinstance(error, StaleEdit):
        current = error.current
        st.error(t("stale_edit", who=blocks.plain(current["updated_by"]),
                   when=formats.datetime_short(current["updated_at"]), version=current["version"]),
                 icon=":material/sync_problem:")
    else:
        label = t(error.field) if error.field in strings.STRINGS else error.field
        st.error(t("invalid_field", field=label, problem=str(error).partition(": ")[2]))


draft = filters.draft()
with st.expander(t("new_follow_up"), expanded=draft is not None, icon=":material/add_task:"):
    draft = draft or {"branch_code": f.scope[0], "kpi": None, "granularity": f.granularity, "raised_period": f.period}
    # Not cleared on submit: a promise made twice is refused until confirmed, and the text must survive that.
    with st.form("new_follow_up"):
        left, right = st.columns(2)
        choices = [c for c in dict.fromkeys([draft["branch_code"], *f.scope]) if follow_ups.may_edit_follow_ups(r, c)]
        branch = left.selectbox(t("branch"), choices, format_func=lambda c: names.get(c, c))
        kpi = right.selectbox(t("kpi"), [None, *kpis], index=([None, *kpis].index(draft["kpi"])),
                              format_func=kpi_choice)
        topic = st.text_input(t("topic"), value=words.kpi_label(draft["kpi"]) if draft["kpi"] else "", max_chars=200)
        agreed = st.text_area(t("agreed"))
        left, right = st.columns(2)
        owner = left.text_input(t("owner"), max_chars=120)
        # Due at the next meeting: a week after the week this one is held in.
        next_meeting = follow_ups.meeting_week_end(draft["raised_period"], draft["granularity"]) + dt.timedelta(days=7)
        due = right.date_input(t("due_date"), value=next_meeting, format="DD/MM/YYYY")
        st.caption(f"{t('raised_in')}: {formats.period_label(draft['raised_period'], draft['granularity'])}")
        also = st.checkbox(t("also_if_open"), key="also_if_open")
        if st.form_submit_button(t("create"), type="primary", icon=":material/add:"):
            if not me:
                st.warning(t("name_needed"))
            else:
                try:
                    new_id = commands.add_follow_up(r, branch_code=branch, kpi=kpi, topic=topic, agreed=agreed,
                                                   owner=owner, due_date=due, granularity=draft["granularity"],
                                                   raised_period=draft["raised_period"], created_by=me,
                                                   also_if_open=also)
                    filters.drop_draft()
                    st.session_state[FLASH] = t("created", id=new_id)
                    st.rerun()
                except commands.AlreadyPromised as promised:
                    same = promised.existing
                    st.warning(t("already_promised", id=same["follow_up_id"], by=same["created_by"] or "–",
                                 due=formats.date_long(same["due_date"])), icon=":material/content_copy:")
                except FollowUpError as error:
                    explain(error)

st.subheader(t("follow_up_list"))
show_closed = st.toggle(t("show_closed"), key="show_closed")
items = follow_ups.follow_up_list(r, f.region, None if show_closed else follow_ups.OPEN_STATUSES)
if f.picked:
    items = items.filter(pl.col("branch_code").is_in(f.picked))
if blocks.has_rows(items):
    blocks.table(tables.follow_ups(items, f.lang), key="follow_ups")
    labels = {row["follow_up_id"]: f"#{row['follow_up_id']} · {row['name']} · {row['topic']}"
              for row in items.iter_rows(named=True) if follow_ups.may_edit_follow_ups(r, row["branch_code"])}
    if len(labels) < items.height:
        st.caption(t("edit_own_branch_only"))
    picked = st.selectbox(t("edit_hint"), [None, *labels], format_func=lambda i: "–" if i is None else labels[i],
                          key="edit_item")
    if picked is not None:
        item = items.filter(pl.col("follow_up_id") == picked).row(0, named=True)
        opened = st.session_state.setdefault(OPENED, {})
        # The version the user first saw is what they edit; a newer one saved meanwhile must not be overwritten.
        version = opened.setdefault(item["follow_up_id"], item["version"])
        st.markdown(f"**{t('edit_follow_up', id=item['follow_up_id'], version=version)}**")
        with st.form(f"edit_{item['follow_up_id']}_{version}"):
            left, middle, right = st.columns(3)
            status = left.selectbox(t("status"), STATUSES, index=STATUSES.index(item["status"]),
                                    format_func=words.code_label)
            owner = middle.text_input(t("owner"), value=item["owner"], max_chars=120)
            due = right.date_input(t("due_date"), value=item["due_date"], format="DD/MM/YYYY")
            agreed = st.text_area(t("agreed"), value=item["agreed"])
            notes = st.text_area(t("notes"), value=item["notes"] or "")
            if st.form_submit_button(t("save"), type="primary", icon=":material/save:"):
                if not me:
                    st.warning(t("name_needed"))
                else:
                    try:
                        saved = commands.save_follow_up(r, item["follow_up_id"], version, me, status=status, owner=owner,
                                                       due_date=due, agreed=agreed, notes=notes)
                        opened.pop(item["follow_up_id"], None)
                        st.session_state[FLASH] = t("saved", version=saved)
                        st.rerun()
                    except (StaleEdit, FollowUpError) as error:
                        explain(error)
        if st.button(t("reload"), icon=":material/refresh:"):
            opened.pop(item["follow_up_id"], None)
            st.rerun()
        with st.expander(t("history"), icon=":material/history:"):
            blocks.table(tables.follow_up_history(follow_ups.follow_up_history(r, item["follow_up_id"]), f.lang),
                         key="follow_up_history")

st.subheader(t("alerts"))
st.caption(t("alerts_note"))
# A branch manager reads their own branch's alerts only (service.alerts).
alert_codes = list(r.viewer.record_codes(f.scope))
alert_branch = st.selectbox(t("alerts_branch"), alert_codes, format_func=lambda c: names.get(c, c), key="alert_branch")
if alert_branch:
    raised = alerts.branch_history(r, f.region, alert_branch)
    if raised.is_empty():
        st.info(t("alerts_none", branch=blocks.plain(names.get(alert_branch, alert_branch))))
    else:  # sentences wrap on a projector where a table would cut them; the branch is the one picked above
        st.markdown("\n".join(f"- **{formats.datetime_short(row['raised_at'])}** · {t('rule_' + row['rule'])}: "
                               f"{sentences.alert_sentence(row, f.lang, named=False)}"
                               for row in raised.iter_rows(named=True)))
