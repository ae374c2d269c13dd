"""The pack as an Excel workbook: real tables, real numbers with unit formats, zones as fill AND symbol.

Every text cell goes through `_Book.text`: it is stored as a string (never a formula), and one that
starts like a formula (= + - @, tab, CR) also gets Excel's quote prefix, the apostrophe a person types
to keep it text, so it stays inert when edited or copied out too.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from etl.catalogue import COMPLIANCE_INDEX, KPI_BY_ID
from etl.contract import FORMULA_START
from present import charts, formats, sentences, words
from present.charts import ZONE_SYMBOLS, zone_label
from report.content import Pack, event_lines, filter_lines, s

FILLS = {"green": ("#C6EFCE", "#006100"), "yellow": ("#FFEB9C", "#7A4A00"), "red": ("#FFC7CE", "#9C0006")}
UNIT_FORMATS = {"share": "0.0%", "ratio": "0.00", "count": "0", "index": "0.0"}
UNIT_SUFFIX = {"minutes": ("mnt", "min"), "working_days": ("hari", "days"), "per_1000": ("", "")}
HEADER = {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#1F3864", "font_color": "#FFFFFF"}
TITLE = {"bold": True, "font_size": 16}
TABLE_STYLE = "Table Style Light 1"


def write_xlsx(pack: Pack, path: Path) -> Path:
    """Write the workbook to `path`."""
    _write(pack, str(path))
    return path


def xlsx_bytes(pack: Pack) -> bytes:
    """The workbook as bytes, for a download button."""
    buffer = io.BytesIO()
    _write(pack, buffer)
    return buffer.getvalue()


def _write(pack: Pack, target) -> None:
    book = _Book(target, pack)
    _summary(book, pack)
    _league(book, pack)
    _matrix(book, pack)
    _changes(book, pack)
    _follow_ups(book, pack)
    book.close()


# --- number formats ---------------------------------------------------------------------------------------------------

def kpi_format(kpi: str, lang: str, symbol: str = "") -> str:
    """An Excel number format for a KPI's values: `0.0%`, `0.0 "mnt"`, optionally led by ✓ / ! / ✗."""
    unit = KPI_BY_ID[kpi].unit
    number = UNIT_FORMATS.get(unit) or f'0.0 "{UNIT_SUFFIX[unit][lang == "en"]}"'
    return f'"{symbol} "{number}' if symbol else number


def change_format(kpi: str, lang: str) -> str:
    """A signed format for a change between two values of a KPI."""
    plain = kpi_format(kpi, lang)
    return f"+{plain};-{plain};{plain}"


def _date_format(lang: str) -> str:
    return "dd/mm/yyyy" if lang == "id" else "d mmm yyyy"


# --- the workbook -----------------------------------------------------------------------------------------------------

class _Book:
    """An xlsxwriter workbook with cached formats and injection-safe text cells."""

    def __init__(self, target, pack: Pack):
        self.wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False, "in_memory": True})
        self.wb.set_properties({"title": f"Pantau · {pack.title} · {pack.region_name} · {pack.period_text}",
                                "author": "Pantau", "comments": f"{s('cutoff', pack.lang)} {pack.up_to}"})
        self.lang = pack.lang
        self._formats: dict = {}

    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def sheet(self, name: str) -> Worksheet:
        ws = self.wb.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.hide_gridlines(2)
        return ws

    def text(self, ws: Worksheet, row: int, col: int, value, **props) -> None:
        if value is None:
            ws.write_blank(row, col, None, self.fmt(**props))
            return
        value = str(value)
        if re.match(FORMULA_START, value):
            props = {**props, "quote_prefix": True}
        ws.write_string(row, col, value, self.fmt(**props))

    def number(self, ws: Worksheet, row: int, col: int, value, num_format: str | None = None, **props) -> None:
        if num_format:
            props = {**props, "num_format": num_format}
        if value is None:
            ws.write_blank(row, col, None, self.fmt(**props))
        else:
            ws.write_number(row, col, float(value), self.fmt(**props))

    def date(self, ws: Worksheet, row: int, col: int, value: dt.date | dt.datetime | None, **props) -> None:
        fmt = self.fmt(num_format=_date_format(self.lang) + (" hh:mm" if isinstance(value, dt.datetime) else ""),
                       **props)
        if value is None:
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_datetime(row, col, value if isinstance(value, dt.datetime)
                              else dt.datetime.combine(value, dt.time()), fmt)

    def table(self, ws: Worksheet, row: int, name: str, columns: list[tuple[str, float]], rows: int) -> int:
        """An Excel table with `columns` (header, width) from `row`; returns the first data row."""
        for col, (_, width) in enumerate(columns):
            ws.set_column(col, col, width)
        ws.add_table(row, 0, row + max(rows, 1), len(columns) - 1, {
            "name": name, "style": TABLE_STYLE,
            "columns": [{"header": header, "header_format": self.fmt(**HEADER)} for header, _ in columns],
        })
        ws.set_row(row, 36)
        ws.repeat_rows(row)
        return row + 1

    def heading(self, ws: Worksheet, pack: Pack, title: str) -> None:
        """Title and the filter line every sheet starts with (so a printed or forwarded sheet says what it is)."""
        self.text(ws, 0, 0, f"{title} · {pack.region_name} · {pack.period_text}", **TITLE)
        self.text(ws, 1, 0, f"{s('cutoff', pack.lang)} {formats.date_long(pack.up_to, pack.lang)} · "
                            f"{words.t('branches', pack.lang)}: "
                            f"{', '.join(pack.selected_names) or words.t('all_branches', pack.lang)}",
                  italic=True, font_color="#555555")

    def fill_rule(self, ws: Worksheet, first: tuple[int, int], last: tuple[int, int], formula: str, zone: str):
        background, font = FILLS[zone]
        ws.conditional_format(*first, *last, {"type": "formula", "criteria": formula,
                                              "format": self.fmt(bg_color=background, font_color=font)})

    def symbol_rule(self, ws: Worksheet, first: tuple[int, int], last: tuple[int, int]) -> None:
        """Fill text cells by the zone symbol they start with (✓ green, ! yellow, ✗ red)."""
        for zone in ("green", "yellow", "red"):
            background, font = FILLS[zone]
            ws.conditional_format(*first, *last, {"type": "text", "criteria": "begins with",
                                                  "value": ZONE_SYMBOLS[zone],
                                                  "format": self.fmt(bg_color=background, font_color=font)})

    def close(self) -> None:
        self.wb.close()


# --- sheets -----------------------------------------------------------------------------------------------------------

def _summary(book: _Book, pack: Pack) -> None:
    lang = pack.lang
    ws = book.sheet(s("sheet_summary", lang))
    book.text(ws, 0, 0, f"Pantau · {pack.title}", **TITLE)
    book.text(ws, 1, 0, f"{pack.region_name} · {pack.period_text}", bold=True, font_size=13)
    row = 3
    for label, value in filter_lines(pack):
        book.text(ws, row, 0, label, bold=True)
        book.text(ws, row, 1, value)
        row += 1
    if not pack.complete:
        book.text(ws, row, 0, s("incomplete_note", lang, up_to=formats.date_long(pack.up_to, lang)),
                  italic=True, font_color=FILLS["red"][1])
        row += 1
    for i, line in enumerate(event_lines(pack)):  # the known events of the period
        book.text(ws, row, 0, words.t("events_period", lang) if i == 0 else "", bold=True)
        book.text(ws, row, 1, line)
        row += 1
    row += 1
    book.text(ws, row, 0, s("all_kpis", lang), bold=True, font_size=13)
    frame = pack.headline
    columns = [(words.t("kpi", lang), 38), (words.t("value", lang), 14), (words.t("previous_value", lang), 16),
               (words.t("change", lang), 14), (words.t("target", lang), 14), (s("status", lang), 26)]
    first = book.table(ws, row + 1, "Headline", columns, frame.height)
    for i, r in enumerate(frame.iter_rows(named=True)):
        kpi = r["kpi"]
        book.text(ws, first + i, 0, words.kpi_label(kpi, lang), bold=kpi == COMPLIANCE_INDEX)
        book.number(ws, first + i, 1, r["value"], kpi_format(kpi, lang))
        book.number(ws, first + i, 2, r["previous"], kpi_format(kpi, lang))
        book.number(ws, first + i, 3, r["change"], change_format(kpi, lang))
        book.number(ws, first + i, 4, r["target"], kpi_format(kpi, lang))
        book.text(ws, first + i, 5, charts.status_label(kpi, r["status"], lang))
    book.symbol_rule(ws, (first, 5), (first + max(frame.height, 1) - 1, 5))


def _league(book: _Book, pack: Pack) -> None:
    lang = pack.lang
    ws = book.sheet(s("sheet_league", lang))
    book.heading(ws, pack, words.t("league_title", lang))
    frame = pack.league.sort("rank", "code", nulls_last=True)
    columns = [(words.t("rank", lang), 11), (s("code", lang), 9), (words.t("branch", lang), 26),
               (words.kpi_label(COMPLIANCE_INDEX, lang), 14), (words.t("zone", lang), 13),
               (words.t("change", lang), 13), (s("previous_index", lang), 13), (s("previous_rank", lang), 13),
               (words.t("rank_change", lang), 12), (words.t("worse_than_region", lang), 34),
               (words.t("better_than_region", lang), 34), (words.t("missed_kpis", lang), 48),
               (s("missed_count", lang), 11)]
    first = book.table(ws, 3, "League", columns, frame.height)

    def labels(kpis: list[str] | None) -> str:
        return ", ".join(words.kpi_label(k, lang) for k in kpis or []) or "–"

    index_format = kpi_format(COMPLIANCE_INDEX, lang)
    for i, r in enumerate(frame.iter_rows(named=True)):
        row = first + i
        book.number(ws, row, 0, r["rank"], "0")
        book.text(ws, row, 1, r["code"])
        book.text(ws, row, 2, r["name"], bold=True)
        book.number(ws, row, 3, r["index"], index_format)
        book.text(ws, row, 4, zone_label(r["zone"], lang))
        book.number(ws, row, 5, r["change"], change_format(COMPLIANCE_INDEX, lang))
        book.number(ws, row, 6, r["index_before"], index_format)
        book.number(ws, row, 7, r["rank_before"], "0")
        book.number(ws, row, 8, r["rank_change"], '"▲ "0;"▼ "0;"= "0')
        for col, column in ((9, "worse"), (10, "better"), (11, "missed")):
            book.text(ws, row, col, labels(r[column]), text_wrap=True, valign="top")
        book.number(ws, row, 12, len(r["missed"] or []), "0")
    last = first + max(frame.height, 1) - 1
    _zone_rules(book, ws, pack, (first, 3), (last, 4), f"$D{first + 1}")
    ws.freeze_panes(first, 3)


def _zone_rules(book: _Book, ws: Worksheet, pack: Pack, first, last, cell: str) -> None:
    """Fill by compliance zone, from the index's value and the SOP thresholds."""
    book.fill_rule(ws, first, last, f"=AND(ISNUMBER({cell}),{cell}>={pack.green_from})", "green")
    book.fill_rule(ws, first, last, f"=AND(ISNUMBER({cell}),{cell}<{pack.green_from},{cell}>={pack.yellow_from})",
                   "yellow")
    book.fill_rule(ws, first, last, f"=AND(ISNUMBER({cell}),{cell}<{pack.yellow_from})", "red")


def _matrix(book: _Book, pack: Pack) -> None:
    """Branch rows × KPI columns, the targets in a row above; fill and symbol follow meets_target."""
    lang = pack.lang
    ws = book.sheet(s("sheet_matrix", lang))
    book.heading(ws, pack, s("sheet_matrix", lang))
    frame = pack.matrix
    kpis = frame.sort("kpi_order")["kpi"].unique(maintain_order=True).to_list()
    codes = frame.sort(pl.col("level") == "branch", "code").select("code", "name").unique(maintain_order=True)
    cells = {(r["code"], r["kpi"]): r for r in frame.iter_rows(named=True)}
    book.text(ws, 2, 0, s("matrix_note", lang, green=formats.number(pack.green_from, 0, lang),
                          yellow=formats.number(pack.yellow_from, 0, lang)), italic=True)
    target_row, header_row = 3, 4
    book.text(ws, target_row, 1, words.t("target", lang), bold=True, align="right")
    columns = [(s("code", lang), 9), (words.t("branch", lang), 26)] + [(words.kpi_label(k, lang), 13) for k in kpis]
    first = book.table(ws, header_row, "Matrix", columns, codes.height)
    ws.set_row(header_row, 64)
    last = first + max(codes.height, 1) - 1
    for col, kpi in enumerate(kpis, start=2):
        targets = {cells[(code, kpi)]["target"] for code in codes["code"] if (code, kpi) in cells}
        target = next(iter(targets)) if len(targets) == 1 else None
        book.number(ws, target_row, col, target,
                    f'"{"≥" if KPI_BY_ID[kpi].higher_is_better else "≤"} "{kpi_format(kpi, lang)}', bold=True)
        live = target is not None and kpi != COMPLIANCE_INDEX
        for i, (code, name) in enumerate(codes.iter_rows()):
            r = cells.get((code, kpi))
            status = r["status"] if r else "none"
            symbol = "" if status == "none" else ZONE_SYMBOLS[status]
            # Without one target for the column, a formula cannot judge the cell: the fill is written statically.
            fill = {} if live or status == "none" or kpi == COMPLIANCE_INDEX else {
                "bg_color": FILLS[status][0], "font_color": FILLS[status][1]}
            book.number(ws, first + i, col, r["value"] if r else None, kpi_format(kpi, lang, symbol),
                        bold=code == pack.region, **fill)
        cell = xl_rowcol_to_cell(first, col, row_abs=False, col_abs=False)
        goal = xl_rowcol_to_cell(target_row, col, row_abs=True, col_abs=False)
        if kpi == COMPLIANCE_INDEX:
            _zone_rules(book, ws, pack, (first, col), (last, col), cell)
        elif live:
            good, bad = (">=", "<") if KPI_BY_ID[kpi].higher_is_better else ("<=", ">")
            book.fill_rule(ws, (first, col), (last, col), f"=AND(ISNUMBER({cell}),{cell}{good}{goal})", "green")
            book.fill_rule(ws, (first, col), (last, col), f"=AND(ISNUMBER({cell}),{cell}{bad}{goal})", "red")
    for i, (code, name) in enumerate(codes.iter_rows()):
        book.text(ws, first + i, 0, code, bold=code == pack.region)
        book.text(ws, first + i, 1, name, bold=code == pack.region)
    ws.freeze_panes(first, 2)


def _changes(book: _Book, pack: Pack) -> None:
    lang = pack.lang
    ws = book.sheet(s("sheet_changes", lang))
    book.heading(ws, pack, words.t("what_changed", lang))
    book.text(ws, 2, 0, words.t("what_changed_note", lang), italic=True)
    frame = pack.changes
    columns = [(s("direction", lang), 13), (s("sentence", lang), 80), (s("level", lang), 10), (s("code", lang), 9),
               (words.t("branch", lang), 24), (words.t("kpi", lang), 30), (words.t("previous_value", lang), 14),
               (words.t("value", lang), 12), (words.t("target", lang), 12), (words.t("meets", lang), 14),
               (s("p_value", lang), 11), (s("streak", lang), 14), (s("branches_alike", lang), 12)]
    first = book.table(ws, 4, "Changes", columns, frame.height)
    if frame.is_empty():
        book.text(ws, first, 1, words.t("nothing_changed", lang))
    for i, r in enumerate(frame.iter_rows(named=True)):
        row, kpi = first + i, r["kpi"]
        book.text(ws, row, 0, s(r["direction"], lang))
        book.text(ws, row, 1, sentences.change_sentence(r, pack.granularity, lang), text_wrap=True, valign="top")
        book.text(ws, row, 2, s(f"level_{r['level']}", lang))
        book.text(ws, row, 3, r["code"])
        book.text(ws, row, 4, r["name"])
        book.text(ws, row, 5, words.kpi_label(kpi, lang))
        book.number(ws, row, 6, r["before"], kpi_format(kpi, lang))
        book.number(ws, row, 7, r["value"], kpi_format(kpi, lang))
        book.number(ws, row, 8, r["target"], kpi_format(kpi, lang))
        book.text(ws, row, 9, "–" if r["meets_target"] is None
                  else s("meets_short" if r["meets_target"] else "misses_short", lang))
        book.number(ws, row, 10, r["p_value"], "0.0000")
        book.number(ws, row, 11, r["streak"], "0")
        book.number(ws, row, 12, r["branches_alike"], "0")
    last = first + max(frame.height, 1) - 1
    for zone, symbol in (("red", "▼"), ("green", "▲")):
        background, font = FILLS[zone]
        ws.conditional_format(first, 0, last, 0, {"type": "text", "criteria": "begins with", "value": symbol,
                                                  "format": book.fmt(bg_color=background, font_color=font)})
    book.symbol_rule(ws, (first, 9), (last, 9))
    ws.freeze_panes(first, 2)


def _follow_ups(book: _Book, pack: Pack) -> None:
    lang = pack.lang
    ws = book.sheet(s("sheet_follow_ups", lang))
    book.heading(ws, pack, pack.follow_ups_title)
    frame = pack.follow_ups
    columns = [(s("id", lang), 6), (s("code", lang), 9), (words.t("branch", lang), 24), (words.t("kpi", lang), 28),
               (s("topic", lang), 30), (s("agreed", lang), 44), (s("owner", lang), 20), (s("raised_in", lang), 22),
               (s("due_date", lang), 13), (words.t("due_state", lang), 22), (s("status", lang), 12),
               (s("weeks_since", lang), 10), (s("weeks_met", lang), 12), (s("latest_value", lang), 13),
               (s("latest_meets", lang), 14), (s("notes", lang), 36), (s("updated_by", lang), 18),
               (s("updated", lang), 17)]
    first = book.table(ws, 3, "FollowUps", columns, frame.height)
    if frame.is_empty():
        book.text(ws, first, 4, words.t("no_follow_ups_due", lang))
    wrap = {"text_wrap": True, "valign": "top"}
    for i, r in enumerate(frame.iter_rows(named=True)):
        row, kpi = first + i, r["kpi"]
        book.number(ws, row, 0, r["follow_up_id"], "0")
        book.text(ws, row, 1, r["branch_code"])
        book.text(ws, row, 2, r.get("name") or r["branch_code"])
        book.text(ws, row, 3, words.kpi_label(kpi, lang) if kpi in KPI_BY_ID else (kpi or "–"), **wrap)
        book.text(ws, row, 4, r["topic"], **wrap)
        book.text(ws, row, 5, r["agreed"], **wrap)
        book.text(ws, row, 6, r["owner"])
        book.text(ws, row, 7, formats.period_label(r["raised_period"], r["granularity"], lang)
                  if r["raised_period"] else None)
        book.date(ws, row, 8, r["due_date"])
        book.text(ws, row, 9, words.t(f"due_{r['due_state']}", lang))
        book.text(ws, row, 10, words.code_label(r["status"], lang))
        book.number(ws, row, 11, r.get("weeks_since"), "0")
        book.number(ws, row, 12, r.get("weeks_met"), "0")
        book.number(ws, row, 13, r.get("latest_value"), kpi_format(kpi, lang) if kpi in KPI_BY_ID else None)
        meets = r.get("latest_meets")
        book.text(ws, row, 14, "–" if meets is None else s("meets_short" if meets else "misses_short", lang))
        book.text(ws, row, 15, r["notes"], **wrap)
        book.text(ws, row, 16, r["updated_by"])
        book.date(ws, row, 17, r["updated_at"])
    last = first + max(frame.height, 1) - 1
    book.symbol_rule(ws, (first, 9), (last, 9))
    book.symbol_rule(ws, (first, 14), (last, 14))
    ws.freeze_panes(first, 3)
