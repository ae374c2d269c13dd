"""Reference data: regions and offices for the `region` (Kanwil Banten) and `national` scales."""
from __future__ import annotations

import numpy as np
import polars as pl

BANTEN = "BTN"

TICKETS_PER_COUNTER = 22  # original tickets per staffed counter on an average working day at full load

# code, name, city, counters, opens_at, closes_at, load (share of TICKETS_PER_COUNTER per counter)
BANTEN_OFFICES = (
    ("BTN01", "KC Serang", "Kota Serang", 12, "08:00", "15:00", 0.96),
    ("BTN02", "KC Cilegon", "Kota Cilegon", 10, "08:00", "15:00", 0.95),
    ("BTN03", "KC Tangerang Cikokol", "Kota Tangerang", 12, "08:00", "15:00", 0.96),
    ("BTN04", "KC Tangerang Batu Ceper", "Kota Tangerang", 10, "08:00", "15:00", 0.97),
    ("BTN05", "KC Tangerang Cimone", "Kota Tangerang", 10, "08:00", "15:00", 0.93),
    ("BTN06", "KC Serpong", "Kota Tangerang Selatan", 11, "07:30", "15:30", 1.05),
    ("BTN07", "KC Balaraja", "Kabupaten Tangerang", 8, "08:00", "15:00", 0.95),
    ("BTN08", "KC Cikupa", "Kabupaten Tangerang", 12, "08:00", "15:00", 0.98),
    ("BTN09", "KC Ciputat", "Kota Tangerang Selatan", 11, "08:00", "15:00", 0.97),
    ("BTN10", "KC Rangkasbitung", "Kabupaten Lebak", 7, "08:00", "15:00", 0.92),
    ("BTN11", "KCP Pandeglang", "Kabupaten Pandeglang", 2, "08:00", "15:00", 0.55),
)

# code, Kanwil name, province code of most participants (first two NIK digits), offices (KC first, then KCP)
NATIONAL_REGIONS = (
    ("DKI", "Kanwil DKI Jakarta", 31, (
        "Salemba Kebon Sirih Menteng Pulo Gambir Sudirman Kuningan Mampang Cilandak Kebayoran_Baru Pasar_Minggu "
        "Rawamangun Pulo_Gadung Cakung Ciracas Kramat_Jati Tanjung_Priok Kelapa_Gading Sunter Pluit Grogol "
        "Kebon_Jeruk Cengkareng Kalideres Tanah_Abang Senen Mangga_Dua Pancoran Tebet Jatinegara Duren_Sawit "
        "Cempaka_Putih Kepulauan_Seribu"
    )),
    ("JBR", "Kanwil Jawa Barat", 32, (
        "Bandung|Suci Bandung|Soekarno_Hatta Bandung|Lodaya Bekasi Bekasi|Cikarang Bogor Cileungsi Depok Karawang "
        "Purwakarta Cirebon Sukabumi Tasikmalaya Cimahi Cibinong Cikampek Subang Indramayu Kuningan Majalengka "
        "Sumedang Garut Ciamis Banjar Cianjur Padalarang Soreang Pangandaran Jatiwangi Pelabuhan_Ratu Rancaekek "
        "Majalaya Cikarang_Barat"
    )),
    ("JTD", "Kanwil Jawa Tengah dan DI Yogyakarta", 33, (
        "Semarang|Pemuda Semarang|Majapahit Surakarta Yogyakarta Magelang Salatiga Kudus Pati Jepara Pekalongan "
        "Tegal Purwokerto Cilacap Klaten Sleman Kendal Rembang Blora Purwodadi Batang Pemalang Brebes Slawi "
        "Purbalingga Banjarnegara Wonosobo Kebumen Purworejo Boyolali Sragen Karanganyar Wonogiri Wonosari"
    )),
    ("JTM", "Kanwil Jawa Timur", 35, (
        "Surabaya|Rungkut Surabaya|Darmo Surabaya|Tanjung_Perak Surabaya|Karimun_Jawa Sidoarjo Gresik Mojokerto "
        "Jombang Malang Pasuruan Probolinggo Jember Banyuwangi Kediri Blitar Madiun Batu Lumajang Situbondo "
        "Bondowoso Tulungagung Trenggalek Ngawi Ponorogo Pacitan Magetan Nganjuk Bojonegoro Tuban Lamongan "
        "Bangkalan Pamekasan"
    )),
    ("SBU", "Kanwil Sumatera Bagian Utara", 12, (
        "Medan|Kota Medan|Utara Medan|Belawan Binjai Tebing_Tinggi Pematang_Siantar Kisaran Rantau_Prapat "
        "Banda_Aceh Lhokseumawe Lubuk_Pakam Padang_Sidempuan Sibolga Tanjung_Balai Kabanjahe Balige "
        "Gunung_Sitoli Langsa Meulaboh Takengon Sigli Bireuen Tapaktuan Kuala_Simpang Stabat Tarutung "
        "Sidikalang Sabang Panyabungan Aek_Kanopan Indrapura"
    )),
    ("SBR", "Kanwil Sumatera Barat dan Riau", 14, (
        "Padang Bukittinggi Pekanbaru|Kota Pekanbaru|Panam Dumai Duri Batam|Kota Batam|Nagoya Batam|Muka_Kuning "
        "Tanjung_Pinang Payakumbuh Solok Rengat Pariaman Sawahlunto Padang_Panjang Dharmasraya Bangkinang Siak "
        "Pangkalan_Kerinci Tembilahan Bengkalis Ujung_Batu Tanjung_Balai_Karimun Bintan Natuna Teluk_Kuantan "
        "Bagan_Siapiapi Lubuk_Sikaping Painan"
    )),
    ("SBS", "Kanwil Sumatera Bagian Selatan", 16, (
        "Palembang Palembang|Kenten Bandar_Lampung Bandar_Lampung|Teluk_Betung Jambi Bengkulu Pangkal_Pinang "
        "Prabumulih Lubuk_Linggau Baturaja Metro Muara_Enim Lahat Sekayu Kayu_Agung Pagar_Alam Kotabumi "
        "Kalianda Pringsewu Menggala Liwa Muara_Bungo Kuala_Tungkal Sarolangun Curup Argamakmur Tanjung_Pandan "
        "Muntok Sungai_Liat Baturaja|Timur"
    )),
    ("KAL", "Kanwil Kalimantan", 64, (
        "Pontianak Banjarmasin Banjarbaru Palangka_Raya Samarinda Samarinda|Seberang Balikpapan Bontang "
        "Tarakan Singkawang Sampit Tenggarong Sangatta Ketapang Sintang Sanggau Kotabaru Tanjung_Tabalong "
        "Batulicin Pangkalan_Bun Muara_Teweh Tanah_Grogot Penajam Tanjung_Selor Nunukan Malinau Berau "
        "Kuala_Kapuas Barabai Pelaihari"
    )),
    ("SLM", "Kanwil Sulawesi dan Maluku", 73, (
        "Makassar Makassar|Somba_Opu Manado Bitung Gorontalo Palu Kendari Ambon Ternate Parepare Palopo "
        "Maros Bone Bulukumba Sidrap Pinrang Sengkang Mamuju Tomohon Kotamobagu Luwuk Poso Toli-Toli Morowali "
        "Kolaka Baubau Tual Masohi Tobelo Sofifi"
    )),
    ("BNP", "Kanwil Bali Nusa Tenggara dan Papua", 51, (
        "Denpasar Denpasar|Renon Badung Mataram Kupang Jayapura Sorong Singaraja Gianyar Tabanan Timika "
        "Manokwari Merauke Negara Klungkung Praya Selong Sumbawa_Besar Bima Dompu Atambua Ende Maumere "
        "Labuan_Bajo Waingapu Sentani Biak Nabire Fakfak Wamena Karangasem"
    )),
)
KC_SHARE = 0.6  # about 60 % of national offices are full branches (KC), the rest pioneer branches (KCP)
PROVINCE_BANTEN = 36
REFERENCE_SEED = 20_170_523  # branch reference data is the same for every run seed


def offices(scale: str) -> pl.DataFrame:
    """Every office of the scale: the contract's branch columns plus `province` and `daily_tickets`."""
    if scale == "region":
        return _banten()
    if scale == "national":
        return pl.concat([_banten(), *(_region(*region, index) for index, region in enumerate(NATIONAL_REGIONS))])
    raise ValueError(f"unknown scale {scale!r}: use 'region' or 'national'")


def _banten() -> pl.DataFrame:
    """Kanwil Banten's real-named offices, the same at both scales."""
    rows = [
        {"branch_code": code, "branch_name": name, "branch_type": name.split()[0], "region_code": BANTEN,
         "region_name": "Kanwil Banten", "city": city, "counters": counters, "opens_at": opens, "closes_at": closes,
         "province": PROVINCE_BANTEN, "daily_tickets": float(round(counters * TICKETS_PER_COUNTER * load))}
        for code, name, city, counters, opens, closes, load in BANTEN_OFFICES
    ]
    return pl.DataFrame(rows)


def _region(code: str, name: str, province: int, places: str, index: int) -> pl.DataFrame:
    """One synthetic Kanwil: KCs in its larger places, KCPs in the rest, volumes in line with counters."""
    rng = np.random.default_rng([REFERENCE_SEED, index])
    # "Bandung|Suci" is the office "Bandung Suci" in the city of Bandung; "_" joins words of one name.
    entries = [place.replace("_", " ").split("|") for place in places.split()]
    place_names = [" ".join(entry) for entry in entries]
    cities = ["DKI Jakarta" if code == "DKI" else entry[0] for entry in entries]
    kc_count = round(len(place_names) * KC_SHARE)
    is_kc = np.arange(len(place_names)) < kc_count
    # KCs outside Banten are bigger, and bigger counter pools absorb a little more load; KCPs are quieter.
    counters = np.where(is_kc, rng.integers(13, 25, len(place_names)), rng.integers(2, 5, len(place_names)))
    load = np.where(is_kc, rng.uniform(0.98, 1.1, len(place_names)), rng.uniform(0.5, 0.8, len(place_names)))
    rows = [
        {"branch_code": f"{code}{number + 1:02d}", "branch_name": f"{'KC' if kc else 'KCP'} {place}",
         "branch_type": "KC" if kc else "KCP", "region_code": code, "region_name": name,
         "city": city, "counters": int(n_counters),
         "opens_at": "08:00", "closes_at": "15:00", "province": province,
         "daily_tickets": float(round(n_counters * TICKETS_PER_COUNTER * office_load))}
        for number, (place, city, kc, n_counters, office_load) in enumerate(
            zip(place_names, cities, is_kc, counters, load)
        )
    ]
    return pl.DataFrame(rows)
