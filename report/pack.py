"""The meeting pack's files on disk: `pantau_<region>_<period>.xlsx` and `.pdf` (the dashboard's download is
ui/pack_download.py)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.kpis.periods import period_code
from report import pdf, xlsx
from report.content import collect
from service.reader import Reader


def file_stem(region: str, period: dt.date, granularity: str) -> str:
    """`pantau_BTN_2026-W46` / `pantau_BTN_2026-11`: the name both files share."""
    return f"pantau_{region}_{period_code(period, granularity)}"


def build(reader: Reader, granularity: str, region: str, period: dt.date, lang: str, out_dir: Path,
          selected: tuple[str, ...] = ()) -> list[Path]:
    """Write the XLSX and then the PDF into `out_dir`; returns both paths.

    The workbook is written first, so it is there even when printing fails (pdf.PdfUnavailable
    without Chromium); report.content.UnknownPeriod when the database has no such period.
    """
    pack = collect(reader, granularity, region, period, lang, selected)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(region, period, granularity)
    workbook = xlsx.write_xlsx(pack, out_dir / f"{stem}.xlsx")
    document = pdf.write_pdf(pack, out_dir / f"{stem}.pdf")
    return [workbook, document]
