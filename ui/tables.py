"""Table builders: pure functions from a query frame to a display frame with words and formatted numbers."""
from __future__ import annotations

import polars as pl

from etl.catalogue import COMPLIANCE_INDEX
from ui import i18n
from ui.charts import ZONE_SYMBOLS, zone_label


def zones(frame: pl.DataFrame, granularity: str, lang: str) -> pl.DataFrame:
    """Branch, period, compliance index and zone (with its symbol) per row."""
    return pl.DataFrame({
        i18n.t("branch", lang): frame["branch_name"],
        i18n.t("period", lang): [i18n.period_label(p, granularity, lang) for p in frame["period_start"]],
        i18n.kpi_label(COMPLIANCE_INDEX, lang): [i18n.number(v, 1, lang) for v in frame["value"]],
        i18n.t("zone", lang): [zone_label(z, lang) for z in frame["zone"]],
    })


def missed_kpis(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Branch KPIs that missed target: this period's value, the previous one and the target."""
    def formatted(column: str) -> list[str]:
        return [i18n.kpi_value(v, k, lang) for v, k in zip(frame[column], frame["kpi"])]

    return pl.DataFrame({
        i18n.t("branch", lang): frame["name"],
        i18n.t("kpi", lang): [i18n.kpi_label(k, lang) for k in frame["kpi"]],
        i18n.t("value", lang): formatted("value"),
        i18n.t("previous_value", lang): formatted("previous"),
        i18n.t("target", lang): formatted("target"),
    }, schema={name: pl.String for name in (i18n.t("branch", lang), i18n.t("kpi", lang), i18n.t("value", lang),
                                             i18n.t("previous_value", lang), i18n.t("target", lang))})


def comparison(frame: pl.DataFrame, codes: list[str], names: dict[str, str], lang: str) -> pl.DataFrame:
    """One row per KPI, one column per branch (and the region), each value with ✓/✗, then the target."""
    cells = {(r["code"], r["kpi"]): r for r in frame.iter_rows(named=True)}
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    targets = dict(zip(frame["kpi"], frame["target"]))

    def shown(code: str, kpi: str) -> str:
        row = cells.get((code, kpi))
        return f"{ZONE_SYMBOLS[row['status']]} {i18n.kpi_value(row['value'], kpi, lang)}" if row else "–"

    return pl.DataFrame({
        i18n.t("kpi", lang): [i18n.kpi_label(k, lang) for k in kpis],
        **{names.get(code, code): [shown(code, k) for k in kpis] for code in codes},
        i18n.t("target", lang): [i18n.kpi_value(targets[k], k, lang) for k in kpis],
    })


def league(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Rank, branch, index, zone, changes, and the KPIs missed or significantly off the region, in words."""
    def labels(kpis: list[str]) -> str:
        return ", ".join(i18n.kpi_label(k, lang) for k in kpis) or "–"

    def moved(change: int | None) -> str:
        return "–" if change is None else ("▲ " if change > 0 else "▼ " if change < 0 else "= ") + str(abs(change))

    return pl.DataFrame({
        i18n.t("rank", lang): frame["rank"],
        i18n.t("branch", lang): frame["name"],
        i18n.kpi_label(COMPLIANCE_INDEX, lang): [i18n.number(v, 1, lang) for v in frame["index"]],
        i18n.t("zone", lang): [zone_label(z, lang) for z in frame["zone"]],
        i18n.t("change", lang): [i18n.kpi_change(c, COMPLIANCE_INDEX, lang) or "–" for c in frame["change"]],
        i18n.t("rank_change", lang): [moved(c) for c in frame["rank_change"]],
        i18n.t("worse_than_region", lang): [labels(k) for k in frame["worse"]],
        i18n.t("better_than_region", lang): [labels(k) for k in frame["better"]],
        i18n.t("missed_kpis", lang): [labels(k) for k in frame["missed"]],
    })


def follow_ups(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One row per item: branch, KPI or topic, when raised, what was agreed, owner, due date, status, recovery."""
    return pl.DataFrame({
        "#": frame["follow_up_id"],
        i18n.t("branch", lang): frame["name"],
        i18n.t("topic", lang): [i18n.kpi_label(k, lang) if k else topic for k, topic in zip(frame["kpi"], frame["topic"])],
        i18n.t("raised_in", lang): [i18n.period_label(p, g, lang) for p, g in zip(frame["raised_period"],
                                                                                  frame["granularity"])],
        i18n.t("agreed", lang): frame["agreed"],
        i18n.t("owner", lang): frame["owner"],
        i18n.t("due_date", lang): [i18n.date_long(d, lang) for d in frame["due_date"]],
        i18n.t("status", lang): [i18n.code_label(s, lang) for s in frame["status"]],
        i18n.t("recovery", lang): [i18n.recovery_text(r, lang) for r in frame.iter_rows(named=True)],
    })


def follow_up_history(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Every saved version: who, when, and the fields as they were saved."""
    return pl.DataFrame({
        i18n.t("version", lang): frame["version"],
        i18n.t("changed_at", lang): [i18n.datetime_short(m, lang) for m in frame["changed_at"]],
        i18n.t("changed_by", lang): frame["changed_by"],
        i18n.t("status", lang): [i18n.code_label(s, lang) for s in frame["status"]],
        i18n.t("owner", lang): frame["owner"],
        i18n.t("due_date", lang): [i18n.date_long(d, lang) for d in frame["due_date"]],
        i18n.t("agreed", lang): frame["agreed"],
        i18n.t("notes", lang): frame["notes"],
    })


def report_card(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One row per KPI: value with ✓/✗, target, the funnel verdict and the recent values for a sparkline."""
    verdict = {None: "–", "worse": i18n.t("verdict_worse", lang), "better": i18n.t("verdict_better", lang),
               "consistent": i18n.t("verdict_consistent", lang)}
    return pl.DataFrame({
        i18n.t("kpi", lang): [i18n.kpi_label(k, lang) for k in frame["kpi"]],
        i18n.t("value", lang): [f"{ZONE_SYMBOLS[s]} {i18n.kpi_value(v, k, lang)}"
                                for s, v, k in zip(frame["status"], frame["value"], frame["kpi"])],
        i18n.t("target", lang): [i18n.kpi_value(v, k, lang) for v, k in zip(frame["target"], frame["kpi"])],
        i18n.t("funnel_position", lang): [verdict[v] for v in frame["verdict"]],
        i18n.t("recent", lang): frame["recent"],
    })
