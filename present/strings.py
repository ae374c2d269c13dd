"""Every UI string in Indonesian and English, as (id, en) pairs; `present.words.t` looks them up.

Indonesian comes first because it is the default. KPI labels live in the catalogue, never here.
"""
from __future__ import annotations

from present.strings_events import EVENT_STRINGS
from present.strings_meeting import MEETING_STRINGS
from present.strings_staffing import STAFFING_STRINGS

STRINGS: dict[str, tuple[str, str]] = {
    # frame
    "app_title": ("Pantau: mutu layanan cabang", "Pantau: branch service quality"),
    "language": ("Bahasa", "Language"),
    "filters": ("Filter", "Filters"),
    "granularity": ("Jenis periode", "Period type"),
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
    "page_monthly": ("Evaluasi Bulanan", "Monthly evaluation"),
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
                       "`python -m etl users add {command_login} --role … `.",
                       "The account {login} is not registered in Pantau. Ask an admin to run "
                       "`python -m etl users add {command_login} --role … `."),
    "email_not_verified": ("Penyedia identitas belum memverifikasi e-mail {login}, jadi Pantau tidak menerimanya; "
                           "verifikasi e-mail itu di akun organisasi Anda lalu masuk lagi.",
                           "The identity provider has not verified the e-mail {login}, so Pantau does not accept it; "
                           "verify it in your organisation account and sign in again."),
    "proxy_header_repeated": ("Permintaan ditolak: header {header} dikirim lebih dari sekali (atau berisi beberapa "
                              "nilai), jadi identitasnya tidak dapat dipercaya; proxy harus mengirimnya tepat satu "
                              "kali.",
                              "Request refused: the header {header} came more than once (or holds several values), "
                              "so the identity cannot be trusted; the proxy must send it exactly once."),
    "sign_in_not_configured": ("Login belum diatur: isi `[auth]` (OIDC) atau `[pantau] trusted_header` di "
                               "`.streamlit/secrets.toml`, atau nyalakan demo terbuka dengan `PANTAU_OPEN_DEMO=1` "
                               "(atau `[pantau] open_demo = true`).",
                               "Sign-in is not configured: set `[auth]` (OIDC) or `[pantau] trusted_header` in "
                               "`.streamlit/secrets.toml`, or turn the open demo on with `PANTAU_OPEN_DEMO=1` "
                               "(or `[pantau] open_demo = true`)."),
    "secrets_unreadable": ("Berkas rahasia {path} ada tetapi tidak dapat dibaca (periksa sintaks TOML-nya dan hak "
                           "bacanya), jadi dasbor berhenti tanpa menampilkan data sampai berkas itu diperbaiki.",
                           "The secrets file {path} exists but cannot be read (check its TOML syntax and that Pantau "
                           "may read it), so the dashboard stops and shows no data until the file is fixed."),
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
    "change": ("Perubahan", "Change"),
    "vs_previous": ("vs sebelumnya", "vs previous"),
    "meets": ("Memenuhi target", "Meets target"),
    "misses": ("Tidak memenuhi target", "Misses target"),
    "meets_tile": ("Memenuhi", "Meets"),
    "misses_tile": ("Meleset", "Misses"),
    "vs_previous_help": ("Perubahan dibanding periode sebelumnya.", "Change against the previous period."),
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
    "headline_region": ("Indikator utama {region}: seluruh wilayah, bukan cabang yang dipilih",
                        "{region} headline KPIs: the whole region, not the branches picked"),
    "weekly_question": ("Bagaimana wilayah berjalan pada {period}, dan cabang mana yang perlu perhatian?",
                        "How did the region do in {period}, and which branches need attention?"),
    "zone_strip": ("Zona kepatuhan per cabang, 12 periode terakhir", "Compliance zone per branch, last 12 periods"),
    "needs_attention": ("Perlu perhatian", "Needs attention"),
    # records in words
    "complaint_id": ("No. aduan", "Complaint no."),
    "channel": ("Kanal", "Channel"),
    "category": ("Kategori", "Category"),
    "received": ("Diterima", "Received"),
    "first_response": ("Respons pertama", "First response"),
    "resolved": ("Selesai", "Resolved"),
    "reopened": ("Dibuka ulang", "Reopened"),
    "none_yet": ("belum ada", "none yet"),
    "not_answered_yet": ("belum direspons", "not answered yet"),
    "not_resolved_yet": ("belum selesai", "not resolved yet"),
    "yes": ("Ya", "Yes"),
    "no": ("Tidak", "No"),
    "other_categories": ("Lainnya", "Other"),
    "discuss_table": ("Yang perlu dibahas, untuk ditindaklanjuti", "To discuss, to act on"),
    "region_value": ("Wilayah", "Region"),
    "usual_value": ("Biasanya", "Usual"),
    "periods_missed": ("Meleset (periode)", "Missed (periods)"),
    "value_target": ("Nilai (target)", "Value (target)"),
    "region_value_help": ("Tingkat wilayah (gabungan semua cabang). \"–\": median, persentil dan hitungan tidak "
                          "dibandingkan dengan corong.", "The region's pooled rate. \"–\": medians, percentiles and "
                          "counts are not compared in the funnel."),
    "promise": ("Janji", "Promise"),
    "no_promise_short": ("belum ada", "none yet"),
    "discuss": ("Perlu dibahas", "To discuss"),
    "discuss_none": ("Tidak ada cabang yang nyata lebih buruk dari wilayah atau dari biasanya.",
                     "No branch is really worse than the region or than usual."),
    "discuss_note": ("Cabang yang di bawah target dan nyata lebih buruk dari wilayah (di luar batas corong 99,8%) "
                     "atau dari biasanya (di luar batas bagan kendali, dua periode berturut-turut di bawah target); "
                     "yang terparah lebih dulu.",
                     "Branches below target and really worse than the region (outside the 99.8% funnel limit) or "
                     "than usual (outside their control-chart limits, two periods running below target); worst "
                     "first."),
    "discuss_more": ("{count} lainnya", "{count} more"),
    "promise_raised": ("Janji #{id} sudah dibuat ({by}, {period}), jatuh tempo {due}.",
                       "Promise #{id} already made ({by}, {period}), due {due}."),
    "no_promise": ("Belum ada janji tindak lanjut.", "No promise made yet."),
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
    "meeting_pack_prepare": ("Siapkan paket rapat", "Prepare the meeting pack"),
    "pack_step_collect": ("Mengumpulkan angka periode ini…", "Collecting this period's figures…"),
    "pack_step_xlsx": ("Menulis XLSX…", "Writing the XLSX…"),
    "pack_step_pdf": ("Mencetak PDF…", "Printing the PDF…"),
    "pack_step_done": ("Paket rapat siap.", "The meeting pack is ready."),
    "meeting_pack_xlsx": ("Unduh paket rapat (XLSX)", "Download the meeting pack (XLSX)"),
    "meeting_pack_no_pdf": ("PDF tidak tersedia: Chromium tidak terpasang di server.",
                            "PDF unavailable: Chromium is not installed on the server."),
    "what_changed": ("Apa yang berubah", "What changed"),
    "nothing_changed": ("Tidak ada perubahan yang signifikan dan berarti dibanding periode sebelumnya.",
                        "No change that is both significant and material against the previous period."),
    "what_changed_note": ("Hanya perubahan yang signifikan secara statistik (tingkat penemuan palsu 1%) dan cukup "
                          "besar untuk ditindaklanjuti; naik-turun biasa tidak ditampilkan.",
                          "Only changes that are statistically significant (1% false discovery rate) and large "
                          "enough to act on; ordinary ups and downs are left out."),
    # evaluation
    "evaluation_question": ("Perbedaan mana yang nyata pada {period}?", "Which differences are real in {period}?"),
    "evaluation_note": ("Cabang di dalam corong **konsisten dengan wilayah**: selisihnya masih dalam batas kebetulan. "
                        "Zona merah saja bukan vonis; yang perlu ditindaklanjuti adalah cabang yang **signifikan lebih "
                        "buruk** (di luar batas 99,8%).",
                        "A branch inside the funnel is **consistent with the region**: its difference is within chance. "
                        "A red zone alone is not a verdict; act on branches that are **significantly worse** (outside "
                        "the 99.8% limit)."),
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
    "funnel_x": ("Banyaknya", "How many"),
    "pooled_rate": ("Rata-rata wilayah", "Region (pooled)"),
    "limit_95": ("Batas 95%", "95% limits"),
    "limit_998": ("Batas 99,8%", "99.8% limits"),
    "verdict_worse": ("signifikan lebih buruk", "significantly worse"),
    "verdict_better": ("signifikan lebih baik", "significantly better"),
    "verdict_consistent": ("konsisten dengan wilayah", "consistent with the region"),
    "overdispersed": ("Cabang-cabang berbeda jauh lebih besar dari kebetulan, jadi batasnya diperlebar.",
                      "Branches differ far more than chance allows, so the limits are widened."),
    "overdispersed_help": ("Faktor sebaran φ = {phi} (Spiegelhalter 2005, penyesuaian sebaran berlebih).",
                           "Dispersion factor φ = {phi} (Spiegelhalter 2005, over-dispersion adjustment)."),
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
    "recent_help": ("Nilai terhadap target, satu skala untuk semua KPI: 1 = tepat target, di atas 1 lebih baik, "
                    "di bawah 1 meleset (dibatasi 1,5); garis titik-titik = target. Warna = zona periode ini.",
                    "Value against target, one scale for every KPI: 1 = on target, above 1 better, below 1 missed "
                    "(capped at 1.5); dotted line = target. Colour = this period's zone."),
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
    "uploader_limit": ("Seret berkas ke sini · maks. {mb} MB per berkas · {types}",
                       "Drag files here · up to {mb} MB per file · {types}"),
    "uploader_browse": ("Unggah", "Upload"),
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
    # the pack by e-mail (report.deliver, ui.subscribe)
    "mail_subject": ("Pantau · {title} · {scope} · {period}", "Pantau · {title} · {scope} · {period}"),
    "mail_body": ("Yth. Bapak/Ibu,\n\nTerlampir {title} untuk {scope}, {period} (data sampai {up_to}): PDF untuk "
                  "dibaca, XLSX untuk diolah.\n\nE-mail ini dikirim karena Anda berlangganan paket {every} Pantau. "
                  "Berhenti berlangganan lewat menu samping dasbor, bagian \"{control}\".\n",
                  "Dear colleague,\n\nAttached is the {title} for {scope}, {period} (data up to {up_to}): the PDF to "
                  "read, the XLSX to work with.\n\nYou receive this e-mail because you subscribed to Pantau's {every} "
                  "pack. Unsubscribe in the dashboard's sidebar, under \"{control}\".\n"),
    "mail_every_week": ("mingguan", "weekly"),
    "mail_every_month": ("bulanan", "monthly"),
    "subscribe_control": ("Paket lewat e-mail", "Pack by e-mail"),
    "subscribe_help": ("Paket rapat {scope} (PDF dan XLSX) dikirim ke {login} setelah data periodenya lengkap.",
                       "The meeting pack for {scope} (PDF and XLSX) goes to {login} once the period's data is "
                       "complete."),
    "subscribe_week": ("Paket mingguan", "Weekly pack"),
    "subscribe_month": ("Paket bulanan", "Monthly pack"),
    "subscribe_lang": ("Bahasa paket: {language}. Paket yang dinyalakan memakai bahasa tampilan saat itu.",
                       "Pack language: {language}. A pack switched on comes in the language shown at the time."),
    "subscribe_saved": ("Langganan disimpan.", "Subscription saved."),
}
STRINGS.update(MEETING_STRINGS)
STRINGS.update(STAFFING_STRINGS)
STRINGS.update(EVENT_STRINGS)
