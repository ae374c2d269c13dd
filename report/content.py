"""What the meeting pack holds: the frames, read only through the `service` queries, and the words around them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from etl.kpis.periods import period_after, period_code
from present import formats, words
from service import annotations, days, evaluation, follow_ups, marts, reference
from service.reader import Reader

FUNNEL_KPI = "wait_within_sop"

# Words only the pack needs; `s` falls back to present.words for everything the dashboard also shows.
STRINGS: dict[str, tuple[str, str]] = {
    "title_week": ("Paket rapat mingguan", "Weekly meeting pack"),
    "title_month": ("Paket evaluasi bulanan", "Monthly evaluation pack"),
    "sheet_summary": ("Ringkasan", "Summary"),
    "sheet_league": ("Klasemen", "League table"),
    "sheet_matrix": ("Matriks KPI", "KPI matrix"),
    "sheet_changes": ("Apa yang berubah", "What changed"),
    "sheet_follow_ups": ("Tindak lanjut", "Follow-ups"),
    "headline": ("Indikator utama wilayah", "Region headline KPIs"),
    "all_kpis": ("Semua indikator wilayah", "Every region KPI"),
    "period_type": ("Jenis periode", "Period type"),
    "cutoff": ("Data sampai", "Data up to"),
    "loaded": ("Data dimuat", "Data loaded"),
    "generated": ("Dibuat", "Generated"),
    "incomplete_note": ("Periode ini belum lengkap: data hanya sampai {up_to}.",
                        "This period is not complete yet: data only up to {up_to}."),
    "code": ("Kode", "Code"),
    "level": ("Tingkat", "Level"),
    "level_branch": ("Cabang", "Branch"),
    "level_region": ("Wilayah", "Region"),
    "previous_index": ("Indeks sebelumnya", "Previous index"),
    "previous_rank": ("Peringkat sebelumnya", "Previous rank"),
    "missed_count": ("Jumlah meleset", "KPIs missed (count)"),
    "direction": ("Arah", "Direction"),
    "worse": ("▼ memburuk", "▼ worse"),
    "better": ("▲ membaik", "▲ better"),
    "sentence": ("Keterangan", "Description"),
    "p_value": ("Nilai p", "p-value"),
    "streak": ("Periode berturut-turut meleset", "Periods missed in a row"),
    "branches_alike": ("Cabang serupa", "Branches alike"),
    "meets_short": ("✓ memenuhi", "✓ meets"),
    "misses_short": ("✗ meleset", "✗ misses"),
    "matrix_note": ("Hijau ✓ memenuhi target, merah ✗ tidak memenuhi; indeks: ✓ hijau ≥ {green}, ! kuning ≥ {yellow}, "
                    "✗ merah. Sel kosong: tanpa data.",
                    "Green ✓ meets target, red ✗ misses; index: ✓ green ≥ {green}, ! yellow ≥ {yellow}, ✗ red. "
                    "Empty cell: no data."),
    "follow_ups_title": ("Tindak lanjut terbuka (minggu rapat berakhir {due})",
                         "Open follow-ups (the meeting week ends {due})"),
    "id": ("No.", "No."),
    "weeks_since": ("Minggu sejak", "Weeks since"),
    "weeks_met": ("Minggu memenuhi target", "Weeks meeting target"),
    "latest_value": ("Nilai terakhir", "Latest value"),
    "latest_meets": ("Terakhir memenuhi target", "Latest meets target"),
    "updated": ("Diperbarui", "Updated"),
    "updated_by": ("Diperbarui oleh", "Updated by"),
    "funnel_title": ("Diagram corong: {kpi}", "Funnel plot: {kpi}"),
    "page": ("Halaman", "Page"),
}


class UnknownPeriod(ValueError):
    """The period is well formed but the database holds no KPIs for it."""


@dataclass(frozen=True, eq=False)
class Pack:
    """Everything one meeting pack shows, for one region, period and language."""

    granularity: str  # week | month
    region: str
    region_name: str
    period: dt.date  # the period's first day
    lang: str
    selected: tuple[str, ...]  # branches picked; empty means every branch of the region
    selected_names: tuple[str, ...]
    complete: bool  # whether the data covers the whole period
    up_to: dt.date | None  # the data cut-off: the last day with data
    loaded_at: dt.datetime | None
    generated_at: dt.datetime
    green_from: float
    yellow_from: float
    day_wait_minutes: float  # the hard limits a day is judged by (sop.toml [day_limits])
    day_staffing_below: float
    headline: pl.DataFrame  # marts.headline
    league: pl.DataFrame  # evaluation.league
    matrix: pl.DataFrame  # marts.compliance_matrix
    changes: pl.DataFrame  # evaluation.what_changed
    funnel: pl.DataFrame  # evaluation.funnel → judged
    funnel_curve: pl.DataFrame  # evaluation.funnel → curve
    zone_strip: pl.DataFrame  # marts.zone_strip
    follow_ups: pl.DataFrame  # follow_ups.open_follow_ups: every open item, with its due_state
    day_breaches: pl.DataFrame  # days.breach_days: branches with days over a hard limit, each with its worst day
    funnel_kpi: str = field(default=FUNNEL_KPI)
    events: pl.DataFrame = field(default_factory=pl.DataFrame)  # annotations.events: the known events of the period

    @property
    def period_code(self) -> str:
        return period_code(self.period, self.granularity)

    @property
    def period_text(self) -> str:
        return formats.period_label(self.period, self.granularity, self.lang)

    @property
    def follow_ups_due_by(self) -> dt.date:
        """The end of the period's meeting week, which every item's due state is seen from."""
        return follow_ups.meeting_week_end(self.period, self.granularity)

    @property
    def follow_ups_title(self) -> str:
        return s("follow_ups_title", self.lang, due=formats.date_long(self.follow_ups_due_by, self.lang))

    @property
    def title(self) -> str:
        return s(f"title_{self.granularity}", self.lang)


def s(key: str, lang: str, **values) -> str:
    """A pack string in `lang`, or the dashboard's when the pack has no word of its own."""
    if key not in STRINGS:
        return words.t(key, lang, **values)
    text = STRINGS[key][lang == "en"]
    return text.format(**values) if values else text


# --- periods ----------------------------------------------------------------------------------------------------------

def available_periods(reader: Reader, granularity: str) -> list[dt.date]:
    """Period starts that have KPIs, newest first."""
    return reference.periods(reader, granularity)["period_start"].to_list()


def check_period(reader: Reader, granularity: str, period: dt.date, newest: int = 5) -> None:
    """UnknownPeriod, naming the period and the newest ones available, when the marts do not hold it."""
    starts = available_periods(reader, granularity)
    if period in starts:
        return
    listed = ", ".join(period_code(p, granularity) for p in starts[:newest]) or "–"
    raise UnknownPeriod(f"Periode {period_code(period, granularity)} tidak ada di basis data "
                        f"(period not in the database). Terbaru / newest: {listed}")


# --- the pack ---------------------------------------------------------------------------------------------------------

def collect(reader: Reader, granularity: str, region: str, period: dt.date, lang: str, selected: tuple[str, ...] = (),
            now: dt.datetime | None = None) -> Pack:
    """Read every frame the pack shows, for the reader's viewer, through the `service` queries only."""
    check_period(reader, granularity, period)
    selected = tuple(selected)
    names = reference.branch_names(reader)
    league = evaluation.league(reader, granularity, region, period)
    changes = evaluation.what_changed(reader, granularity, region, period)
    promises = follow_ups.open_follow_ups(reader, region, period, granularity)
    if selected:
        league = league.filter(pl.col("code").is_in(selected))
        changes = changes.filter((pl.col("level") == "region") | pl.col("code").is_in(selected))
        promises = promises.filter(pl.col("branch_code").is_in(selected))
    events = annotations.events(reader, region, period, period_after(period, granularity) - dt.timedelta(days=1))
    if selected:
        events = events.filter(pl.col("branch_code").is_null() | pl.col("branch_code").is_in(selected))
    judged, curve = evaluation.funnel(reader, granularity, region, period, FUNNEL_KPI)
    fresh = reference.freshness(reader)
    complete = reference.periods(reader, granularity).filter(pl.col("period_start") == period)["complete"]
    sop = reader.sop
    return Pack(
        granularity=granularity, region=region, region_name=names.get(region, region), period=period, lang=lang,
        selected=selected, selected_names=tuple(names.get(code, code) for code in selected),
        complete=bool(complete[0]) if complete.len() else False, up_to=fresh["up_to"], loaded_at=fresh["loaded_at"],
        generated_at=(now or dt.datetime.now()).replace(microsecond=0), green_from=sop.green_from,
        yellow_from=sop.yellow_from, day_wait_minutes=sop.day_wait_minutes, day_staffing_below=sop.day_staffing_below,
        headline=marts.headline(reader, granularity, region, period),
        league=league,
        matrix=marts.compliance_matrix(reader, granularity, region, period, selected),
        changes=changes,
        funnel=judged, funnel_curve=curve,
        zone_strip=marts.zone_strip(reader, granularity, region, period, selected=selected),
        follow_ups=promises,
        day_breaches=days.breach_days(reader, granularity, region, period, selected),
        events=events,
    )


# --- words shared by the workbook and the PDF -------------------------------------------------------------------------

def event_lines(pack: Pack) -> list[str]:
    """`JMO gangguan · Gangguan sistem · Seluruh wilayah · 5–11 Okt 2026: …`, one per event of the period."""
    lang, names = pack.lang, dict(zip(pack.league["code"], pack.league["name"])) if pack.league.height else {}
    return [f"{r['label']} · {words.code_label(r['category'], lang)} · "
            f"{names.get(r['branch_code'], r['branch_code']) if r['branch_code'] else words.t('event_whole_region', lang)}"
            f" · {formats.date_span(r['starts_on'], r['ends_on'], lang)}" + (f": {r['text']}" if r["text"] else "")
            for r in pack.events.iter_rows(named=True)]


def filter_lines(pack: Pack) -> list[tuple[str, str]]:
    """(label, value) pairs naming the filters and the data cut-off, for the first page and sheet."""
    lang = pack.lang
    return [
        (words.t("region", lang), pack.region_name),
        (s("period_type", lang), words.t(pack.granularity, lang)),
        (words.t("period", lang), pack.period_text + ("" if pack.complete else f" ({words.t('incomplete', lang)})")),
        (words.t("branches", lang), ", ".join(pack.selected_names) or words.t("all_branches", lang)),
        (s("language", lang), words.LANGUAGES[lang]),
        (s("cutoff", lang), formats.date_long(pack.up_to, lang)),
        (s("loaded", lang), formats.datetime_short(pack.loaded_at, lang)),
        (s("generated", lang), formats.datetime_short(pack.generated_at, lang)),
    ]
