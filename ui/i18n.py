"""Indonesian and English: UI strings, code labels, dates and number formats.

Indonesian is the default. KPI labels come from the catalogue, never from here.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from etl.catalogue import COUNTED, KPI_BY_ID

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

STRINGS: dict[str, tuple[str, str]] = {
    # frame
    "app_title": ("Pantau: mutu layanan cabang", "Pantau: branch service quality"),
    "language": ("Bahasa", "Language"),
    "filters": ("Filter", "Filters"),
    "granularity": ("Periode", "Period type"),
    "week": ("Mingguan", "Weekly"),
    "month": ("Bulanan", "Monthly"),
    "period": ("Periode", "Period"),
    "region": ("Wilayah", "Region"),
    "branches": ("Cabang", "Branches"),
    "all_branches": ("Semua cabang", "All branches"),
    "freshness": ("Data sampai {up_to}, dimuat {loaded}.", "Data up to {up_to}, loaded {loaded}."),
    "incomplete": ("belum lengkap", "incomplete"),
    "section_meeting": ("Rapat", "Meeting"),
    "section_evaluation": ("Evaluasi", "Evaluation"),
    "section_operations": ("Operasional", "Operations"),
    "section_admin": ("Data", "Data"),
    "page_weekly": ("Rapat Mingguan", "Weekly meeting"),
    "page_trends": ("Tren Cabang", "Branch trends"),
    "page_compliance": ("Kepatuhan SOP", "SOP compliance"),
    "page_compare": ("Bandingkan Cabang", "Branch comparison"),
    "page_queue": ("Antrean", "Queue"),
    "page_claims": ("Klaim", "Claims"),
    "page_complaints": ("Pengaduan", "Complaints"),
    "page_data": ("Data & ETL", "Data & ETL"),
    "page_evaluation": ("Evaluasi", "Evaluation"),
    "page_follow_ups": ("Tindak Lanjut", "Follow-ups"),
    "page_report_card": ("Rapor Cabang", "Branch report card"),
    # states
    "empty_db": ("Basis data masih kosong.", "The database is empty."),
    "load_demo": ("Muat data demo", "Load demo data"),
    "loading_demo": ("Membuat dan memuat data demo…", "Generating and loading demo data…"),
    "demo_loaded": ("Data demo dimuat.", "Demo data loaded."),
    # who is looking
    "open_demo": ("Demo terbuka: tanpa login, semua orang melihat semua data. Aktifkan login (OIDC) atau header "
                  "proxy sebelum memakai data sebenarnya.",
                  "Open demo: no sign-in, everyone sees all data. Configure sign-in (OIDC) or a proxy header "
                  "before using real data."),
    "signed_in_as": ("Masuk sebagai {name} ({role}, {scope})", "Signed in as {name} ({role}, {scope})"),
    "regional_head": ("kepala wilayah", "regional head"),
    "branch_manager": ("manajer cabang", "branch manager"),
    "sign_in": ("Masuk", "Sign in"),
    "sign_out": ("Keluar", "Sign out"),
    "sign_in_prompt": ("Masuk dengan akun organisasi Anda untuk melihat dasbor.",
                       "Sign in with your organisation account to see the dashboard."),
    "not_registered": ("Akun {login} belum terdaftar di Pantau. Minta admin menjalankan "
                       "`python -m etl users add {login} --role … `.",
                       "The account {login} is not registered in Pantau. Ask an admin to run "
                       "`python -m etl users add {login} --role … `."),
    "no_proxy_identity": ("Proxy tidak mengirim identitas (header {header} kosong). Buka Pantau lewat alamat resmi "
                          "organisasi.",
                          "The proxy sent no identity (header {header} is empty). Open Pantau through the "
                          "organisation's address."),
    "out_of_scope": ("Data ini di luar wewenang akun Anda.", "This data is outside your account's scope."),
    "records_own_branch": ("Rekaman klaim, pengaduan dan karantina hanya terlihat untuk cabang Anda ({branch}).",
                           "Claim, complaint and quarantine records are shown for your branch ({branch}) only."),
    "upload_heads_only": ("Unggah data hanya untuk kepala wilayah.", "Only regional heads can upload data."),
    "edit_own_branch_only": ("Anda hanya dapat mengubah tindak lanjut cabang Anda.",
                             "You can only change your own branch's follow-ups."),
    "db_error": ("Basis data tidak dapat dibaca: {error}. Periksa DATABASE_URL atau jalankan ETL lagi.",
                 "The database cannot be read: {error}. Check DATABASE_URL or run the ETL again."),
    "no_data": ("Tidak ada data untuk pilihan ini.", "No data for this selection."),
    "download_csv": ("Unduh CSV", "Download CSV"),
    "click_hint": ("Klik sebuah cabang untuk membuka trennya.", "Click a branch to open its trend."),
    # common words
    "value": ("Nilai", "Value"),
    "target": ("Target", "Target"),
    "zone": ("Zona", "Zone"),
    "branch": ("Cabang", "Branch"),
    "kpi": ("Indikator", "KPI"),
    "region_line": ("Wilayah", "Region"),
    "change": ("Perubahan", "Change"),
    "vs_previous": ("vs sebelumnya", "vs previous"),
    "meets": ("Memenuhi target", "Meets target"),
    "misses": ("Tidak memenuhi target", "Misses target"),
    "no_value": ("Tanpa data", "No data"),
    "of": ("dari", "of"),
    "tickets": ("tiket", "tickets"),
    "visits": ("kunjungan", "visits"),
    "busy_hours": ("jam sibuk", "busy hours"),
    "ratings": ("penilaian", "ratings"),
    "claims_counted": ("klaim", "claims"),
    "complaints_counted": ("pengaduan", "complaints"),
    "services": ("layanan", "services"),
    "count": ("Jumlah", "Count"),
    "share_of_tickets": ("Bagian tiket", "Share of tickets"),
    "minutes": ("menit", "minutes"),
    "wait_minutes": ("Waktu tunggu (menit)", "Wait (minutes)"),
    "hour": ("Jam", "Hour"),
    "weekday": ("Hari", "Weekday"),
    "cumulative": ("Kumulatif", "Cumulative"),
    "working_days": ("Hari kerja", "Working days"),
    "age_working_days": ("Umur (hari kerja)", "Age (working days)"),
    "claims": ("Klaim", "Claims"),
    "complaints": ("Pengaduan", "Complaints"),
    "search": ("Cari (id, kategori, kanal, status)", "Search (id, category, channel, status)"),
    # weekly meeting
    "weekly_question": ("Bagaimana wilayah berjalan pada {period}, dan cabang mana yang perlu perhatian?",
                        "How did the region do in {period}, and which branches need attention?"),
    "zone_strip": ("Zona kepatuhan per cabang, 12 periode terakhir", "Compliance zone per branch, last 12 periods"),
    "needs_attention": ("Perlu perhatian", "Needs attention"),
    "red_branches": ("Cabang di zona merah", "Branches in the red zone"),
    "missed_twice": ("Indikator meleset dua periode berturut-turut", "KPIs that missed target two periods running"),
    "none_red": ("Tidak ada cabang di zona merah.", "No branch is in the red zone."),
    "none_missed": ("Tidak ada indikator yang meleset dua kali berturut-turut.", "No KPI missed target twice running."),
    "follow_ups": ("Tindak lanjut jatuh tempo minggu ini", "Follow-ups due this week"),
    "no_follow_ups_due": ("Tidak ada tindak lanjut yang jatuh tempo.", "No follow-up is due."),
    # follow-ups
    "follow_ups_question": ("Apa yang disepakati, siapa yang menindaklanjuti, dan apakah indikatornya pulih?",
                            "What was agreed, who follows it up, and did the KPI recover?"),
    "your_name": ("Nama Anda (dicatat di riwayat)", "Your name (kept in the history)"),
    "name_needed": ("Isi nama Anda dulu: setiap perubahan dicatat dengan nama dan waktunya.",
                    "Enter your name first: every change is kept with who and when."),
    "new_follow_up": ("Tindak lanjut baru", "New follow-up"),
    "free_topic": ("— topik lain (tanpa indikator) —", "— other topic (no KPI) —"),
    "topic": ("Topik", "Topic"),
    "agreed": ("Yang disepakati", "What was agreed"),
    "owner": ("Penanggung jawab", "Owner"),
    "due_date": ("Jatuh tempo", "Due date"),
    "status": ("Status", "Status"),
    "notes": ("Catatan", "Notes"),
    "raised_in": ("Diangkat pada", "Raised in"),
    "recovery": ("Pemulihan", "Recovery"),
    "save": ("Simpan", "Save"),
    "saved": ("Tersimpan (versi {version}).", "Saved (version {version})."),
    "create": ("Buat tindak lanjut", "Create follow-up"),
    "created": ("Tindak lanjut #{id} dibuat.", "Follow-up #{id} created."),
    "follow_up_list": ("Daftar tindak lanjut", "Follow-up list"),
    "show_closed": ("Tampilkan juga yang selesai/dibatalkan", "Also show done/dropped"),
    "edit_hint": ("Item untuk diubah atau dilihat riwayatnya", "Item to edit or to see its history"),
    "edit_follow_up": ("Ubah tindak lanjut #{id} (versi {version})", "Edit follow-up #{id} (version {version})"),
    "history": ("Riwayat perubahan", "Change history"),
    "changed_by": ("Oleh", "By"),
    "changed_at": ("Waktu", "When"),
    "version": ("Versi", "Version"),
    "stale_edit": ("Tidak disimpan: {who} sudah mengubah item ini pada {when} (kini versi {version}). Muat ulang, "
                   "lalu ulangi perubahan Anda.",
                   "Not saved: {who} changed this item at {when} (now version {version}). Reload it, then apply "
                   "your change again."),
    "reload": ("Muat ulang item", "Reload the item"),
    "invalid_field": ("Periksa isian '{field}' (isi kosong, terlalu panjang, atau tanggal sebelum periode).",
                      "Check '{field}': {problem}"),
    "recovered": ("target tercapai {met} dari {since} minggu sejak diangkat; terakhir {latest}",
                  "target met {met} of {since} weeks since raised; latest {latest}"),
    "too_early": ("belum ada minggu penuh sejak diangkat", "no full week since raised yet"),
    "follow_up_this": ("Buat tindak lanjut untuk pilihan ini", "Create a follow-up for this selection"),
    "open_trend": ("Buka tren", "Open the trend"),
    "select_to_act": ("Pilih baris untuk membuka tren atau membuat tindak lanjut.",
                      "Select a row to open its trend or create a follow-up."),
    "previous_value": ("Periode sebelumnya", "Previous period"),
    "meeting_pack": ("Unduh paket rapat (PDF + XLSX)", "Download the meeting pack (PDF + XLSX)"),
    "meeting_pack_help": ("Untuk dikirim sebelum rapat: klasemen, matriks KPI, apa yang berubah, tindak lanjut.",
                          "To email before the meeting: league table, KPI matrix, what changed, follow-ups."),
    "meeting_pack_xlsx": ("Unduh paket rapat (XLSX)", "Download the meeting pack (XLSX)"),
    "meeting_pack_no_pdf": ("PDF tidak tersedia: Chromium tidak terpasang di server.",
                            "PDF unavailable: Chromium is not installed on the server."),
    "what_changed": ("Apa yang berubah", "What changed"),
    "nothing_changed": ("Tidak ada perubahan yang signifikan dan berarti dibanding periode sebelumnya.",
                        "No change that is both significant and material against the previous period."),
    "what_changed_note": ("Hanya perubahan yang signifikan secara statistik (tingkat penemuan palsu 1 %) dan cukup "
                          "besar untuk ditindaklanjuti; naik-turun biasa tidak ditampilkan.",
                          "Only changes that are statistically significant (1 % false discovery rate) and large "
                          "enough to act on; ordinary ups and downs are left out."),
    # evaluation
    "evaluation_question": ("Perbedaan mana yang nyata pada {period}?", "Which differences are real in {period}?"),
    "evaluation_note": ("Cabang di dalam corong **konsisten dengan wilayah**: selisihnya masih dalam batas kebetulan. "
                        "Zona merah saja bukan vonis; yang perlu ditindaklanjuti adalah cabang yang **signifikan lebih "
                        "buruk** (di luar batas 99,8 %).",
                        "A branch inside the funnel is **consistent with the region**: its difference is within chance. "
                        "A red zone alone is not a verdict; act on branches that are **significantly worse** (outside "
                        "the 99.8 % limit)."),
    "league_title": ("Klasemen cabang", "League table"),
    "league_hint": ("Pilih baris untuk melihat grafik kendali cabang itu di bawah atau membuat tindak lanjut.",
                    "Select a row to see that branch's control chart below or to create a follow-up."),
    "rank": ("Peringkat", "Rank"),
    "rank_change": ("Naik/turun", "Rank change"),
    "missed_kpis": ("Indikator meleset", "KPIs missed"),
    "worse_than_region": ("Signifikan lebih buruk", "Significantly worse"),
    "better_than_region": ("Signifikan lebih baik", "Significantly better"),
    "funnel_heading": ("Diagram corong: siapa yang benar-benar berbeda?", "Funnel plot: who is really different?"),
    "control_heading": ("Grafik kendali: apakah cabang berubah dari kebiasaannya?",
                        "Control chart: has the branch moved beyond its usual noise?"),
    "funnel_kpi": ("Indikator untuk diagram corong", "KPI for the funnel plot"),
    "funnel_x": ("Jumlah kasus (penyebut)", "Number of cases (denominator)"),
    "pooled_rate": ("Rata-rata wilayah", "Region (pooled)"),
    "limit_95": ("Batas 95 %", "95 % limits"),
    "limit_998": ("Batas 99,8 %", "99.8 % limits"),
    "verdict_worse": ("signifikan lebih buruk", "significantly worse"),
    "verdict_better": ("signifikan lebih baik", "significantly better"),
    "verdict_consistent": ("konsisten dengan wilayah", "consistent with the region"),
    "overdispersed": ("Sebaran antarcabang jauh melebihi kebetulan (φ = {phi}); batas diperlebar (Spiegelhalter 2005).",
                      "Branches differ far more than chance allows (φ = {phi}); limits widened (Spiegelhalter 2005)."),
    "control_title": ("Grafik kendali: {kpi}, {branch}", "Control chart: {kpi}, {branch}"),
    "control_branch": ("Cabang untuk grafik kendali", "Branch for the control chart"),
    "control_kpi": ("Indikator untuk grafik kendali", "KPI for the control chart"),
    "control_note": ("Batas dari 12 periode sebelum yang ditampilkan. ◆ di luar batas, ■ 8 titik berturut-turut di "
                     "satu sisi garis tengah.",
                     "Limits from the 12 periods before those shown. ◆ outside the limits, ■ 8 points in a row on one "
                     "side of the centre line."),
    "control_short": ("Belum cukup riwayat: grafik kendali butuh 12 periode sebelumnya.",
                      "Not enough history: a control chart needs 12 earlier periods."),
    "centre_line": ("Garis tengah", "Centre line"),
    "control_limits": ("Batas kendali", "Control limits"),
    "signal_outside": ("di luar batas", "outside the limits"),
    "signal_run": ("8 berturut-turut satu sisi", "run of 8 on one side"),
    # report card
    "report_card_question": ("{branch} pada {period}: di mana posisinya, dan mengapa?",
                             "{branch} in {period}: where does it stand, and why?"),
    "funnel_position": ("Posisi di corong", "Funnel position"),
    "recent": ("12 periode terakhir", "Last 12 periods"),
    "open_follow_ups": ("Tindak lanjut terbuka", "Open follow-ups"),
    # trends
    "trends_question": ("Bagaimana indikator ini bergerak dari waktu ke waktu?", "How does this KPI move over time?"),
    "small_multiples": ("Semua indikator untuk {branch}", "Every KPI for {branch}"),
    "pick_one_branch": ("Pilih satu cabang di sidebar untuk melihat semua indikatornya.",
                        "Pick one branch in the sidebar to see all of its KPIs."),
    # compliance
    "compliance_question": ("Cabang mana memenuhi SOP pada {period}?", "Which branches meet the SOP in {period}?"),
    "heatmap_title": ("Indikator per cabang (✓ memenuhi, ✗ tidak memenuhi target)",
                      "KPIs per branch (✓ meets, ✗ misses target)"),
    "ranking_title": ("Indeks kepatuhan SOP, diurutkan", "SOP compliance index, ranked"),
    "zone_history": ("Riwayat zona per cabang", "Zone history per branch"),
    # comparison
    "compare_question": ("Di mana posisi cabang-cabang ini dibanding wilayah?",
                         "Where do these branches stand against the region?"),
    "compare_pick": ("Cabang yang dibandingkan (2–4)", "Branches to compare (2–4)"),
    "compare_need_two": ("Pilih dua sampai empat cabang.", "Pick two to four branches."),
    "wait_distribution": ("Sebaran waktu tunggu", "Distribution of waiting times"),
    "wait_heatmap": ("Rata-rata tunggu per jam dan hari (menit)", "Mean wait by hour and weekday (minutes)"),
    # queue
    "queue_question": ("Kapan antrean menumpuk, dan apakah loket terisi?",
                       "When does the queue build up, and are counters staffed?"),
    "volume_heatmap": ("Jumlah tiket per jam dan hari", "Tickets by hour and weekday"),
    "staffing_title": ("Loket aktif vs tersedia saat ada yang antre", "Counters active vs available while people wait"),
    "counters": ("Loket", "Counters"),
    "counters_available": ("Loket tersedia", "Counters available"),
    "counters_active": ("Loket aktif (rata-rata)", "Counters active (mean)"),
    "priority_title": ("Tunggu pengunjung prioritas vs lainnya", "Priority visitors' waits vs everyone else"),
    "transfers_title": ("Perpindahan antar loket (pingpong)", "Desk-to-desk transfers (the runaround)"),
    "no_transfers": ("Tidak ada perpindahan loket pada periode ini.", "No transfers in this period."),
    "everyone_else": ("Umum", "Everyone else"),
    # claims
    "claims_question": ("Apakah klaim dibayar tepat waktu, dan mengapa ditolak?",
                        "Are claims paid on time, and why are they rejected?"),
    "sla_by_programme": ("Klaim dibayar sesuai SLA, per program dan kanal", "Claims paid within SLA, by programme and channel"),
    "processing_time": ("Lama proses (hari kerja) vs SLA", "Processing time (working days) vs SLA"),
    "rejection_pareto": ("Alasan penolakan (Pareto)", "Rejection reasons (Pareto)"),
    "rejection_trend": ("Alasan penolakan per periode", "Rejection reasons over time"),
    "claim_backlog": ("Umur klaim tertunda di akhir periode", "Age of open claims at the period's end"),
    "channel_trend": ("Klaim per kanal per periode", "Claims by channel over time"),
    "sla_limit": ("SLA", "SLA"),
    # complaints
    "complaints_question": ("Apa yang dikeluhkan peserta, dan seberapa cepat ditangani?",
                            "What do participants complain about, and how fast is it handled?"),
    "by_channel": ("Pengaduan per kanal", "Complaints by channel"),
    "category_pareto": ("Kategori pengaduan (Pareto)", "Complaint categories (Pareto)"),
    "category_trend": ("Kategori pengaduan per periode", "Complaint categories over time"),
    "handling_sop": ("Tanggapan dan penyelesaian vs SOP", "Response and resolution against SOP"),
    "complaint_backlog": ("Umur pengaduan terbuka di akhir periode", "Age of open complaints at the period's end"),
    "escalations": ("Eskalasi publik (media massa, media sosial)", "Public escalations (mass media, social media)"),
    "records": ("Catatan pengaduan (id peserta disamarkan)", "Complaint records (participant ids pseudonymised)"),
    # data
    "data_question": ("Apa yang dimuat, kapan, dan apa yang dikarantina?", "What was loaded, when, and what was quarantined?"),
    "upload": ("Unggah berkas mentah", "Upload raw files"),
    "upload_help": ("Antrean, klaim, pengaduan atau cabang: CSV, XLSX atau Parquet",
                    "Queue tickets, claims, complaints or branches: CSV, XLSX or Parquet"),
    "upload_run": ("Jalankan ETL", "Run the ETL"),
    "upload_too_large": ("{name}: {size} MB, lebih besar dari batas unggah {limit} MB. Berkas ini tidak dimuat: "
                         "pecah per minggu atau per cabang, atau minta admin memuatnya dengan `python -m etl run`.",
                         "{name}: {size} MB, more than the {limit} MB upload limit. This file is not loaded: "
                         "split it by week or by branch, or ask an admin to load it with `python -m etl run`."),
    "upload_bad_name": ("Nama berkas '{name}' tidak dapat dipakai (kosong atau diawali titik). Ganti nama berkas "
                        "lalu unggah lagi.",
                        "The file name '{name}' cannot be used (empty, or starting with a dot). Rename the file "
                        "and upload it again."),
    "upload_long_name": ("Nama berkas '{name}' terlalu panjang. Persingkat lalu unggah lagi.",
                         "The file name '{name}' is too long. Shorten it and upload it again."),
    "upload_same_name": ("Dua berkas bernama '{name}' dalam satu unggahan; hanya yang pertama dimuat. Beri nama "
                         "berbeda lalu unggah yang kedua lagi.",
                         "Two files named '{name}' in one upload; only the first is loaded. Give them different "
                         "names and upload the second again."),
    "upload_done": ("Dimuat {loaded} baris; {quarantined} baris dikarantina.",
                    "Loaded {loaded} rows; {quarantined} rows quarantined."),
    "batches": ("Batch ETL", "ETL batches"),
    "source_freshness": ("Kesegaran per sumber", "Freshness per source"),
    "quarantine": ("Karantina per alasan", "Quarantine by reason"),
    "quarantine_samples": ("Contoh baris", "Sample rows"),
    "no_quarantine": ("Tidak ada baris yang dikarantina.", "No rows were quarantined."),
}

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
    "raw_values": ("Nilai mentah", "Raw values"),
}

_MONTHS = {"id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
           "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")}
_WEEKDAYS = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
             "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
_SWAP_SEPARATORS = str.maketrans(",.", ".,")
_RUPIAH_SCALES = ((1e12, "T", "tn"), (1e9, "M", "bn"), (1e6, "jt", "m"), (1e3, "rb", "k"))
_UNIT_SUFFIX = {"minutes": (" mnt", " min"), "working_days": (" hari", " days"), "per_1000": (" ‰", " ‰")}


def current_language() -> str:
    """The language picked in the sidebar (Indonesian until one is picked)."""
    return st.session_state.get("lang") or DEFAULT_LANGUAGE


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


def counted(kpi: str, lang: str | None = None) -> str:
    """What a rate KPI's denominator counts (`tiket`, `klaim`, …); empty for other KPIs."""
    noun = COUNTED.get(kpi)
    if noun is None:
        return ""
    return t(f"{noun}_counted" if noun in ("claims", "complaints") else noun, lang)


def kpi_value(value: float | None, kpi: str, lang: str | None = None) -> str:
    """A KPI value in its unit: shares as percentages, minutes and days with their unit."""
    if value is None:
        return "–"
    lang = lang or current_language()
    unit = KPI_BY_ID[kpi].unit
    if unit == "share":
        return number(value * 100, 1, lang) + (" %" if lang == "id" else "%")
    if unit in ("count", "index"):
        return number(value, 0, lang)
    if unit == "ratio":
        return number(value, 2, lang)
    return number(value, 1, lang) + _UNIT_SUFFIX[unit][lang == "en"]


def kpi_change(change: float | None, kpi: str, lang: str | None = None) -> str | None:
    """A change between two values of a KPI: percentage points for shares, the unit otherwise."""
    if change is None:
        return None
    lang = lang or current_language()
    sign = "+" if change > 0 else ""
    if KPI_BY_ID[kpi].unit == "share":
        return sign + number(change * 100, 1, lang) + (" poin" if lang == "id" else " pp")
    return sign + kpi_value(change, kpi, lang)


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


def change_sentence(row: dict, granularity: str, lang: str | None = None) -> str:
    """`Serang: Tunggu ≤ 15 menit turun dari 91,0 % ke 72,0 % (signifikan), 3 minggu berturut-turut di bawah target`."""
    lang = lang or current_language()
    kpi, english = row["kpi"], lang == "en"
    went = ("rose" if english else "naik") if row["value"] > row["before"] else ("fell" if english else "turun")
    text = (f"{row['name']}: {kpi_label(kpi, lang)} {went} {'from' if english else 'dari'} "
            f"{kpi_value(row['before'], kpi, lang)} {'to' if english else 'ke'} {kpi_value(row['value'], kpi, lang)} "
            f"({'significant' if english else 'signifikan'})")
    if row.get("branches_alike"):
        text += f", {'in' if english else 'di'} {row['branches_alike']} {'branches' if english else 'cabang'}"
    streak = row.get("streak") or 0
    if streak >= 2:
        unit = {"week": ("minggu", "weeks"), "month": ("bulan", "months")}[granularity][english]
        side = (("below", "di bawah") if KPI_BY_ID[kpi].higher_is_better else ("above", "di atas"))[not english]
        text += (f", {streak} {unit} running {side} target" if english
                 else f", {streak} {unit} berturut-turut {side} target")
    elif row["meets_target"] is False:
        text += ", now missing its target" if english else ", kini tidak memenuhi target"
    return text


def recovery_text(row: dict, lang: str | None = None) -> str:
    """`✓ target tercapai 2 dari 3 minggu sejak diangkat; terakhir 91,2 %`; a dash for a topic without a KPI."""
    if row.get("kpi") is None:
        return "–"
    if row.get("weeks_since") is None:
        return t("too_early", lang)
    latest = kpi_value(row.get("latest_value"), row["kpi"], lang)
    return (f"{'✓' if row.get('latest_meets') else '✗'} "
            f"{t('recovered', lang, met=row['weeks_met'], since=row['weeks_since'], latest=latest)}")


def target_text(kpi: str, target: float | None, lang: str | None = None) -> str:
    """`≥ 90,0 %` / `≤ 15,0 mnt`: the target with the side that meets it."""
    return f"{'≥' if KPI_BY_ID[kpi].higher_is_better else '≤'} {kpi_value(target, kpi, lang)}"


def with_column_labels(frame, lang: str | None = None):
    """The frame with database column names replaced by headers in `lang` (unknown names stay)."""
    english = (lang or current_language()) == "en"
    return frame.rename({c: COLUMNS[c][english] for c in frame.columns if c in COLUMNS})
