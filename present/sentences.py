"""Sentences built from query rows: what changed, and how a promise's KPI did since it was raised."""
from __future__ import annotations

import datetime as dt
import json

from etl.catalogue import KPI_BY_ID
from present.formats import date_long, kpi_value, minutes, number, period_label, target_text
from present.words import code_label, current_language, kpi_label, t


def change_sentence(row: dict, granularity: str, lang: str | None = None) -> str:
    """`Serang: Tunggu ≤ 15 menit turun dari 91,0% ke 72,0% (signifikan), 3 minggu berturut-turut di bawah target`."""
    lang = lang or current_language()
    kpi, english = row["kpi"], lang == "en"
    went = ("rose" if english else "naik") if row["value"] > row["before"] else ("fell" if english else "turun")
    text = (f"{row['name']}: {kpi_label(kpi, lang)} {went} {'from' if english else 'dari'} "
            f"{kpi_value(row['before'], kpi, lang)} {'to' if english else 'ke'} {kpi_value(row['value'], kpi, lang)} "
            f"({'significant' if english else 'signifikan'})")
    if row.get("branches_alike"):
        text += f", {'in' if english else 'di'} {row['branches_alike']} {'branches' if english else 'cabang'}"
    streak = row.get("streak") or 0
    if streak >= 2:
        unit = {"week": ("minggu", "weeks"), "month": ("bulan", "months")}[granularity][english]
        side = (("below", "di bawah") if KPI_BY_ID[kpi].higher_is_better else ("above", "di atas"))[not english]
        text += (f", {streak} {unit} running {side} target" if english
                 else f", {streak} {unit} berturut-turut {side} target")
    elif row["meets_target"] is False:
        text += ", now missing its target" if english else ", kini tidak memenuhi target"
    if row.get("versus_region") == "consistent":
        text += ("; still within the region's normal spread (funnel)" if english
                 else "; masih dalam sebaran wajar wilayah (corong)")
    return text + _during(row, lang)


def _during(row: dict, lang: str) -> str:
    """`; selama: JMO gangguan` when the change fell inside known events of its scope (etl.annotations.during)."""
    return f"; {t('during', lang, events=row['during'])}" if row.get("during") else ""


def recovery_text(row: dict, lang: str | None = None) -> str:
    """`✓ target tercapai 2 dari 3 minggu sejak diangkat; terakhir 91,2%`; a dash for a topic without a KPI."""
    if row.get("kpi") is None:
        return "–"
    if row.get("weeks_since") is None:
        return t("too_early", lang)
    latest = kpi_value(row.get("latest_value"), row["kpi"], lang)
    return (f"{'✓' if row.get('latest_meets') else '✗'} "
            f"{t('recovered', lang, met=row['weeks_met'], since=row['weeks_since'], latest=latest)}")



def attention_sentence(row: dict, granularity: str, lang: str | None = None) -> str:
    """`KC Tangerang Cikokol: Tunggu ≤ 15 menit 46,3% (target ≥ 90,0%), lebih buruk dari wilayah (86,8%) dan
    dari biasanya (91,2%), 6 minggu berturut-turut di bawah target. Janji #3 (Kakanwil, Mg 45): jatuh tempo …`."""
    lang = lang or current_language()
    kpi, english = row["kpi"], lang == "en"
    text = f"{row['name']}: {kpi_label(kpi, lang)} {kpi_value(row['value'], kpi, lang)} " \
           f"({target_text(kpi, row['target'], lang)})"
    than = []
    if row.get("worse_than_region"):
        than.append(f"{'the region' if english else 'wilayah'} ({kpi_value(row['region'], kpi, lang)})")
    if row.get("worse_than_usual"):
        than.append(f"{'usual' if english else 'biasanya'} ({kpi_value(row['usual'], kpi, lang)})")
    text += (", worse than " if english else ", lebih buruk dari ") + (" and " if english else " dan ").join(than)
    streak = row.get("streak") or 0
    if streak >= 2:
        unit = {"week": ("minggu", "weeks"), "month": ("bulan", "months")}[granularity][english]
        text += f", {streak} {unit} running off target" if english else f", {streak} {unit} berturut-turut meleset"
    text += _during(row, lang) + "."
    if row.get("promise_id") is not None:
        raised = period_label(row["raised_period"], row["raised_granularity"], lang)
        text += " " + t("promise_raised", lang, id=row["promise_id"], by=row.get("raised_by") or "–", period=raised,
                        due=date_long(row["due_date"], lang))
    else:
        text += " " + t("no_promise", lang)
    return text


def day_breach_sentence(row: dict, lang: str | None = None) -> str:
    """`KC Serang: 1 dari 5 hari melewati batas. Terparah Kamis, 12 Nov 2026: tunggu P90 274 mnt (terlama 292 mnt),
    loket terisi 15,3% saat antre, 38 tiket masih antre saat tutup, layanan sampai 240 mnt lewat jam tutup.`"""
    lang = lang or current_language()
    return t("day_breach_sentence", lang, name=row["name"], count=row["breach_days"], seen=row["days_seen"],
             day=date_long(row["day"], lang), p90=minutes(row["wait_p90_min"], lang),
             longest=minutes(row["wait_max_min"], lang),
             staffing=kpi_value(row["staffing"], "worst_day_staffing", lang),
             waiting=number(row["waiting_at_close"], 0, lang), after=minutes(row["after_close_min"], lang))


def day_limits_note(wait_minutes: float, staffing_below: float, lang: str | None = None) -> str:
    """What makes a day count as over a hard limit, with the limits from the SOP config."""
    return t("day_breaches_note", lang, wait=minutes(wait_minutes, lang),
             staffing=kpi_value(staffing_below, "worst_day_staffing", lang))


def short_hours_sentence(row: dict, lang: str | None = None) -> str:
    """`KC Serang: 14 dari 49 jam layanan kurang loket, pada 2 hari (23 loket-jam kurang)`."""
    return t("short_hours_sentence", lang, name=row["branch_name"], short=number(row["short_hours"], 0, lang),
             hours=number(row["hours"], 0, lang), days=number(row["short_days"], 0, lang),
             missing=number(row["counter_hours_missing"], 0, lang))


def alert_sentence(row: dict, lang: str | None = None, named: bool = True) -> str:
    """An alert (etl.alerts) in words: `KC Serang: pada Rabu, 18 Nov 2026 ada pengunjung menunggu 95 menit …`;
    without the branch's name when not `named` (a list of one branch's alerts)."""
    lang = lang or current_language()
    words = _alert_words(row, json.loads(row["detail"]), lang)
    return f"{row['name']}: {words}" if named else words[:1].upper() + words[1:]


def _alert_words(row: dict, detail: dict, lang: str) -> str:
    if row["rule"] == "worse":
        than = [t(f"alert_than_{side}", lang) for side in ("region", "usual") if detail[f"worse_than_{side}"]]
        kpi = row["kpi"]
        return t("alert_worse", lang, kpi=kpi_label(kpi, lang), value=kpi_value(detail["value"], kpi, lang),
                 target=target_text(kpi, detail["target"], lang), than=" & ".join(than),
                 period=period_label(row["period_start"], "week", lang))
    if row["rule"] == "long_wait":
        return t("alert_long_wait", lang, day=date_long(row["period_start"], lang),
                 longest=number(detail["longest_minutes"], 0, lang), limit=number(detail["limit_minutes"], 0, lang),
                 over=number(detail["visitors_over"], 0, lang))
    if row["rule"] == "understaffed":
        return t("alert_understaffed", lang, day=date_long(row["period_start"], lang),
                 staffed=kpi_value(detail["staffed"], "counter_staffing", lang), hours=number(detail["busy_hours"], 0, lang),
                 limit=kpi_value(detail["limit"], "counter_staffing", lang))
    if row["rule"] == "overdue":
        return t("alert_overdue", lang, id=detail["follow_up_id"],
                 due=date_long(dt.date.fromisoformat(detail["due_date"]), lang))
    newest = detail["newest"]
    return t("alert_stale", lang, source=code_label(detail["source"], lang),
             newest=date_long(dt.date.fromisoformat(newest), lang) if newest else "–")
