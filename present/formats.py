"""Numbers, money, dates and periods as a reader of either language expects them.

Indonesian writes `1.234,5` and `06.00`; English `1,234.5` and `06:00`. Every table, tile, axis and
pack cell formats through here, so one value never reads two ways on the same screen.
"""
from __future__ import annotations

import datetime as dt

from etl.catalogue import KPI_BY_ID
from present.words import current_language

_MONTHS = {"id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
           "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")}
_WEEKDAYS = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
             "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
_SWAP_SEPARATORS = str.maketrans(",.", ".,")
_RUPIAH_SCALES = ((1e12, "T", "tn"), (1e9, "M", "bn"), (1e6, "jt", "m"), (1e3, "rb", "k"))
# A rate per 1.000 carries no sign of its own: every label that shows one already says "per 1.000".
_UNIT_SUFFIX = {"minutes": (" mnt", " min"), "working_days": (" hari", " days"), "per_1000": ("", "")}


def number(value: float | None, decimals: int = 1, lang: str | None = None) -> str:
    """`1.234,5` in Indonesian, `1,234.5` in English; a dash for no value."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.translate(_SWAP_SEPARATORS) if (lang or current_language()) == "id" else text


def rupiah(value: float | None, lang: str | None = None) -> str:
    """`Rp1,2 jt` in Indonesian, `Rp1.2 m` in English."""
    if value is None:
        return "–"
    lang = lang or current_language()
    for size, id_suffix, en_suffix in _RUPIAH_SCALES:
        if abs(value) >= size:
            return f"Rp{number(value / size, 1, lang)} {id_suffix if lang == 'id' else en_suffix}"
    return f"Rp{number(value, 0, lang)}"


def percent(share: float | None, decimals: int = 1, lang: str | None = None) -> str:
    """`90,1%`: the sign attached in both languages (as PUEBI writes it), like plotly's `%` axis format."""
    return "–" if share is None else number(share * 100, decimals, lang) + "%"


def kpi_value(value: float | None, kpi: str, lang: str | None = None) -> str:
    """A KPI value in its unit: shares as percentages, minutes and days with their unit."""
    if value is None:
        return "–"
    lang = lang or current_language()
    unit = KPI_BY_ID[kpi].unit
    if unit == "share":
        return percent(value, 1, lang)
    if unit in ("count", "index"):
        return number(value, 0, lang)
    if unit == "ratio":
        return number(value, 2, lang)
    return number(value, 1, lang) + _UNIT_SUFFIX[unit][lang == "en"]


def kpi_number(value: float | None, kpi: str, lang: str | None = None) -> str:
    """A KPI value without its unit word, for a cell whose row or column label names the unit already."""
    lang = lang or current_language()
    suffix = _UNIT_SUFFIX.get(KPI_BY_ID[kpi].unit, ("", ""))[lang == "en"]
    return kpi_value(value, kpi, lang).removesuffix(suffix) if value is not None else "–"


def minutes(value: float | None, lang: str | None = None) -> str:
    """Whole minutes with their unit, `274 mnt` / `274 min`: a day's waits read aloud, where tenths are noise."""
    if value is None:
        return "–"
    lang = lang or current_language()
    return number(value, 0, lang) + _UNIT_SUFFIX["minutes"][lang == "en"]


def kpi_change(change: float | None, kpi: str, lang: str | None = None) -> str | None:
    """A change between two values of a KPI: percentage points for shares, the unit otherwise.

    The sign follows what is shown: a change that rounds to nothing reads `0,0 poin`, never `-0,0` or `+0,00`.
    """
    if change is None:
        return None
    lang = lang or current_language()
    if KPI_BY_ID[kpi].unit == "share":
        size = number(abs(change) * 100, 1, lang) + (" poin" if lang == "id" else " pp")
    else:
        size = kpi_value(abs(change), kpi, lang)
    if not any(digit in size for digit in "123456789"):
        return size
    return ("+" if change > 0 else "-") + size


def d3_format(kpi: str) -> str:
    """A plotly/d3 number format for a KPI's values (separators come from the figure's locale)."""
    unit = KPI_BY_ID[kpi].unit
    return {"share": ".1%", "count": ",.0f", "index": ",.0f", "ratio": ".2f"}.get(unit, ",.1f")


def plotly_separators(lang: str) -> str:
    """Plotly's `separators`: decimal mark, then thousands mark."""
    return ",." if lang == "id" else ".,"


def date_long(day: dt.date | None, lang: str | None = None) -> str:
    """`Minggu, 16 Nov 2026` / `Sunday 16 Nov 2026`."""
    if day is None:
        return "–"
    lang = lang or current_language()
    weekday = _WEEKDAYS[lang][day.weekday()]
    return f"{weekday}{',' if lang == 'id' else ''} {day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def clock(moment: dt.datetime, lang: str | None = None) -> str:
    """`08.00` / `08:00`."""
    return moment.strftime("%H.%M" if (lang or current_language()) == "id" else "%H:%M")


def datetime_short(moment: dt.datetime | None, lang: str | None = None) -> str:
    """`17 Nov 2026 06.00` / `17 Nov 2026 06:00`."""
    if moment is None:
        return "–"
    lang = lang or current_language()
    clock = moment.strftime("%H.%M" if lang == "id" else "%H:%M")
    return f"{moment.day} {_MONTHS[lang][moment.month - 1]} {moment.year} {clock}"


def period_label(start: dt.date, granularity: str, lang: str | None = None) -> str:
    """`Mg 46 · 9–15 Nov 2026` for a week, `Nov 2026` for a month."""
    lang = lang or current_language()
    months = _MONTHS[lang]
    if granularity == "month":
        return f"{months[start.month - 1]} {start.year}"
    end = start + dt.timedelta(days=6)
    first = f"{start.day}" if start.month == end.month else f"{start.day} {months[start.month - 1]}"
    week = ("Mg " if lang == "id" else "W") + str(start.isocalendar().week)
    return f"{week} · {first}–{end.day} {months[end.month - 1]} {end.year}"


def period_short(start: dt.date, granularity: str, lang: str | None = None) -> str:
    """A compact axis label: `9 Nov` for a week, `Nov 26` for a month."""
    months = _MONTHS[lang or current_language()]
    if granularity == "month":
        return f"{months[start.month - 1]} {start.year % 100:02d}"
    return f"{start.day} {months[start.month - 1]}"


def weekday_short(index: int, lang: str | None = None) -> str:
    """Mon…Sun as three letters (0 = Monday)."""
    return _WEEKDAYS[lang or current_language()][index][:3]


def target_text(kpi: str, target: float | None, lang: str | None = None) -> str:
    """`≥ 90,0%` / `≤ 15,0 mnt`: the target with the side that meets it."""
    return f"{'≥' if KPI_BY_ID[kpi].higher_is_better else '≤'} {kpi_value(target, kpi, lang)}"



def date_span(first: dt.date, last: dt.date, lang: str | None = None) -> str:
    """`5–11 Okt 2026`, `30 Sep – 2 Okt 2026`, or one day `6 Okt 2026`: an event's days, both included."""
    months = _MONTHS[lang or current_language()]
    end = f"{last.day} {months[last.month - 1]} {last.year}"
    if first == last:
        return end
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{end}"
    start = f"{first.day} {months[first.month - 1]}" + (f" {first.year}" if first.year != last.year else "")
    return f"{start} – {end}"
