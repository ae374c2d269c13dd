"""UI strings of known events and alerts, as (id, en) pairs, merged into present.strings.STRINGS.

Kept in their own module so that present/strings.py stays under the 400 lines every module keeps to.
"""
from __future__ import annotations

EVENT_STRINGS: dict[str, tuple[str, str]] = {
    "page_events": ("Peristiwa", "Events"),
    "during": ("selama: {events}", "during: {events}"),
    "events": ("Peristiwa", "Events"),
    "events_question": ("Peristiwa yang menjelaskan grafik: gangguan, penutupan, pelatihan",
                        "Events that explain the charts: outages, closures, training days"),
    "events_none": ("Belum ada peristiwa tercatat.", "No events recorded yet."),
    "event_new": ("Catat peristiwa", "Record an event"),
    "event_edit": ("Ubah peristiwa", "Edit an event"),
    "event_pick": ("Peristiwa", "Event"),
    "event_scope": ("Berlaku untuk", "Applies to"),
    "event_whole_region": ("Seluruh wilayah", "The whole region"),
    "event_category": ("Jenis", "Category"),
    "event_starts": ("Mulai", "Starts"),
    "event_ends": ("Sampai", "Ends"),
    "event_label": ("Label singkat (di grafik)", "Short label (on the chart)"),
    "event_text": ("Keterangan (saat kursor di atas)", "Description (on hover)"),
    "event_description": ("Keterangan", "Description"),
    "event_author": ("Dicatat oleh", "Recorded by"),
    "event_save": ("Simpan peristiwa", "Save the event"),
    "event_remove": ("Hapus peristiwa", "Remove the event"),
    "event_saved": ("Peristiwa disimpan.", "Event saved."),
    "event_removed": ("Peristiwa dihapus.", "Event removed."),
    "event_error": ("Periksa {field}: {problem}", "Check {field}: {problem}"),
    "event_not_yours": ("Anda hanya dapat mencatat peristiwa untuk cabang Anda sendiri.",
                        "You can record events for your own branch only."),
    "events_period": ("Peristiwa periode ini", "Events of this period"),
    "events_file_hint": ("Juga dapat dimuat dari berkas `annotations*.csv` di halaman Data.",
                         "Can also be loaded from an `annotations*.csv` file on the Data page."),
}
ALERT_STRINGS: dict[str, tuple[str, str]] = {
    "alerts": ("Riwayat peringatan", "Alert history"),
    "alerts_none": ("Belum ada peringatan untuk {branch}.", "No alerts for {branch} yet."),
    "alerts_branch": ("Cabang", "Branch"),
    "alerts_note": ("Diperiksa setelah setiap pemuatan data; tiap kondisi sekali per periode, kepada kepala wilayah "
                    "dan kepala cabang yang bersangkutan.",
                    "Checked after every data load; each condition once per period, to the regional head and the "
                    "branch's manager."),
    "rule_worse": ("Lebih buruk", "Worse"),
    "rule_long_wait": ("Tunggu terlalu lama", "Long wait"),
    "rule_understaffed": ("Loket kosong saat antre", "Counters empty when busy"),
    "rule_overdue": ("Lewat jatuh tempo", "Overdue"),
    "rule_stale": ("Data tidak baru", "Stale data"),
    "alert_worse": ("{kpi} {value} ({target}), lebih buruk dari {than}, {period}",
                    "{kpi} {value} ({target}), worse than {than}, {period}"),
    "alert_than_region": ("wilayah", "the region"),
    "alert_than_usual": ("biasanya", "usual"),
    "alert_long_wait": ("pada {day} ada pengunjung menunggu {longest} menit (batas {limit}); {over} orang "
                        "lebih dari batas",
                        "on {day} a visitor waited {longest} minutes (limit {limit}); {over} over the limit"),
    "alert_understaffed": ("pada {day} hanya {staffed} loket terisi rata-rata selama {hours} jam sibuk (batas {limit})",
                           "on {day} only {staffed} of counters staffed on average over {hours} busy hours "
                           "(limit {limit})"),
    "alert_overdue": ("tindak lanjut #{id} lewat jatuh tempo {due}", "follow-up #{id} overdue since {due}"),
    "alert_stale": ("{source} tanpa data baru sejak {newest}", "{source} without new data since {newest}"),
}
EVENT_STRINGS |= ALERT_STRINGS
