"""Table builders: pure functions from a query frame to a display frame with words and formatted numbers."""
from __future__ import annotations

import polars as pl

from etl.catalogue import COMPLIANCE_INDEX
from etl.contract import FORMULA_START
from etl.evaluation import ATTAINMENT_CAP
from present import formats, sentences, words
from present.charts.sparkline import IMAGE_PREFIX, sparkline
from present.charts.style import ZONE_SYMBOLS, zone_label

# Columns of the ETL's own tables that hold codes (shown as words), and whole numbers that are ids (left as they are).
CODED = ("source", "status", "reason")
IDS = ("batch_id", "row_number")


def zones(frame: pl.DataFrame, granularity: str, lang: str) -> pl.DataFrame:
    """Branch, period, compliance index and zone (with its symbol) per row."""
    return pl.DataFrame({
        words.t("branch", lang): frame["branch_name"],
        words.t("period", lang): [formats.period_label(p, granularity, lang) for p in frame["period_start"]],
        words.kpi_label(COMPLIANCE_INDEX, lang): [formats.number(v, 1, lang) for v in frame["value"]],
        words.t("zone", lang): [zone_label(z, lang) for z in frame["zone"]],
    })


def attention(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The meeting list as a table to act on: branch, KPI, value against target, the region and usual level,
    periods missed in a row, and the open promise about it (or that there is none yet). A dash in the region
    column is a KPI the funnel does not compare (medians, percentiles, counts); ATTENTION_HELP says so."""
    def each(column: str) -> list[str]:
        return [formats.kpi_value(v, k, lang) for v, k in zip(frame[column], frame["kpi"])]

    def promise(row: dict) -> str:
        if row.get("promise_id") is None:
            return words.t("no_promise_short", lang)
        return f"#{row['promise_id']} · {formats.date_long(row['due_date'], lang)}"

    return pl.DataFrame({
        words.t("branch", lang): frame["name"],
        words.t("kpi", lang): [words.kpi_label(k, lang) for k in frame["kpi"]],
        words.t("value_target", lang): [f"{v} ({formats.target_text(k, t, lang)})" for v, k, t in
                                        zip(each("value"), frame["kpi"], frame["target"])],
        words.t("region_value", lang): each("region"),
        words.t("usual_value", lang): each("usual"),
        words.t("periods_missed", lang): frame["streak"],
        words.t("promise", lang): [promise(row) for row in frame.iter_rows(named=True)],
    })


def comparison(frame: pl.DataFrame, codes: list[str], names: dict[str, str], lang: str) -> pl.DataFrame:
    """One row per KPI, one column per branch (and the region), each value with ✓/✗, then the target."""
    cells = {(r["code"], r["kpi"]): r for r in frame.iter_rows(named=True)}
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    targets = dict(zip(frame["kpi"], frame["target"]))

    def shown(code: str, kpi: str) -> str:
        row = cells.get((code, kpi))
        return f"{ZONE_SYMBOLS[row['status']]} {formats.kpi_value(row['value'], kpi, lang)}" if row else "–"

    return pl.DataFrame({
        words.t("kpi", lang): [words.kpi_label(k, lang) for k in kpis],
        **{names.get(code, code): [shown(code, k) for k in kpis] for code in codes},
        words.t("target", lang): [formats.target_text(k, targets[k], lang) for k in kpis],
    })


def league(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Rank, branch, index, zone, changes, and the KPIs missed or significantly off the region, in words."""
    return pl.DataFrame({
        words.t("rank", lang): frame["rank"],
        words.t("branch", lang): frame["name"],
        words.kpi_label(COMPLIANCE_INDEX, lang): [formats.number(v, 1, lang) for v in frame["index"]],
        words.t("zone", lang): [zone_label(z, lang) for z in frame["zone"]],
        words.t("change", lang): [formats.kpi_change(c, COMPLIANCE_INDEX, lang) or "–" for c in frame["change"]],
        words.t("rank_change", lang): [_moved(c) for c in frame["rank_change"]],
        **{words.t(header, lang): [_kpi_labels(k, lang) for k in frame[column]] for header, column, _ in LEAGUE_LISTS},
    })


# The league's lists of KPIs: significantly worse and better than the region, and missed: header, column, and the
# short header league_screen counts them under.
LEAGUE_LISTS = (("worse_than_region", "worse", "worse_short"), ("better_than_region", "better", "better_short"),
                ("missed_kpis", "missed", "missed_short"))


def league_screen(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The league as it fits a 1280 px screen: short headers, and the lists of KPIs as counts (a branch far behind
    has four or five, which pushed the table to 1.800 px); league_details names them for a picked branch."""
    return pl.DataFrame({
        words.t("rank", lang): frame["rank"],
        words.t("branch", lang): frame["name"],
        words.t("index_short", lang): [formats.number(v, 1, lang) for v in frame["index"]],
        words.t("zone", lang): [zone_label(z, lang) for z in frame["zone"]],
        words.t("change", lang): [formats.kpi_change(c, COMPLIANCE_INDEX, lang) or "–" for c in frame["change"]],
        words.t("rank_change", lang): [_moved(c) for c in frame["rank_change"]],
        **{words.t(short, lang): [len(k) for k in frame[column]] for _, column, short in LEAGUE_LISTS},
    })


def league_details(row: dict, lang: str) -> list[str]:
    """The KPIs behind a branch's counts in league_screen, one line per list: `Signifikan lebih buruk: Tunggu …`."""
    return [f"{words.t(header, lang)}: {_kpi_labels(row[column], lang)}" for header, column, _ in LEAGUE_LISTS]


def _kpi_labels(kpis: list[str], lang: str) -> str:
    return ", ".join(words.kpi_label(k, lang) for k in kpis) or "–"


def _moved(change: int | None) -> str:
    return "–" if change is None else ("▲ " if change > 0 else "▼ " if change < 0 else "= ") + str(abs(change))


def follow_ups(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One row per item: branch, KPI or topic, when raised, what was agreed, owner, due date, status, recovery."""
    return pl.DataFrame({
        "#": frame["follow_up_id"],
        words.t("branch", lang): frame["name"],
        words.t("topic", lang): [words.kpi_label(k, lang) if k else topic for k, topic in zip(frame["kpi"], frame["topic"])],
        words.t("raised_in", lang): [formats.period_label(p, g, lang) for p, g in zip(frame["raised_period"],
                                                                                  frame["granularity"])],
        words.t("agreed", lang): frame["agreed"],
        words.t("owner", lang): frame["owner"],
        words.t("due_date", lang): [formats.date_long(d, lang) for d in frame["due_date"]],
        **({words.t("due_state", lang): [words.t(f"due_{s}", lang) for s in frame["due_state"]]}
           if "due_state" in frame.columns else {}),
        words.t("status", lang): [words.code_label(s, lang) for s in frame["status"]],
        words.t("recovery", lang): [sentences.recovery_text(r, lang) for r in frame.iter_rows(named=True)],
    })


def follow_up_history(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Every saved version: who, when, and the fields as they were saved."""
    return pl.DataFrame({
        words.t("version", lang): frame["version"],
        words.t("changed_at", lang): [formats.datetime_short(m, lang) for m in frame["changed_at"]],
        words.t("changed_by", lang): frame["changed_by"],
        words.t("status", lang): [words.code_label(s, lang) for s in frame["status"]],
        words.t("owner", lang): frame["owner"],
        words.t("due_date", lang): [formats.date_long(d, lang) for d in frame["due_date"]],
        words.t("agreed", lang): frame["agreed"],
        words.t("notes", lang): frame["notes"],
    })


def report_card(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One row per KPI: value with ✓/✗, target, the funnel verdict and the recent values for a sparkline."""
    verdict = {None: "–", "worse": words.t("verdict_worse", lang), "better": words.t("verdict_better", lang),
               "consistent": words.t("verdict_consistent", lang)}
    return pl.DataFrame({
        words.t("kpi", lang): [words.kpi_label(k, lang) for k in frame["kpi"]],
        words.t("value", lang): [f"{ZONE_SYMBOLS[s]} {formats.kpi_value(v, k, lang)}"
                                for s, v, k in zip(frame["status"], frame["value"], frame["kpi"])],
        words.t("target", lang): [formats.target_text(k, v, lang) for v, k in zip(frame["target"], frame["kpi"])],
        words.t("funnel_position", lang): [verdict[v] for v in frame["verdict"]],
        words.t("recent", lang): [sparkline(v.to_list() if v is not None else [], s, ATTAINMENT_CAP)
                                  for v, s in zip(frame["recent"], frame["status"])],
    })


def complaint_records(frame: pl.DataFrame, names: dict[str, str], lang: str) -> pl.DataFrame:
    """One row per complaint in words: branch names, labelled codes, dates as people write them, and a reason
    instead of an empty cell (not answered yet, not resolved yet). Seven columns, to fit a 1280×720 projector
    beside the sidebar: channel and category share one, and a reopened complaint says so in its status. The
    participant's pseudonym is left out: a hash tells a reader nothing (search still finds it)."""
    def when(moments, missing: str) -> list[str]:
        return [formats.datetime_short(m, lang) if m is not None else words.t(missing, lang) for m in moments]

    reopened = words.t("reopened", lang).lower()
    return pl.DataFrame({
        words.t("complaint_id", lang): frame["complaint_id"],
        words.t("branch", lang): [names.get(c, c) for c in frame["branch_code"]],
        words.t("channel_category", lang): [f"{words.code_label(c, lang)} · {words.code_label(k, lang)}"
                                             for c, k in zip(frame["channel"], frame["category"])],
        words.t("received", lang): when(frame["received_at"], "none_yet"),
        words.t("first_response", lang): when(frame["first_response_at"], "not_answered_yet"),
        words.t("resolved", lang): when(frame["resolved_at"], "not_resolved_yet"),
        words.t("status", lang): [f"{words.code_label(c, lang)}{' · ' + reopened if r else ''}"
                                  for c, r in zip(frame["status"], frame["reopened"])],
    }, schema_overrides={words.t("complaint_id", lang): pl.String})


# ETL batches in two tables that each fit a 1280 px screen: what a reader checks first, then the rest by batch.
BATCH_SUMMARY = ("batch_id", "file_name", "source", "status", "rows_read", "rows_loaded", "rows_quarantined",
                 "finished_at")
BATCH_DETAIL = ("batch_id", "rows_adjusted", "exact_duplicates", "started_at", "loaded_by", "message")


def batch_tables(frame: pl.DataFrame, lang: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The batches as `readable` tables: file, source, status, rows read, loaded and quarantined, and when it
    finished; then, by batch number, clock adjustments, exact duplicates, start, who loaded it and the message."""
    return readable(frame.select(BATCH_SUMMARY), lang), readable(frame.select(BATCH_DETAIL), lang)


def readable(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A record table as people read it: codes (sources, statuses, reasons…) as words, whole numbers with
    thousands grouped, timestamps as `17 Nov 2026 06.00`, empty cells as "–", headers in `lang`."""
    labels = words.code_labels(lang)
    shown = frame.with_columns(
        *(pl.col(c).replace(labels) for c, dtype in frame.schema.items() if dtype == pl.String and c in CODED),
        *(pl.col(c).map_elements(lambda v: formats.number(v, 0, lang), return_dtype=pl.String)
          for c, dtype in frame.schema.items() if dtype.is_integer() and c not in IDS),
        *(pl.col(c).map_elements(lambda v: formats.datetime_short(v, lang), return_dtype=pl.String)
          for c, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)),
    ).with_columns(pl.col(pl.String).fill_null("–"))
    return words.with_column_labels(shown, lang)


def inert_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Text that starts like a formula, prefixed with an apostrophe, so no spreadsheet runs it when opened."""
    text = pl.col(pl.String)
    return frame.with_columns(pl.when(text.str.contains(FORMULA_START)).then("'" + text).otherwise(text).name.keep())


def csv_text(frame: pl.DataFrame) -> str:
    """A table's CSV download: text made inert, lists as space-separated values, sparkline images left out."""
    images = [c for c, dtype in frame.schema.items()
              if dtype == pl.String and frame.height and str(frame[c][0]).startswith(IMAGE_PREFIX)]
    flat = inert_text(frame.drop(images)).with_columns(
        pl.col(pl.List(pl.Float64)).list.eval(pl.element().round(4).cast(pl.String)).list.join(" "))
    return flat.write_csv()


def events(frame: pl.DataFrame, names: dict[str, str], lang: str) -> pl.DataFrame:
    """Known events: label, category, whom they concern (a branch or the whole region), days, author and text."""
    return pl.DataFrame({
        words.t("event_pick", lang): frame["label"],
        words.t("event_category", lang): [words.code_label(c, lang) for c in frame["category"]],
        words.t("event_scope", lang): [names.get(b, b) if b else words.t("event_whole_region", lang)
                                       for b in frame["branch_code"]],
        words.t("period", lang): [formats.date_span(a, b, lang) for a, b in zip(frame["starts_on"], frame["ends_on"])],
        words.t("event_author", lang): frame["author"],
        words.t("event_description", lang): frame["text"],  # last: the longest, read whole on hover
    }, schema={words.t(k, lang): pl.String for k in ("event_pick", "event_category", "event_scope", "period",
                                                      "event_author", "event_description")})

