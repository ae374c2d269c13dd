"""Strings (id, en) of the day signals, presentation mode and the tables made to fit a projector, kept apart so that
present/strings.py stays under the size limit; merged into STRINGS there."""
from __future__ import annotations

MEETING_STRINGS: dict[str, tuple[str, str]] = {
    # day signals: the days a weekly figure averages away
    "day_breaches": ("Hari melewati batas", "Days over a hard limit"),
    "day_breaches_none": ("Tidak ada cabang dengan hari yang melewati batas.",
                          "No branch had a day over a hard limit."),
    "day_breaches_none_branch": ("Tidak ada hari yang melewati batas pada periode ini.",
                                 "No day over a hard limit in this period."),
    "day_breaches_note": ("Hari kerja dengan tunggu lebih dari {wait}, atau kurang dari {staffing} loket terisi saat "
                          "ada yang antre. Angka mingguan bisa menyamarkan hari seperti ini.",
                          "Working days with a wait over {wait}, or fewer than {staffing} of counters calling while "
                          "people queue. Weekly figures can average such a day away."),
    "day_breach_sentence": ("{name}: {count} dari {seen} hari melewati batas. Terparah {day}: tunggu P90 {p90} "
                            "(terlama {longest}), loket terisi {staffing} saat antre, {waiting} tiket masih antre saat "
                            "tutup, layanan sampai {after} lewat jam tutup.",
                            "{name}: {count} of {seen} days over a hard limit. Worst {day}: wait P90 {p90} (longest "
                            "{longest}), {staffing} of counters staffed while busy, {waiting} tickets still waiting at "
                            "closing, service until {after} past closing."),
    "already_promised": ("Sudah ada janji terbuka #{id} untuk cabang dan indikator ini ({by}, jatuh tempo {due}). "
                         "Centang kotak di atas tombol lalu tekan \"Buat tindak lanjut\" lagi bila memang perlu "
                         "janji kedua.",
                         "Promise #{id} is already open for this branch and KPI ({by}, due {due}). Tick the box "
                         "above the button and press \"Create follow-up\" again if a second one is really needed."),
    "also_if_open": ("Tetap buat janji baru, walau sudah ada yang terbuka",
                     "Make a new promise anyway, even if one is open"),
    "red_branches": ("Cabang di zona merah", "Branches in the red zone"),
    "none_red": ("Tidak ada cabang di zona merah.", "No branch is in the red zone."),
    "follow_ups": ("Tindak lanjut terbuka", "Open follow-ups"),
    "no_follow_ups_due": ("Tidak ada tindak lanjut terbuka.", "No open follow-ups."),
    "due_state": ("Status jatuh tempo", "Due state"),
    "due_overdue": ("✗ Lewat jatuh tempo", "✗ Overdue"),
    "due_due": ("! Jatuh tempo minggu rapat ini", "! Due this meeting week"),
    "due_later": ("– Terjadwal", "– Scheduled"),
    # presentation mode (ui/present_mode.py): the meeting as panels for one projected screen each
    "present_mode": ("Mode presentasi", "Presentation mode"),
    "present_mode_help": ("Rapat sebagai panel selayar proyektor (1280×720): tanpa sidebar, huruf lebih besar. "
                          "Tautan dengan ?present=1 membukanya langsung.",
                          "The meeting as panels one projector screen each (1280×720): no sidebar, larger type. "
                          "A link with ?present=1 opens it directly."),
    "present_exit": ("Keluar", "Exit"),
    "present_exit_help": ("Kembali ke halaman biasa dengan sidebar", "Back to the usual page with the sidebar"),
    "panel_previous": ("Sebelumnya", "Previous"),
    "panel_next": ("Berikutnya", "Next"),
    "panel_of": ("{index} dari {count}", "{index} of {count}"),
    "page_previous": ("Halaman sebelumnya", "Previous page"),
    "page_next": ("Halaman berikutnya", "Next page"),
    "rows_of": ("Baris {first}–{last} dari {total}", "Rows {first}–{last} of {total}"),
    "panel_headline": ("Angka utama", "Headline figures"),
    "panel_attention": ("Yang perlu perhatian", "What needs attention"),
    "panel_funnel": ("Dibanding wilayah: diagram corong", "Against the region: funnel plot"),
    "panel_promises": ("Janji tindak lanjut yang terbuka", "Open follow-up promises"),
    # tables that fit a 1280×720 screen (present/tables.py)
    "channel_category": ("Kanal · kategori", "Channel · category"),
    "index_short": ("Indeks", "Index"),
    "index_short_help": ("Indeks kepatuhan SOP (0–100)", "SOP compliance index (0–100)"),
    "worse_short": ("Lebih buruk", "Worse"),
    "better_short": ("Lebih baik", "Better"),
    "missed_short": ("Meleset", "Missed"),
    "league_counts_help": ("Banyaknya indikator: {what}. Pilih baris untuk melihat namanya di bawah tabel.",
                           "How many KPIs: {what}. Pick a row to see them named below the table."),
    "batch_details": ("Rincian batch: penyesuaian jam, duplikat persis, mulai, pengunggah, pesan",
                      "Batch details: clock adjustments, exact duplicates, start, uploader, message"),
}
