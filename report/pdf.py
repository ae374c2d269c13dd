"""The pack as a PDF: an HTML document printed by a headless Chromium (Playwright), A4 landscape.

Charts are the dashboard's own plotly figures (present.charts), drawn by the plotly.js that the plotly
package ships, inline, so the document needs no network; printing waits until every chart is drawn.
Chromium is Debian's (BROWSER_PATH, or `chromium` on PATH): nothing is ever downloaded.
"""
from __future__ import annotations

import html
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.offline import get_plotlyjs

from etl.catalogue import COMPLIANCE_INDEX, HEADLINE_KPIS, KPI_BY_ID
from present import charts, formats, sentences, tables, words
from report.content import Pack, event_lines, filter_lines, s

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHART_WIDTH = 1000  # px: A4 landscape less 12 mm margins is about 1030 CSS px
MAX_CHART_HEIGHT = 540
FUNNEL_WIDTH, FUNNEL_HEIGHT = 600, 500
FOLLOW_UP_WIDTHS = (11, 19, 20, 12, 15, 8, 15)  # branch, topic, agreed, owner, due, status, recovery (%)
RENDER_TIMEOUT_MS = 60_000
# Rank, branch, index, zone, change, rank change, worse, better, missed (present.tables.league's columns), in %.
LEAGUE_WIDTHS = (8, 15, 8, 8, 9, 8, 19, 18, 7)
VERDICT_SYMBOLS = {"worse": "◆", "better": "★", "consistent": "●"}


class PdfUnavailable(RuntimeError):
    """No Chromium to print with."""


def find_chromium() -> str | None:
    """BROWSER_PATH when set, else the first Chromium on PATH; None when there is none."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(pack: Pack, path: Path) -> Path:
    """Print the pack to `path`."""
    Path(path).write_bytes(pdf_bytes(pack))
    return path


def pdf_bytes(pack: Pack) -> bytes:
    """The PDF as bytes, for a download button. PdfUnavailable without Chromium."""
    browser = find_chromium()
    if browser is None:
        raise PdfUnavailable("Chromium tidak ditemukan / not found: install Debian's chromium or set BROWSER_PATH")
    # Playwright's sync API refuses to run on a thread with an asyncio loop (a Streamlit server's, say).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, document(pack), browser, _footer(pack)).result()


def _print(document_html: str, browser: str, footer: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser,
                                              args=["--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = chromium.new_page()
            page.set_content(document_html, wait_until="load")
            page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                                   ".every(d => d.dataset.ready === '1')", timeout=RENDER_TIMEOUT_MS)
            return page.pdf(format="A4", landscape=True, print_background=True, display_header_footer=True,
                            header_template="<div></div>", footer_template=footer,
                            margin={"top": "11mm", "bottom": "14mm", "left": "11mm", "right": "11mm"})
        finally:
            chromium.close()


# --- the document -----------------------------------------------------------------------------------------------------

def document(pack: Pack) -> str:
    """The whole pack as one HTML page, sections separated by page breaks."""
    sections = [_cover(pack), _brief(pack) + _day_breaches(pack), _league(pack), _zone_strip(pack), _funnel(pack),
                _follow_ups(pack)]
    body = "\n".join(f'<section>{part}</section>' for part in sections)
    title = html.escape(f"Pantau · {pack.title} · {pack.region_name} · {pack.period_text}")
    return (f'<!DOCTYPE html><html lang="{pack.lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{CSS}</style><script>{get_plotlyjs()}</script></head><body>{body}</body></html>")


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _cover(pack: Pack) -> str:
    lang = pack.lang
    cutoff = s("cutoff", lang)
    facts = "".join(f'<div class="{"cutoff" if label == cutoff else ""}"><span>{_e(label)}</span>'
                    f'<b>{_e(value)}</b></div>' for label, value in filter_lines(pack))
    warning = "" if pack.complete else (
        f'<p class="warning">! {_e(s("incomplete_note", lang, up_to=formats.date_long(pack.up_to, lang)))}</p>')
    return (f'<h1>Pantau · {_e(pack.title)}</h1>'
            f'<p class="subtitle">{_e(pack.region_name)} · {_e(pack.period_text)}</p>'
            f'<div class="facts">{facts}</div>{warning}'
            f'<h2>{_e(s("headline", lang))}</h2><div class="tiles">{_tiles(pack)}</div>')


def _tiles(pack: Pack) -> str:
    lang = pack.lang
    rows = {r["kpi"]: r for r in pack.headline.iter_rows(named=True)}
    tiles = []
    for kpi in HEADLINE_KPIS:
        r = rows.get(kpi)
        if r is None:
            tiles.append(f'<div class="tile none"><div class="label">{_e(words.kpi_label(kpi, lang))}</div>'
                         f'<div class="value">–</div>'
                         f'<div class="badge">{_e(charts.status_label(kpi, "none", lang))}</div></div>')
            continue
        change = r["change"]
        delta = ""
        if change is not None:
            good = (change > 0) == KPI_BY_ID[kpi].higher_is_better
            arrow = "▲" if change > 0 else "▼" if change < 0 else "="
            tone = "flat" if change == 0 else "good" if good else "bad"
            delta = (f'<div class="delta {tone}">{arrow} {_e(formats.kpi_change(change, kpi, lang))} '
                     f'{_e(words.t("vs_previous", lang))}</div>')
        tiles.append(
            f'<div class="tile {r["status"]}"><div class="label">{_e(words.kpi_label(kpi, lang))}</div>'
            f'<div class="value">{_e(formats.kpi_value(r["value"], kpi, lang))}</div>{delta}'
            f'<div class="badge">{_e(charts.status_label(kpi, r["status"], lang))}</div>'
            f'<div class="target">{_e(words.t("target", lang))} {_e(formats.target_text(kpi, r["target"], lang))}</div></div>')
    return "".join(tiles)


def _brief(pack: Pack) -> str:
    lang = pack.lang
    heading = f'<h2>{_e(words.t("what_changed", lang))} · {_e(pack.period_text)}</h2>'
    if pack.changes.is_empty():
        return heading + f'<p class="calm">✓ {_e(words.t("nothing_changed", lang))}</p>' + _events(pack)
    items = "".join(
        f'<li class="{r["direction"]}"><span class="arrow">{"▼" if r["direction"] == "worse" else "▲"}</span>'
        f'{_e(sentences.change_sentence(r, pack.granularity, lang))}</li>' for r in pack.changes.iter_rows(named=True))
    return (heading + f'<ul class="brief">{items}</ul><p class="note">{_e(words.t("what_changed_note", lang))}</p>'
            + _events(pack))


def _events(pack: Pack) -> str:
    """The known events of the period, under the brief that names them."""
    lines = event_lines(pack)
    if not lines:
        return ""
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    return f'<h3>{_e(words.t("events_period", pack.lang))}</h3><ul class="events">{items}</ul>'


def _day_breaches(pack: Pack) -> str:
    """The days a weekly figure averages away, under the brief: one sentence per branch, worst first."""
    lang = pack.lang
    heading = f'<h2>{_e(words.t("day_breaches", lang))}</h2>'
    note = f'<p class="note">{_e(sentences.day_limits_note(pack.day_wait_minutes, pack.day_staffing_below, lang))}</p>'
    if pack.day_breaches.is_empty():
        return heading + f'<p class="calm">✓ {_e(words.t("day_breaches_none", lang))}</p>' + note
    items = "".join(f'<li class="worse"><span class="arrow">●</span>{_e(sentences.day_breach_sentence(r, lang))}</li>'
                    for r in pack.day_breaches.iter_rows(named=True))
    return heading + f'<ul class="brief">{items}</ul>' + note


def _league(pack: Pack) -> str:
    """present.tables.league's table; the KPIs missed become a count here (their names are in the workbook's matrix)."""
    lang = pack.lang
    heading = f'<h2>{_e(words.t("league_title", lang))} · {_e(pack.period_text)}</h2>'
    if pack.league.is_empty():
        return heading + f'<p>{_e(words.t("no_data", lang))}</p>'
    ranked = pack.league.sort("rank", "code", nulls_last=True)
    missed = words.t("missed_kpis", lang)
    shown = tables.league(ranked, lang).with_columns(
        pl.Series(missed, [str(len(kpis)) for kpis in ranked["missed"]]))
    zone_column = words.t("zone", lang)
    widths = "".join(f'<col style="width:{w}%">' for w in LEAGUE_WIDTHS)
    head = "".join(f"<th>{_e(c)}</th>" for c in shown.columns)
    body = []
    for zone, row in zip(ranked["zone"], shown.iter_rows(named=True)):
        cells = "".join(f'<td class="{"zone " + zone if c == zone_column else ""}">{_e(v)}</td>'
                        for c, v in row.items())
        body.append(f"<tr>{cells}</tr>")
    return (heading + f'<table class="league"><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _zone_strip(pack: Pack) -> str:
    lang = pack.lang
    heading = f'<h2>{_e(words.t("zone_strip", lang))}</h2>'
    if pack.zone_strip.is_empty():
        return heading + f'<p>{_e(words.t("no_data", lang))}</p>'
    legend = " · ".join(charts.zone_label(z, lang) for z in ("green", "yellow", "red", "none"))
    return (heading + _chart(charts.zone_strip(pack.zone_strip, pack.granularity, lang))
            + f'<p class="note">{_e(words.kpi_label(COMPLIANCE_INDEX, lang))}: {_e(legend)}</p>')


def _funnel(pack: Pack) -> str:
    """The funnel beside a table of its verdicts: on paper only the flagged branches are named in the chart."""
    lang, kpi = pack.lang, pack.funnel_kpi
    heading = f'<h2>{_e(s("funnel_title", lang, kpi=words.kpi_label(kpi, lang)))}</h2>'
    judged = pack.funnel
    if judged.is_empty():
        return heading + f'<p>{_e(words.t("no_data", lang))}</p>'
    figure = charts.funnel_plot(judged, pack.funnel_curve, kpi, lang)
    # Names of branches consistent with the region would pile up on each other; the table names them.
    figure.update_traces(selector={"name": words.t("verdict_consistent", lang)}, mode="markers")
    # Flagged names lean away from the nearer edge, so a branch on the right keeps its whole name on the page.
    middle = pack.funnel_curve["denominator"].max() / 2
    for trace in figure.data:
        if trace.mode == "markers+text":
            trace.textposition = ["top left" if x > middle else "top right" for x in trace.x]
    figure.update_yaxes(range=_funnel_range(pack))
    figure.update_layout(legend={"font": {"size": 13}})
    order = {"worse": 0, "better": 1, "consistent": 2}
    rows = sorted(judged.iter_rows(named=True), key=lambda r: (order.get(r["verdict"], 3), r["rate"]))
    body = "".join(
        f'<tr class="{r["verdict"]}"><td>{_e(r["name"])}</td>'
        f'<td class="num">{_e(formats.kpi_value(r["value"], kpi, lang))}</td>'
        f'<td class="num">{_e(formats.number(r["numerator"], 0, lang))}/{_e(formats.number(r["denominator"], 0, lang))}</td>'
        f'<td>{VERDICT_SYMBOLS.get(r["verdict"], "")} {_e(words.t("verdict_" + r["verdict"], lang))}</td></tr>'
        for r in rows)
    table = (f'<table class="verdicts"><thead><tr><th>{_e(words.t("branch", lang))}</th>'
             f'<th>{_e(words.t("value", lang))}</th><th>n</th><th></th></tr></thead><tbody>{body}</tbody></table>')
    phi = judged["phi"][0]
    spread = f'<p class="note">{_e(words.t("overdispersed", lang, phi=formats.number(phi, 1, lang)))}</p>' \
        if phi is not None and phi > 1 else ""
    return (heading + f'<div class="side-by-side"><div>{_chart(figure, FUNNEL_WIDTH, FUNNEL_HEIGHT)}</div>'
            f'<div>{table}</div></div>{spread}'
            f'<p class="note">{_e(words.t("evaluation_note", lang).replace("**", ""))}</p>')


def _funnel_range(pack: Pack) -> list[float]:
    """A y range around the branches and the 99.8% band where branches are, not the band's empty mouth."""
    judged, curve = pack.funnel, pack.funnel_curve
    smallest = judged["denominator"].min()
    band = curve.filter(curve["denominator"] >= smallest)
    low = min(judged["rate"].min(), band["lower_998"].min())
    high = max(judged["rate"].max(), band["upper_998"].max())
    pad = (high - low) * 0.08 or 0.05
    return [low - pad, high + pad]


def _follow_ups(pack: Pack) -> str:
    lang = pack.lang
    heading = f'<h2>{_e(pack.follow_ups_title)}</h2>'
    frame = pack.follow_ups
    if frame.is_empty():
        return heading + f'<p class="calm">{_e(words.t("no_follow_ups_due", lang))}</p>'
    columns = [words.t("branch", lang), s("topic", lang), s("agreed", lang), s("owner", lang), s("due_date", lang),
               s("status", lang), s("recovery", lang)]
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    widths = "".join(f'<col style="width:{w}%">' for w in FOLLOW_UP_WIDTHS)
    body = []
    for r in frame.iter_rows(named=True):
        state = r["due_state"]
        zone = {"overdue": "red", "due": "yellow", "later": "none"}[state]
        topic = r["topic"] + (f" ({words.kpi_label(r['kpi'], lang)})" if r["kpi"] in KPI_BY_ID else "")
        body.append(
            f'<tr><td>{_e(r.get("name") or r["branch_code"])}</td><td>{_e(topic)}</td><td>{_e(r["agreed"])}</td>'
            f'<td>{_e(r["owner"])}</td><td class="zone {zone}">{_e(formats.date_long(r["due_date"], lang))}<br>'
            f'{_e(words.t("due_" + state, lang))}</td><td>{_e(words.code_label(r["status"], lang))}</td>'
            f'<td>{_e(sentences.recovery_text(r, lang))}</td></tr>')
    return heading + (f'<table class="follow-ups"><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>'
                      f'<tbody>{"".join(body)}</tbody></table>')


def _chart(figure: go.Figure, width: int = CHART_WIDTH, height: int | None = None) -> str:
    """A static plotly chart sized for the page; it marks itself drawn so printing can wait for it."""
    height = height or min(figure.layout.height or MAX_CHART_HEIGHT, MAX_CHART_HEIGHT)
    figure.update_layout(template="plotly_white", paper_bgcolor="white", plot_bgcolor="white", width=width,
                         height=height)
    return pio.to_html(figure, include_plotlyjs=False, full_html=False, default_width=f"{width}px",
                       default_height=f"{height}px", config={"staticPlot": True, "responsive": False},
                       post_script="document.getElementById('{plot_id}').dataset.ready = '1';")


def _footer(pack: Pack) -> str:
    """Every page says what it is and how fresh its data is (a page forwarded alone still does)."""
    text = _e(f"Pantau · {pack.region_name} · {pack.period_text} · {s('cutoff', pack.lang)} "
              f"{formats.date_long(pack.up_to, pack.lang)}")
    return (f'<div style="font-size:9px;font-family:DejaVu Sans,sans-serif;width:100%;padding:0 11mm;'
            f'display:flex;justify-content:space-between;color:#444"><span>{text}</span>'
            f'<span>{_e(s("page", pack.lang))} <span class="pageNumber"></span>/<span class="totalPages"></span>'
            f'</span></div>')


CSS = """
@page { size: A4 landscape; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 15px; color: #111; margin: 0;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
section { break-after: page; }
section:last-child { break-after: auto; }
h1 { font-size: 30px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 0 0 10px; border-bottom: 3px solid #1F3864; padding-bottom: 4px; }
.subtitle { font-size: 21px; font-weight: bold; margin: 0 0 12px; }
.facts { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px 14px; margin-bottom: 12px;
         border: 1px solid #bbb; padding: 8px 10px; background: #F4F6FA; }
.facts span { display: block; font-size: 12px; color: #444; }
.facts b { font-size: 15px; }
.facts div.cutoff b { background: #FFF3B0; padding: 0 4px; }
.warning { border-left: 6px solid #D55E00; background: #F8DCCB; padding: 6px 10px; font-weight: bold;
           margin: 0 0 10px; }
.tiles { display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px; }
.tile { border: 1px solid #999; border-left-width: 8px; padding: 8px 10px; break-inside: avoid; min-height: 190px; }
.tile .label { font-size: 15px; font-weight: bold; min-height: 2.4em; }
.tile .value { font-size: 36px; font-weight: bold; margin: 4px 0; }
.tile .delta { font-size: 14px; }
.tile .delta.good { color: #00704F; } .tile .delta.bad { color: #A63F00; } .tile .delta.flat { color: #555; }
.tile .badge { font-size: 15px; font-weight: bold; margin-top: 4px; }
.tile .target { font-size: 13px; color: #333; }
.tile.green { border-left-color: #009E73; background: #D7F0E6; }
.tile.yellow { border-left-color: #E6B400; background: #FBF0C2; }
.tile.red { border-left-color: #D55E00; background: #F8DCCB; }
.tile.none { border-left-color: #9E9E9E; background: #EEEEEE; }
ul.brief { list-style: none; padding: 0; margin: 0; }
ul.brief li { font-size: 17px; padding: 7px 10px 7px 38px; border-bottom: 1px solid #ccc; position: relative;
              break-inside: avoid; }
ul.brief .arrow { position: absolute; left: 10px; font-weight: bold; }
ul.events { font-size: 14px; margin: 4px 0 0 0; }
ul.brief li.worse .arrow { color: #D55E00; } ul.brief li.better .arrow { color: #009E73; }
.calm { font-size: 17px; }
.note { font-size: 12.5px; color: #333; margin-top: 8px; }
table { border-collapse: collapse; width: 100%; }
th { background: #1F3864; color: white; text-align: left; font-size: 13px; padding: 5px 6px; vertical-align: bottom; }
td { font-size: 13.5px; padding: 5px 6px; border-bottom: 1px solid #bbb; vertical-align: top; overflow-wrap: anywhere; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
table.league, table.follow-ups { table-layout: fixed; }
table.league td:nth-child(1), table.league td:nth-child(3), table.league td:nth-child(5),
table.league td:nth-child(6) { text-align: right; white-space: nowrap; }
table.league td:nth-child(2) { font-weight: bold; }
table.league th { padding: 5px 4px; }
table.league td:nth-child(7), table.league td:nth-child(8) {
    font-family: "Liberation Sans Narrow", "DejaVu Sans Condensed", sans-serif; font-size: 13.5px; line-height: 1.15; }
table.league td:nth-child(9) { text-align: right; }
.side-by-side { display: flex; gap: 14px; align-items: flex-start; }
.side-by-side > div:last-child { flex: 1; }
table.verdicts td { font-size: 14px; padding: 3px 5px; font-family: "Liberation Sans Narrow", "DejaVu Sans Condensed",
                    sans-serif; }
table.verdicts td.num { text-align: right; white-space: nowrap; }
table.verdicts tr.worse td { background: #F8DCCB; font-weight: bold; }
table.verdicts tr.better td { background: #D7F0E6; font-weight: bold; }
td.zone { font-weight: bold; }
table.league td.zone { white-space: nowrap; }
td.zone.green { background: #D7F0E6; } td.zone.yellow { background: #FBF0C2; }
td.zone.red { background: #F8DCCB; } td.zone.none { background: #EEEEEE; }
.plotly-graph-div { margin: 0 auto; }
"""
