"""Words in the viewer's language: UI strings, code labels, KPI labels and column headers.

The language is a context variable, not a Streamlit session value, so the same words serve the
dashboard (ui sets it at the start of each script run), the meeting pack and the command line
(both pass `lang` explicitly). Indonesian is the default.
"""
from __future__ import annotations

from contextvars import ContextVar

from etl.catalogue import COUNTED, KPI_BY_ID
from present.strings import STRINGS

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
_LANGUAGE: ContextVar[str] = ContextVar("pantau_language", default=DEFAULT_LANGUAGE)


CODE_LABELS: dict[str, tuple[str, str]] = {
    # zones
    "green": ("Hijau", "Green"), "yellow": ("Kuning", "Yellow"), "red": ("Merah", "Red"), "none": ("Tanpa data", "No data"),
    # services (desks)
    "claim_jht": ("Klaim JHT", "JHT claim"), "claim_other": ("Klaim lain", "Other claim"),
    "membership": ("Kepesertaan", "Membership"), "data_update": ("Perubahan data", "Data update"),
    "contributions": ("Iuran / Wasrik", "Contributions / inspection"), "information": ("Informasi", "Information"),
    "complaint": ("Pengaduan", "Complaint"),
    # priority groups
    "elderly": ("Lansia", "Elderly"), "disabled": ("Disabilitas", "Disabled"), "pregnant": ("Ibu hamil", "Pregnant"),
    # claim channels
    "branch": ("Kantor cabang", "Branch"), "lapak_asik": ("Lapak Asik", "Lapak Asik"), "jmo": ("JMO", "JMO"),
    "employer": ("Perusahaan", "Employer"),
    # rejection reasons
    "duplicate_membership": ("Kepesertaan ganda", "Duplicate membership"),
    "still_employed": ("Masih bekerja", "Still employed"),
    "incomplete_documents": ("Dokumen tidak lengkap", "Incomplete documents"),
    "employer_arrears": ("Tunggakan iuran perusahaan", "Employer arrears"),
    "data_mismatch": ("Data tidak cocok", "Data mismatch"), "other": ("Lainnya", "Other"),
    # quarantine reasons (etl.validate.REASONS says what each means)
    "missing_required": ("Wajib diisi, kosong", "Required, empty"), "bad_timestamp": ("Waktu tidak valid", "Bad timestamp"),
    "bad_code": ("Kode tidak dikenal", "Unknown code"), "bad_number": ("Angka tidak valid", "Bad number"),
    "bad_boolean": ("Ya/tidak tidak valid", "Bad yes/no"), "bad_time": ("Jam tidak valid", "Bad time of day"),
    "unknown_branch": ("Cabang tidak dikenal", "Unknown branch"),
    "out_of_scope": ("Di luar wilayah pengunggah", "Outside the uploader's region"),
    "branch_changed": ("Cabang berubah untuk id yang sama", "Branch changed for the same id"),
    "numeric_identifier": ("Nomor identitas tersimpan sebagai angka", "Identifier stored as a number"),
    "status_mismatch": ("Status tidak cocok dengan waktu", "Status does not match its times"),
    "time_order": ("Urutan waktu terbalik", "Times out of order"), "duplicate_id": ("Id ganda", "Duplicate id"),
    "control_character": ("Karakter kontrol", "Control character"), "too_long": ("Terlalu panjang", "Too long"),
    "formula_text": ("Teks seperti rumus", "Formula-like text"), "markup_text": ("Nama berisi markup", "Markup in a name"),
    "future_timestamp": ("Waktu setelah saat dimuat", "Timestamp after the load"),
    "ambiguous_number": ("Angka bermakna ganda", "Ambiguous number"),
    "spreadsheet_error": ("Sel galat spreadsheet", "Spreadsheet error cell"),
    "bad_date": ("Tanggal tidak valid", "Bad date"),
    "region_mismatch": ("Wilayah atau cabang tidak cocok", "Region or branch does not match"),
    # event categories ("other" above)
    "outage": ("Gangguan sistem", "System outage"), "closure": ("Libur / tutup", "Holiday or closure"),
    "staffing": ("Kepegawaian", "Staffing"), "policy": ("Kebijakan", "Policy"),
    # complaint channels
    "walk_in": ("Datang langsung", "Walk-in"), "call_center": ("Call center 175", "Call centre 175"),
    "email": ("Email", "Email"), "social_media": ("Media sosial", "Social media"),
    "mass_media": ("Media massa", "Mass media"), "lapor": ("LAPOR!", "LAPOR!"),
    # complaint categories
    "queue": ("Antrean", "Queue"), "staff_attitude": ("Sikap petugas", "Staff attitude"),
    "staff_absent": ("Petugas tidak ada", "Staff absent"), "jht_claim": ("Klaim JHT", "JHT claim"),
    "employer_contributions": ("Iuran perusahaan", "Employer contributions"), "jmo_app": ("Aplikasi JMO", "JMO app"),
    # statuses
    "open": ("Terbuka", "Open"), "in_progress": ("Diproses", "In progress"), "resolved": ("Selesai", "Resolved"),
    "done": ("Selesai", "Done"), "dropped": ("Dibatalkan", "Dropped"),
    "in_process": ("Diproses", "In process"), "paid": ("Dibayar", "Paid"), "rejected": ("Ditolak", "Rejected"),
    "loaded": ("Dimuat", "Loaded"), "failed": ("Gagal", "Failed"), "skipped": ("Dilewati", "Skipped"),
    # sources
    "queue_tickets": ("Tiket antrean", "Queue tickets"), "claims": ("Klaim", "Claims"),
    "complaints": ("Pengaduan", "Complaints"), "branches": ("Cabang", "Branches"),
    "annotations": ("Peristiwa", "Events"),
}

# Column headers of the data tables (batches, freshness, quarantine), which come from the database.
COLUMNS: dict[str, tuple[str, str]] = {
    "batch_id": ("Batch", "Batch"), "file_name": ("Berkas", "File"), "source": ("Sumber", "Source"),
    "status": ("Status", "Status"), "rows_read": ("Baris dibaca", "Rows read"),
    "rows_loaded": ("Baris dimuat", "Rows loaded"), "rows_adjusted": ("Disesuaikan (jam)", "Clock-adjusted"),
    "rows_quarantined": ("Dikarantina", "Quarantined"), "exact_duplicates": ("Duplikat persis", "Exact duplicates"),
    "started_at": ("Mulai", "Started"), "finished_at": ("Selesai", "Finished"), "message": ("Pesan", "Message"),
    "rows": ("Baris", "Rows"), "latest_record": ("Catatan terbaru", "Latest record"),
    "last_loaded": ("Terakhir dimuat", "Last loaded"), "reason": ("Alasan", "Reason"),
    "row_number": ("Baris ke-", "Row"), "column_name": ("Kolom", "Column"), "detail": ("Rincian", "Detail"),
    "raw_values": ("Nilai mentah", "Raw values"), "loaded_by": ("Dimuat oleh", "Loaded by"),
    "branch_code": ("Kode cabang", "Branch code"),
}


def set_language(lang: str) -> None:
    """Make `lang` the language of every word produced on this thread from now on (a script run's)."""
    _LANGUAGE.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language set for this thread (Indonesian until one is set)."""
    return _LANGUAGE.get()


def t(key: str, lang: str | None = None, **values) -> str:
    """The UI string `key` in `lang` (default: the current language), with `values` filled in."""
    text = STRINGS[key][(lang or current_language()) == "en"]
    return text.format(**values) if values else text


def code_label(code: str | None, lang: str | None = None) -> str:
    """A readable label for a code value from the data contract (unknown codes pass through)."""
    if code is None:
        return "–"
    pair = CODE_LABELS.get(code)
    return pair[(lang or current_language()) == "en"] if pair else code


def code_labels(lang: str) -> dict[str, str]:
    """Every code's label in `lang`, for translating a whole column at once."""
    return {code: pair[lang == "en"] for code, pair in CODE_LABELS.items()}


def kpi_label(kpi: str, lang: str | None = None) -> str:
    """The catalogue's label of a KPI."""
    spec = KPI_BY_ID[kpi]
    return spec.label_en if (lang or current_language()) == "en" else spec.label_id


def counted(kpi: str, lang: str | None = None) -> str:
    """What a rate KPI's denominator counts (`tiket`, `klaim`, …); empty for other KPIs."""
    noun = COUNTED.get(kpi)
    if noun is None:
        return ""
    return t(f"{noun}_counted" if noun in ("claims", "complaints") else noun, lang)


def with_column_labels(frame, lang: str | None = None):
    """The frame with database column names replaced by headers in `lang` (unknown names stay)."""
    english = (lang or current_language()) == "en"
    return frame.rename({c: COLUMNS[c][english] for c in frame.columns if c in COLUMNS})
