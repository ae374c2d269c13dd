"""Participants: NIK- or KPJ-like identifiers and Indonesian names, derived from a person number.

The same person number always gives the same identifier and name, so a participant who visits twice,
files a claim and complains shows up consistently across the sources.
"""
from __future__ import annotations

import numpy as np
import polars as pl

POOL_PER_DAILY_TICKET = 600  # a KC with 400 visitors a day serves about 240,000 participants

MALE_NAMES = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rudi", "Slamet", "Wahyu", "Yusuf",
    "Ahmad", "Bambang", "Dani", "Hadi", "Iwan", "Rizky", "Sutrisno", "Taufik", "Asep", "Ujang", "Dadang",
    "Muhammad", "Andi", "Bayu", "Rahmat", "Suryadi", "Teguh", "Firman",
)
FEMALE_NAMES = (
    "Siti", "Dewi", "Sri", "Rina", "Nur", "Ani", "Lestari", "Wulan", "Fitri", "Yuni", "Ratna", "Indah",
    "Eka", "Maya", "Nurul", "Putri", "Rini", "Sari", "Tuti", "Yanti", "Aisyah", "Dian", "Euis", "Neneng",
    "Kartini", "Lina", "Mega", "Novi", "Rosita", "Wati",
)
FAMILY_NAMES = (
    "Saputra", "Hidayat", "Nugroho", "Setiawan", "Wijaya", "Kurniawan", "Santoso", "Pratama", "Gunawan",
    "Susanto", "Rahayu", "Lestari", "Hakim", "Firmansyah", "Ramadhan", "Maulana", "Syahputra", "Permana",
    "Sulaiman", "Hasanah", "Suryani", "Handayani", "Kusuma", "Purnomo", "Wibowo", "Siregar", "Nasution",
    "Harahap", "Simanjuntak", "Sembiring", "Tanjung", "Hutapea", "Sitompul", "Munthe", "Fauzi", "Iskandar",
    "Mulyadi", "Sopian", "Supriatna", "Hermawan",
)


def draw_people(rng: np.random.Generator, branch_index: np.ndarray, daily_tickets: np.ndarray) -> np.ndarray:
    """A person number per record from the branch's participant pool (repeats are rare but happen)."""
    pool = np.maximum(daily_tickets[branch_index] * POOL_PER_DAILY_TICKET, 1000).astype(np.int64)
    return branch_index.astype(np.int64) * 10_000_000 + rng.integers(0, pool)


def participant_ids(person: np.ndarray, province: np.ndarray) -> pl.Series:
    """A 16-digit NIK (province, regency, district, birth date, serial) or an 11-digit KPJ number."""
    h = _mix(person.astype(np.uint64))
    digits = lambda shift, modulo: ((h >> np.uint64(shift)) % np.uint64(modulo)).astype(np.int64)  # noqa: E731
    female = digits(0, 2) == 1
    day = 1 + digits(1, 28) + np.where(female, 40, 0)  # a NIK adds 40 to a woman's day of birth
    nik = (province.astype(np.int64) * 10**14 + (1 + digits(6, 29)) * 10**12 + (1 + digits(11, 40)) * 10**10
           + day * 10**8 + (1 + digits(17, 12)) * 10**6 + ((60 + digits(21, 45)) % 100) * 10**4 + 1 + digits(28, 999))
    kpj = (5 + digits(38, 20)) * 10**9 + digits(43, 10**9)
    is_nik = digits(60, 100) < 55
    return pl.Series(np.where(is_nik, nik, kpj)).cast(pl.String).str.zfill(11)


def participant_names(person: np.ndarray) -> pl.Series:
    """An Indonesian name whose gender agrees with the person's NIK."""
    h = _mix(person.astype(np.uint64))
    female = (h % np.uint64(2)) == 1
    given_index = ((h >> np.uint64(8)) % np.uint64(len(MALE_NAMES))).astype(np.int64)
    family_index = ((h >> np.uint64(16)) % np.uint64(len(FAMILY_NAMES))).astype(np.int64)
    given = np.where(female, np.asarray(FEMALE_NAMES)[given_index], np.asarray(MALE_NAMES)[given_index])
    family = np.asarray(FAMILY_NAMES)[family_index]
    # About a third of Indonesians go by a single name.
    single = ((h >> np.uint64(24)) % np.uint64(3)) == 0
    return pl.Series(np.where(single, given, np.char.add(np.char.add(given, " "), family)))


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a fixed, well-spread hash of each person number."""
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))
