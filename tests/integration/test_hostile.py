"""Hostile and broken input through the real ETL: every file either fails its own batch with a
message that says what is wrong (and where), or loads its valid rows and quarantines the rest
with a reason code. Nothing is lost: per batch, rows read = loaded + quarantined + exact duplicates.

The small files are committed in tests/hostile/ (README.md there lists them); the big ones are
made here, in a temporary folder.
"""
from __future__ import annotations

import io
import json
import shutil
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from etl import extract, limits
from etl.db import read_frame
from etl.pipeline import run_etl
from etl.schema import branches, complaints, etl_batches, quarantine, queue_tickets
from tests.conftest import TEST_SECRET

HOSTILE = Path(__file__).parents[1] / "hostile"
ROOT = Path(__file__).parents[2]
TICKET_HEADER = (HOSTILE / "queue_tickets_header_only.csv").read_text(encoding="utf-8")
HOUR = 3600


@dataclass(frozen=True)
class Refused:
    """The file fails its own batch; its message contains every one of `says`."""

    says: tuple[str, ...]


@dataclass(frozen=True)
class Loaded:
    """The file loads: these ids are stored, these rows are quarantined (row, column, reason)."""

    ids: tuple[str, ...]
    quarantined: tuple[tuple[int, str, str], ...] = ()
    exact_duplicates: int = 0
    adjusted: int = 0


CORPUS: dict[str, Refused | Loaded] = {
    "queue_tickets_empty.csv": Refused(("empty file: no header row",)),
    "queue_tickets_header_only.csv": Loaded(ids=()),
    "queue_tickets_semicolon.csv": Loaded(ids=("S1", "S2"), quarantined=((4, "branch_code", "unknown_branch"),)),
    "queue_tickets_tab.csv": Loaded(ids=("B1", "B2")),
    "queue_tickets_pipe.csv": Refused(("missing required column(s) ticket_id", "names are separated by '|'",
                                       "header reads as a single column", "commas, semicolons or tabs")),
    # Where, never what: the name in another encoding is not repeated (data/README.md, "Bad file").
    # Not UTF-8 and no UTF-8 character in it: read as Windows-1252, and the batch says so.
    "complaints_latin1.csv": Loaded(ids=("K1", "K2", "K3")),
    "complaints_mixed_encoding.csv": Refused(("not UTF-8 text (line 4, byte 274)", "column participant_name",
                                              "2 of 6 lines are not UTF-8")),
    "complaints_utf16.csv": Refused(("not UTF-8 text (line 1, byte 0): the file is UTF-16 text", "'CSV UTF-8'")),
    "complaints_utf16_no_bom.csv": Refused(("not UTF-8 text (line 2, byte 286)",
                                            "UTF-16 text without a byte-order mark")),
    "queue_tickets_utf16_no_bom.csv": Refused(("the header row holds NUL bytes",
                                               "UTF-16 text without a byte-order mark")),
    "complaints_utf8_names.csv": Loaded(ids=("U1", "U2")),
    "branches_unicode.csv": Loaded(ids=("CLG",)),
    "queue_tickets_formulas.csv": Loaded(ids=("F1", "F7"), quarantined=(
        (3, "counter_id", "formula_text"), (4, "visit_id", "formula_text"), (5, "counter_id", "formula_text"),
        (6, "counter_id", "formula_text"), (7, "ticket_id", "formula_text"))),
    "queue_tickets_formulas.xlsx": Loaded(ids=("XF1", "XF4"), quarantined=(
        (3, "counter_id", "formula_text"), (4, "visit_id", "formula_text"))),
    "queue_tickets_dates_out_of_range.csv": Loaded(ids=("D1",), quarantined=(
        (3, "issued_at", "bad_timestamp"), (4, "issued_at", "bad_timestamp"), (5, "finished_at", "bad_timestamp"),
        (6, "issued_at", "bad_timestamp"))),
    "queue_tickets_negative_durations.csv": Loaded(ids=("N1", "N4"), adjusted=1, quarantined=(
        (3, "finished_at", "time_order"), (4, "called_at", "time_order"))),
    "queue_tickets_duplicates.csv": Loaded(ids=("R1", "R2", "R3"), exact_duplicates=2, quarantined=(
        (5, "ticket_id", "duplicate_id"), (8, "rating", "bad_number"))),
    "queue_tickets_resend_1.csv": Loaded(ids=("X1", "X2")),
    "queue_tickets_resend_2.csv": Loaded(ids=("X1",)),
    "claims_error_page.csv": Refused(("missing required column(s) claim_id", "web page (HTML)",
                                      "Download the export again as CSV")),
    "queue_tickets_control_characters.csv": Loaded(ids=("C1",), quarantined=(
        (3, "ticket_id", "control_character"), (4, "ticket_id", "control_character"),
        (5, "counter_id", "control_character"))),
    "queue_tickets_ragged.csv": Refused(("not a readable CSV", "line 3 has 13 values where the header has 12 columns",
                                         "quote such values")),
    "queue_tickets_cut_off.csv": Loaded(ids=("Z1",), quarantined=((3, "outcome", "missing_required"),)),
    "queue_tickets_truncated.xlsx": Refused(("not a readable XLSX workbook", "damaged or cut off")),
    "queue_tickets_zip_bomb.xlsx": Refused(("not a readable XLSX workbook", "xl/worksheets/sheet1.xml",
                                            "times its packed size", "zip bomb", "nothing was loaded")),
    "queue_tickets_lying_zip.xlsx": Refused(("not a readable XLSX workbook", "says it unpacks to 3,815 MB",
                                             "more than the 1,024 MB limit", "nothing was loaded")),
}


def test_the_corpus_folder_holds_exactly_the_cases_listed_here_and_in_its_readme():
    files = {p.name for p in HOSTILE.iterdir() if p.name not in ("README.md", "make_corpus.py")}
    assert files == set(CORPUS)
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    assert [name for name in CORPUS if f"`{name}`" not in readme] == []


def copy_in(raw_dir: Path, *names: str) -> None:
    for name in names:
        shutil.copy(HOSTILE / name, raw_dir / name)


def run(raw_dir: Path, engine) -> dict:
    """Run the real ETL; every batch, loaded or failed, must reconcile."""
    result = run_etl(raw_dir, engine, secret=TEST_SECRET)
    assert [b.file_name for b in result.batches if not b.reconciles] == []
    return {b.file_name: b for b in result.batches}


def quarantined(engine, file_name: str) -> list[tuple[int, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(quarantine.c.row_number, quarantine.c.column_name, quarantine.c.reason)
                            .where(quarantine.c.file_name == file_name).order_by(quarantine.c.row_number))
        return [tuple(r) for r in rows]


def stored_ids(engine, table, batch_id: int) -> list[str]:
    key = table.primary_key.columns.values()[0]
    with engine.connect() as conn:
        return sorted(conn.execute(select(key).where(table.c.batch_id == batch_id)).scalars())


def test_every_hostile_file_fails_clearly_or_loads_its_valid_rows_and_quarantines_the_rest(raw_dir, any_engine):
    copy_in(raw_dir, *CORPUS)
    batches = run(raw_dir, any_engine)
    tables = {"queue_tickets": queue_tickets, "complaints": complaints, "branches": branches}
    for name, expected in CORPUS.items():
        batch = batches[name]
        if isinstance(expected, Refused):
            assert batch.status == "failed", (name, batch)
            assert (batch.rows_read, batch.rows_loaded, batch.rows_quarantined) == (0, 0, 0)
            missing = [s for s in expected.says if s not in batch.message]
            assert missing == [], f"{name}: {batch.message!r} does not say {missing}"
            continue
        assert batch.status == "loaded", (name, batch.message)
        assert quarantined(any_engine, name) == list(expected.quarantined), name
        # Nothing lost: each id it loaded is stored from this batch, unless a later file replaced it.
        replaced_later = {"queue_tickets_resend_1.csv": ["X1"]}.get(name, [])
        assert stored_ids(any_engine, tables[batch.source], batch.batch_id) == sorted(
            set(expected.ids) - set(replaced_later)), name
        assert (batch.rows_loaded, batch.rows_quarantined, batch.exact_duplicates, batch.rows_adjusted) == (
            len(expected.ids), len(expected.quarantined), expected.exact_duplicates, expected.adjusted), name
    with any_engine.connect() as conn:
        stored = read_frame(conn, select(etl_batches))
    # What the run reported is what the batch table keeps.
    counted = stored["rows_loaded"] + stored["rows_quarantined"] + stored["exact_duplicates"]
    assert (stored["rows_read"] == counted).all()
    assert sorted(stored.filter(pl.col("status") == "failed")["file_name"]) == sorted(
        n for n, e in CORPUS.items() if isinstance(e, Refused))


def test_a_failed_file_names_itself_in_the_error(raw_dir):
    for name, expected in CORPUS.items():
        if isinstance(expected, Refused):
            path = HOSTILE / name
            with pytest.raises(extract.FileRejected) as rejected:
                extract.read_raw(path, extract.source_for_file(name))
            assert str(rejected.value).startswith(f"{name}: "), rejected.value


def test_valid_utf8_text_is_stored_unchanged_and_names_are_never_stored(raw_dir, sqlite_engine):
    copy_in(raw_dir, "branches_unicode.csv", "complaints_utf8_names.csv")
    run(raw_dir, sqlite_engine)
    with sqlite_engine.connect() as conn:
        name = conn.execute(select(branches.c.branch_name).where(branches.c.branch_code == "CLG")).scalar_one()
        assert name == "KC Cilegon – Ñusantara Café"
        everything = read_frame(conn, select(complaints)).write_csv()
    assert "José" not in everything and "Ñoño" not in everything


def test_a_semicolon_export_is_read_with_its_day_first_dates(raw_dir, sqlite_engine):
    copy_in(raw_dir, "queue_tickets_semicolon.csv")
    run(raw_dir, sqlite_engine)
    with sqlite_engine.connect() as conn:
        issued = conn.execute(select(queue_tickets.c.issued_at).where(queue_tickets.c.ticket_id == "S1")).scalar_one()
    assert issued.isoformat() == "2026-11-16T08:00:00"


def test_formulas_are_never_run_nor_stored(raw_dir, sqlite_engine):
    copy_in(raw_dir, "queue_tickets_formulas.csv", "queue_tickets_formulas.xlsx")
    run(raw_dir, sqlite_engine)
    with sqlite_engine.connect() as conn:
        facts = read_frame(conn, select(queue_tickets))
        details = list(conn.execute(select(quarantine.c.detail, quarantine.c.raw_values)))
    text = facts.select(pl.col(pl.String)).unpivot()["value"].drop_nulls()
    assert not text.str.contains(r"^[=+@]").any()
    assert facts.filter(pl.col("ticket_id") == "F7")["counter_id"].to_list() == ["-"]  # a lone dash stays
    # A live formula cell holds its last result, which is what a reader sees: "L2", not the formula.
    assert facts.filter(pl.col("ticket_id") == "XF4")["counter_id"].to_list() == ["L2"]
    # The quarantine keeps the formula text as plain text, for people to see what was sent.
    assert any('=HYPERLINK("http://evil.example' in json.loads(raw)["counter_id"] for _, raw in details)


def test_a_resent_id_in_a_later_file_replaces_the_earlier_version(raw_dir, sqlite_engine):
    # One run: files load in name order, so resend_2 is the later version (data/README.md, "Resends").
    copy_in(raw_dir, "queue_tickets_resend_1.csv", "queue_tickets_resend_2.csv")
    run(raw_dir, sqlite_engine)
    with sqlite_engine.connect() as conn:
        rows = conn.execute(select(queue_tickets.c.ticket_id, queue_tickets.c.rating, queue_tickets.c.counter_id)
                            .order_by(queue_tickets.c.ticket_id)).all()
    assert [tuple(r) for r in rows] == [("X1", 5, "L9"), ("X2", 5, "L1")]


def test_across_runs_the_file_loaded_last_wins_whatever_its_name(raw_dir, sqlite_engine):
    copy_in(raw_dir, "queue_tickets_resend_2.csv")
    run(raw_dir, sqlite_engine)
    copy_in(raw_dir, "queue_tickets_resend_1.csv")  # sorts first, but arrives later
    batches = run(raw_dir, sqlite_engine)
    assert list(batches) == ["queue_tickets_resend_1.csv"]
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(queue_tickets.c.rating).where(queue_tickets.c.ticket_id == "X1")).scalar() == 1


def test_within_a_file_copies_are_counted_and_the_last_valid_version_wins(raw_dir, sqlite_engine):
    copy_in(raw_dir, "queue_tickets_duplicates.csv")
    batch = run(raw_dir, sqlite_engine)["queue_tickets_duplicates.csv"]
    assert (batch.rows_read, batch.rows_loaded, batch.rows_quarantined, batch.exact_duplicates) == (7, 3, 2, 2)
    with sqlite_engine.connect() as conn:
        ratings = dict(conn.execute(select(queue_tickets.c.ticket_id, queue_tickets.c.rating)).all())
    # R2: 1 then 4, the later wins; R3: 2 then an invalid 9, so the valid 2 stays.
    assert ratings == {"R1": 5, "R2": 4, "R3": 2}


# --- big cells and big files, made here -------------------------------------------------------------------


def ticket_line(ticket_id: str, **cells: str) -> str:
    row = {"ticket_id": ticket_id, "visit_id": "V" + ticket_id, "branch_code": "SRG", "participant_id": "",
           "service": "information", "priority_group": "", "issued_at": "2026-11-16 08:00:00",
           "called_at": "2026-11-16 08:10:00", "finished_at": "2026-11-16 08:20:00", "counter_id": "L1",
           "outcome": "resolved", "rating": "5"}
    row.update(cells)
    return ",".join(row.values()) + "\n"


def test_a_ten_megabyte_cell_is_quarantined_as_too_long_and_kept_short(raw_dir, any_engine):
    big = "x" * (10 << 20)
    (raw_dir / "queue_tickets_big_cell.csv").write_text(
        TICKET_HEADER + ticket_line("OK1") + ticket_line("T" + big) + ticket_line("OK2", counter_id=f'"{big}"')
        + ticket_line("OK3"), encoding="utf-8")
    batch = run(raw_dir, any_engine)["queue_tickets_big_cell.csv"]
    assert (batch.status, batch.rows_read, batch.rows_loaded, batch.rows_quarantined) == ("loaded", 4, 2, 2)
    assert quarantined(any_engine, batch.file_name) == [(3, "ticket_id", "too_long"), (4, "counter_id", "too_long")]
    with any_engine.connect() as conn:
        kept = conn.execute(select(quarantine.c.detail, quarantine.c.raw_values)).all()
    detail, raw_values = kept[0]
    assert "10,485,761 characters, more than the 64 this column holds" in detail
    assert len(detail) < 500 and len(raw_values) < 5_000
    assert json.loads(raw_values)["ticket_id"].endswith("… (10,485,761 characters)")


def test_a_ten_megabyte_name_is_dropped_like_any_name(raw_dir, sqlite_engine):
    header = (HOSTILE / "complaints_utf8_names.csv").read_text(encoding="utf-8").splitlines()[0]
    (raw_dir / "complaints_big_name.csv").write_text(
        f'{header}\nK1,SRG,,"{"é" * (10 << 20)}",walk_in,queue,2026-11-16 10:00:00,,,open,tidak\n', encoding="utf-8")
    batch = run(raw_dir, sqlite_engine)["complaints_big_name.csv"]
    assert (batch.rows_loaded, batch.rows_quarantined) == (1, 0)


def _workbook_with_sheet_padding(padding_bytes: int, lie_about_size: bool) -> bytes:
    """A real workbook whose sheet XML carries `padding_bytes` of blanks; optionally its zip says 1,000 bytes."""
    good = io.BytesIO()
    pl.DataFrame({"ticket_id": ["ZB1"]}).write_excel(good)
    with zipfile.ZipFile(good) as small:
        members = {m.filename: small.read(m) for m in small.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        for name, data in members.items():
            if name != SHEET:
                bomb.writestr(name, data)
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            head, tail = data.split(b"<sheetData>", 1)
            with bomb.open(info, "w") as sheet:  # streamed: a gigabyte is never held in memory
                sheet.write(head + b"<sheetData>")
                block = b" " * (16 << 20)
                for _ in range(padding_bytes // len(block)):
                    sheet.write(block)
                sheet.write(tail)
    data = bytearray(out.getvalue())
    if lie_about_size:
        _declare_size(data, SHEET, 1000)
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            assert archive.getinfo(SHEET).file_size == 1000
    return bytes(data)


SHEET = "xl/worksheets/sheet1.xml"


def _declare_size(data: bytearray, member: str, size: int) -> None:
    """Rewrite the unpacked size that the local header and the directory record of `member` declare."""
    name = member.encode()
    # (signature, offset of the uncompressed size, offset of the name length, offset of the name)
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            length = int.from_bytes(data[at + name_length_at: at + name_length_at + 2], "little")
            if data[at + name_at: at + name_at + length] == name:
                data[at + size_at: at + size_at + 4] = size.to_bytes(4, "little")
            at += 4


def test_a_zip_bomb_that_lies_about_its_size_is_caught_by_unpacking_it(raw_dir, sqlite_engine, monkeypatch):
    # The same check as at full size (reliability test below), with the limit lowered to keep this one fast.
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_BYTES", 8 << 20)
    monkeypatch.setattr(limits, "BOMB_RATIO", 10**9)  # only the size limit may catch it here
    (raw_dir / "queue_tickets_bomb.xlsx").write_bytes(_workbook_with_sheet_padding(32 << 20, lie_about_size=True))
    batch = run(raw_dir, sqlite_engine)["queue_tickets_bomb.xlsx"]
    assert batch.status == "failed"
    assert "unpacks to more than 8 MB, more than the 8 MB limit" in batch.message


def test_a_real_workbook_passes_the_unpacking_check(raw_dir, sqlite_engine, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_BYTES", 1 << 20)  # small enough to unpack and count
    copy_in(raw_dir, "queue_tickets_formulas.xlsx")
    assert run(raw_dir, sqlite_engine)["queue_tickets_formulas.xlsx"].rows_loaded == 2


def write_many_tickets(path: Path, rows: int, bad_every: int = 1000, copy_every: int = 5000) -> tuple[int, int, int]:
    """`rows` ticket lines; every `bad_every`-th has an unknown service, every `copy_every`-th is repeated.

    Returns (lines, bad, copies). Built in polars, so that five million lines take seconds.
    """
    i = pl.int_range(rows, dtype=pl.Int64)
    seconds = (i * 7) % (91 * 24 * HOUR)  # a quarter: five million lines are about two national months each
    at = lambda offset: (pl.datetime(2026, 11, 2) + pl.duration(seconds=seconds + offset)).dt.strftime(  # noqa: E731
        "%Y-%m-%d %H:%M:%S")
    frame = pl.select(
        ticket_id="T" + i.cast(pl.String), visit_id="V" + i.cast(pl.String),
        branch_code=pl.when(i % 2 == 0).then(pl.lit("SRG")).otherwise(pl.lit("PDG")),
        participant_id=pl.when(i % 3 == 0).then("32" + (i % 100_000).cast(pl.String).str.zfill(14)),
        service=pl.when(i % bad_every == 1).then(pl.lit("klaim")).otherwise(pl.lit("information")),
        priority_group=pl.lit(None, pl.String), issued_at=at(0), called_at=at(300), finished_at=at(900),
        counter_id=pl.lit("L1"), outcome=pl.lit("resolved"), rating=((i % 5) + 1).cast(pl.String),
    )
    copies = frame.filter(pl.int_range(pl.len()) % copy_every == 3)
    pl.concat([frame, copies]).write_csv(path)
    bad = frame.filter(pl.col("service") == "klaim").height
    return frame.height + copies.height, bad, copies.height


def test_two_hundred_thousand_rows_reconcile(raw_dir, sqlite_engine):
    lines, bad, copies = write_many_tickets(raw_dir / "queue_tickets_200k.csv", 200_000)
    batch = run(raw_dir, sqlite_engine)["queue_tickets_200k.csv"]
    assert (batch.rows_read, batch.rows_quarantined, batch.exact_duplicates) == (lines, bad, copies)
    assert batch.rows_loaded == 200_000 - bad
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(queue_tickets)).scalar() == 200_000 - bad


FIVE_MILLION_RUN = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    from etl.db import make_engine
    from etl.pipeline import run_etl
    raw, db = Path(sys.argv[1]), sys.argv[2]
    started = time.perf_counter()
    result = run_etl(raw, make_engine(f"sqlite:///{db}"), secret=b"test-secret-not-for-production")
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "batches": [{"file": b.file_name, "status": b.status, "read": b.rows_read,
                                   "loaded": b.rows_loaded, "quarantined": b.rows_quarantined,
                                   "duplicates": b.exact_duplicates, "message": b.message}
                                  for b in result.batches]}))
""")
# "A few gigabytes": measured 4.0-4.7 GB for five million lines (validation holds the file as read, trimmed and
# typed at once; the monthly mart refresh reads a national-scale month).
PEAK_MEMORY_MB = 5 * 1024


# --- uploads from the browser ------------------------------------------------------------------------------


class FakeUpload:
    """What Streamlit's file_uploader hands over: a name as the browser sent it, the bytes and their size."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data, self.size = name, data, len(data)

    def getvalue(self) -> bytes:
        return self._data


@pytest.mark.parametrize(("sent", "saved"), [
    ("claims_2026-W46.csv", "claims_2026-W46.csv"),
    ("../../etc/passwd.csv", "passwd.csv"),
    ("..\\..\\x.csv", "x.csv"),
    ("..\\x.csv", "x.csv"),
    ("/etc/passwd.csv", "passwd.csv"),
    ("C:\\Users\\siti\\Unduhan\\klaim_Serang.xlsx", "klaim_Serang.xlsx"),
    ("C:klaim.csv", "klaim.csv"),
    ("  antrean_SRG.csv  ", "antrean_SRG.csv"),
    ("queue\x00_tickets.csv", "queue_tickets.csv"),
])
def test_an_upload_is_saved_under_its_own_name_only(sent, saved):
    from ui.uploads import safe_upload_name
    assert safe_upload_name(sent, "en") == saved


@pytest.mark.parametrize("sent", ["", "   ", ".", "..", "../..", "a/b/", ".env", "..\\.bashrc", "x" * 300 + ".csv"])
def test_an_upload_name_that_is_empty_hidden_or_too_long_is_refused(sent):
    from ui.uploads import UploadRefused, safe_upload_name
    with pytest.raises(UploadRefused, match="Rename the file|Shorten it"):
        safe_upload_name(sent, "en")


def test_saving_uploads_never_writes_outside_the_upload_folder(tmp_path, monkeypatch):
    from ui import uploads
    monkeypatch.setattr(uploads, "MAX_UPLOAD_MB", 1)
    folder = tmp_path / "uploads" / "run"
    files = [FakeUpload("../../escaped.csv", b"a"), FakeUpload("..\\also_escaped.csv", b"b"),
             FakeUpload(str(tmp_path / "absolute.csv"), b"c"), FakeUpload(".hidden.csv", b"d"),
             FakeUpload("dir/escaped.csv", b"e"), FakeUpload("claims_big.csv", b"x" * (2 << 20))]
    saved, refused = uploads.save_uploads(files, folder, "en")
    assert sorted(p.name for p in folder.iterdir()) == ["absolute.csv", "also_escaped.csv", "escaped.csv"]
    assert all(p.parent == folder for p in saved)
    assert (folder / "escaped.csv").read_bytes() == b"a"  # the first of two files with one name
    assert not (tmp_path / "escaped.csv").exists() and not (tmp_path / "uploads" / "escaped.csv").exists()
    messages = {r["file_name"]: r["message"] for r in refused}
    assert list(messages) == [".hidden.csv", "dir/escaped.csv", "claims_big.csv"]
    assert messages[".hidden.csv"].startswith("The file name '.hidden.csv' cannot be used (empty, or starting with")
    assert messages["dir/escaped.csv"].startswith("Two files named 'escaped.csv' in one upload")
    assert messages["claims_big.csv"].startswith("claims_big.csv: 2.0 MB, more than the 1 MB upload limit")
    assert all(r["status"] == "failed" and r["rows_loaded"] == 0 for r in refused)


def test_the_size_limit_speaks_both_languages():
    from ui import uploads
    upload = FakeUpload("claims_besar.csv", b"x" * (3 << 20))
    [indonesian] = uploads.oversized([upload], limit_mb=2, lang="id")
    [english] = uploads.oversized([upload], limit_mb=2, lang="en")
    assert indonesian.startswith("claims_besar.csv: 3,0 MB, lebih besar dari batas unggah 2 MB")
    assert english.startswith("claims_besar.csv: 3.0 MB, more than the 2 MB upload limit")
    assert uploads.oversized([FakeUpload("kecil.csv", b"x")], lang="en") == []


def test_load_uploaded_loads_what_is_safe_and_reports_the_rest(raw_dir, sqlite_engine, tmp_path, monkeypatch):
    from etl.sop import load_sop
    from service import commands
    from service.access import OPEN_DEMO_VIEWER
    from service.reader import Reader
    from ui import session, uploads
    run_etl(raw_dir, sqlite_engine, secret=TEST_SECRET)  # the branches
    monkeypatch.setattr(uploads, "UPLOAD_DIR", tmp_path / "uploads")
    monkeypatch.setattr(uploads, "MAX_UPLOAD_MB", 1)
    monkeypatch.setattr(session, "reader", lambda: Reader(sqlite_engine, OPEN_DEMO_VIEWER, load_sop()))
    monkeypatch.setattr(session, "clear_caches", lambda: None)
    monkeypatch.setattr(commands, "run_etl", lambda folder, engine, **options: run_etl(
        folder, engine, **options, secret=TEST_SECRET))
    files = [FakeUpload("../../queue_tickets_up.csv", (TICKET_HEADER + ticket_line("UP1")).encode()),
             FakeUpload("queue_tickets_huge.csv", b"x" * (2 << 20)), FakeUpload("..", b"")]
    result = uploads.load_uploaded(files, lambda *_: None, lang="en")
    outcome = {r["file_name"]: (r["status"], r["rows_loaded"]) for r in result.iter_rows(named=True)}
    assert outcome == {"queue_tickets_up.csv": ("loaded", 1), "queue_tickets_huge.csv": ("failed", 0),
                       "..": ("failed", 0)}
    assert list((tmp_path / "uploads").iterdir()) == []  # loaded, so deleted (tests/integration/test_private_files.py)
    assert not any(p.name == "queue_tickets_up.csv" for p in tmp_path.iterdir())
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(queue_tickets.c.ticket_id)).scalars().all() == ["UP1"]
