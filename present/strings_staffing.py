"""The staffing page's strings (id, en), kept apart so present/strings.py stays under the size limit;
`present.strings.STRINGS` includes them."""
from __future__ import annotations

STAFFING_STRINGS: dict[str, tuple[str, str]] = {
    "page_staffing": ("Kebutuhan Loket", "Counters needed"),
    "staffing_question": ("Berapa loket yang dibutuhkan tiap jam agar SOP terpenuhi, berapa yang buka, dan berapa "
                          "minggu depan? ({period})",
                          "How many counters did each hour need to meet the SOP, how many were open, and how many "
                          "next week? ({period})"),
    "short_hours_title": ("Jam kekurangan loket per cabang", "Hours short of counters per branch"),
    "short_hours_axis": ("Jam dengan loket aktif < dibutuhkan", "Hours with fewer counters active than needed"),
    "short_hours_none": ("Tidak ada jam yang kekurangan loket pada periode ini.",
                         "No hour was short of counters in this period."),
    "short_hours_hover": ("{short} dari {hours} jam kurang loket, pada {days} hari; {missing} loket-jam hilang",
                          "{short} of {hours} hours short of counters, on {days} days; "
                          "{missing} counter-hours missing"),
    "staffing_branch_pick": ("Cabang yang dilihat per jam", "Branch to see hour by hour"),
    "staffing_detail_own": ("Rincian per jam hanya untuk cabang Anda sendiri; rencana semua cabang ada di bawah.",
                            "The hour-by-hour detail is for your own branch only; every branch's plan is below."),
    "shortage_heatmap_title": ("Loket kurang per jam (angka: dibutuhkan / aktif)",
                               "Counters short per hour (figures: needed / active)"),
    "counters_short": ("Loket kurang", "Counters short"),
    "counters_needed": ("Loket dibutuhkan", "Counters needed"),
    "counters_open": ("Loket aktif", "Counters active"),
    "tickets_issued": ("Tiket diambil", "Tickets issued"),
    "few_tickets_mark": ("○ = kurang dari {n} tiket: model kasar", "○ = fewer than {n} tickets: model rough"),
    "day_line_title": ("Satu hari: loket dibutuhkan dan aktif per jam", "One day: counters needed and active by hour"),
    "pick_day": ("Hari", "Day"),
    "extra_counter": ("**+{extra} loket {day} {first}–{last}: {with_extra} dalam {minutes} menit, bukan {actual}.**",
                      "**+{extra} counters {day} {first}–{last}: {with_extra} within {minutes} minutes, "
                      "not {actual}.**"),
    "extra_counter_one": ("**+1 loket {day} {first}–{last}: {with_extra} dalam {minutes} menit, bukan {actual}.**",
                          "**+1 counter {day} {first}–{last}: {with_extra} within {minutes} minutes, not {actual}.**"),
    "empty_days": ("Hari dengan loket kosong: {days}.", "Days with empty counters: {days}."),
    "empty_day": ("{branch} {day} ({active} dari {counters} loket memanggil)",
                  "{branch} {day} ({active} of {counters} counters calling)"),
    "extra_counter_note": ("Jam terburuk periode ini ({tickets} tiket). Angka pertama perkiraan model antrean "
                           "(Erlang C) "
                           "dengan loket tambahan; yang kedua yang terjadi.",
                           "The period's worst stretch ({tickets} tickets). The first figure is the queueing model's "
                           "(Erlang C) estimate with the extra counters; the second is what happened."),
    "model_trust": ("Model (Erlang C) menghitung loket terkecil yang membuat {target} tiket dipanggil dalam {minutes} "
                    "menit (dan tiket prioritas dalam {priority} menit). Pada jam dengan kurang dari {n} tiket model "
                    "kasar: beberapa tiket saja mengubah bagiannya banyak; baca jam seperti itu sebagai perkiraan.",
                    "The model (Erlang C) finds the fewest counters that call {target} of tickets within {minutes} "
                    "minutes (and priority tickets within {priority}). In hours with fewer than {n} tickets it is "
                    "rough: a few tickets move the share a lot; read such hours as an estimate."),
    "plan_title": ("Rencana minggu depan, {first}–{last}", "Next week's plan, {first}–{last}"),
    "plan_caption": ("Loket dibutuhkan per jam, dari hari dan jam yang sama pada {weeks} minggu terakhir yang "
                     "sebanding (tanpa hari libur, cuti bersama, dan pekan sesudah libur panjang). Merah: melebihi "
                     "{counters} loket cabang.",
                     "Counters needed per hour, from the same weekday and hour of the last {weeks} comparable weeks "
                     "(holidays, cuti bersama and the week after a long closure left out). Red: more than the "
                     "branch's {counters} counters."),
    "plan_region_title": ("Semua cabang minggu depan", "Every branch next week"),
    "plan_peak": ("Puncak loket dibutuhkan", "Peak counters needed"),
    "plan_hours_over": ("Jam melebihi loket cabang", "Hours over the branch's counters"),
    "plan_none": ("Belum ada riwayat untuk membuat rencana.", "No history to plan from yet."),
    "short_hours_sentence": ("{name}: {short} dari {hours} jam layanan kurang loket, pada {days} hari "
                             "({missing} loket-jam kurang)",
                             "{name}: {short} of {hours} service hours short of counters, on {days} days "
                             "({missing} counter-hours missing)"),
    "short_hours_more": ("Lihat per jam dan rencana minggu depan", "See hour by hour, and next week's plan"),
}
