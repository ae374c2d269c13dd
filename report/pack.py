"""The meeting pack's files: `pantau_<region>_<period>.xlsx` and `.pdf`, on disk or as one ZIP download."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from etl.kpis.periods import period_code
from report import pdf, xlsx
from report.content import Pack, collect
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


def pack_files(pack: Pack) -> dict[str, bytes]:
    """File name → contents for both files of a collected pack."""
    stem = file_stem(pack.region, pack.period, pack.granularity)
    return {f"{stem}.xlsx": xlsx.xlsx_bytes(pack), f"{stem}.pdf": pdf.pdf_bytes(pack)}


def pack_zip(reader: Reader, granularity: str, region: str, period: dt.date, lang: str,
             selected: tuple[str, ...] = ()) -> bytes:
    """Both files in one ZIP, for `st.download_button(data=lambda: pack_zip(...))`.

    The Reader is taken while the page renders: Streamlit builds the download on another thread.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in pack_files(collect(reader, granularity, region, period, lang, selected)).items():
            archive.writestr(name, content)
    return buffer.getvalue()
