"""Writes the two foreign exports in this folder: `python tests/foreign/make_foreign.py`.

Each export is made from records whose canonical form is known, so every line's fate is written down before
any run: `expected.csv` says, per line, whether it loads (and as what) or why it is quarantined. The exports
are invented (no real person, company or request); their shapes follow two public datasets: a consumer-complaints
database (dates `11/13/2014`, "Submitted via", "Company response to consumer", "Consumer disputed?") and a city
311 service-request log (`04/12/2018 11:11:26 AM`, many complaint types, no "reopened" column).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

HERE = Path(__file__).parent
EXPECTED = ("line", "complaint_id", "verdict", "column", "branch_code", "channel", "category", "received_at",
            "first_response_at", "resolved_at", "status", "reopened")
BRANCHES = "branch_code,branch_name,branch_type,region_code,region_name,city,counters,opens_at,closes_at\n"

CFPB_HEADER = ("Date received", "Product", "Issue", "Consumer complaint narrative", "Company", "State", "ZIP code",
               "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
               "Consumer disputed?", "Complaint ID")
VIA = {"Web": "other", "Referral": "other", "Phone": "call_center", "Postal mail": "other", "Fax": "other",
       "Email": "email"}
ISSUES = {"Incorrect information on your report": "data_update", "Communication tactics": "staff_attitude",
          "Managing an account": "other", "Problem with a purchase shown on your statement": "other",
          "Attempts to collect debt not owed": "other", "Getting information about a loan": "information"}
CLOSED = ("Closed with explanation", "Closed with non-monetary relief", "Closed with monetary relief", "Closed")
RESPONSES = {**dict.fromkeys(CLOSED, "resolved"), "In progress": "in_progress", "Untimely response": "open"}
DISPUTED = {"Yes": "true", "No": "false", "N/A": "false", "": "false"}

SR_HEADER = ("Unique Key", "Created Date", "Closed Date", "Agency", "Complaint Type", "Descriptor", "Incident Zip",
             "Status", "Resolution Action Updated Date", "Borough", "Open Data Channel Type")
BOROUGHS = {"BROOKLYN": "BK", "QUEENS": "QN", "BRONX": "BX", "MANHATTAN": "MN", "STATEN ISLAND": "SI"}
SR_TYPES = {"Noise - Residential": "other", "Illegal Parking": "other", "Blocked Driveway": "other",
            "HEAT/HOT WATER": "other", "Street Condition": "other", "Water System": "other",
            "Rodent": "other", "Sanitation Condition": "other", "Derelict Vehicle": "other",
            "Long Wait Time": "queue", "Employee Behavior": "staff_attitude", "Request Information": "information",
            "Taxi Complaint": "other", "Graffiti": "other", "Sidewalk Condition": "other",
            "Dirty Conditions": "other", "Missed Collection": "other", "Street Light Condition": "other"}
SR_STATUS = {"Open": "open", "Assigned": "in_progress", "In Progress": "in_progress", "Pending": "in_progress",
             "Closed": "resolved"}
SR_CHANNELS = ("PHONE", "ONLINE", "MOBILE", "UNKNOWN")


def us_date(day: dt.date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def us_time(at: dt.datetime) -> str:
    return at.strftime("%m/%d/%Y %I:%M:%S %p")


def iso(at: dt.datetime | dt.date | None) -> str:
    if at is None:
        return ""
    return (at if isinstance(at, dt.datetime) else dt.datetime(at.year, at.month, at.day)).isoformat(" ")


def write(folder: Path, name: str, header: tuple[str, ...], rows: list[dict], expected: list[dict]) -> None:
    folder.mkdir(exist_ok=True)
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n")  # both public datasets are written with CRLF
    writer.writeheader()
    writer.writerows(rows)
    (folder / name).write_text(out.getvalue(), encoding="utf-8")
    out = io.StringIO()
    writer = csv.DictWriter(out, EXPECTED, lineterminator="\n")
    writer.writeheader()
    writer.writerows({"line": line, **row} for line, row in enumerate(expected, start=2))
    (folder / "expected.csv").write_text(out.getvalue(), encoding="utf-8")


def consumer_complaints() -> None:
    rng = random.Random(2014)
    rows, expected = [], []

    def add(row: dict, verdict: str = "loaded", column: str = "", **canonical: str) -> None:
        rows.append(row)
        expected.append({"complaint_id": row["Complaint ID"], "verdict": verdict, "column": column, **canonical})

    for n in range(30):
        received = dt.date(2014, 11, 1) + dt.timedelta(days=rng.randrange(30))  # days 1-12 too: month first
        sent = received + dt.timedelta(days=rng.choice((0, 0, 1, 2, 5)))
        via, issue = list(VIA)[n % len(VIA)], rng.choice(list(ISSUES))
        response = list(RESPONSES)[n % len(RESPONSES)]
        disputed = list(DISPUTED)[n % len(DISPUTED)]
        state = ("CA", "TX", "NY", "FL")[n % 4]
        row = {"Date received": us_date(received), "Product": "Credit reporting", "Issue": issue,
               "Consumer complaint narrative": "" if n % 3 else "XXXX reported an account that is not mine.",
               "Company": "Example Credit Bureau", "State": state, "ZIP code": f"9{n:03d}X",
               "Submitted via": via, "Date sent to company": us_date(sent), "Company response to consumer": response,
               "Timely response?": "No" if response == "Untimely response" else "Yes",
               "Consumer disputed?": disputed, "Complaint ID": str(1100000 + n)}
        status = RESPONSES[response]
        add(row, branch_code=state, channel=VIA[via], category=ISSUES[issue], received_at=iso(received),
            first_response_at="" if response == "Untimely response" else iso(sent),
            resolved_at=iso(sent) if status == "resolved" else "", status=status, reopened=DISPUTED[disputed])
    good = dict(rows[0])
    # The same complaint twice: the later line wins, the earlier one is quarantined as duplicate_id.
    rows[1]["Complaint ID"] = expected[1]["complaint_id"] = "1100000"
    expected[0] = {"complaint_id": "1100000", "verdict": "duplicate_id", "column": "complaint_id"}
    bad = [
        ({"State": "GU"}, "unknown_branch", "branch_code"),  # a state with no office in branches.csv
        ({"State": ""}, "missing_required", "branch_code"),
        ({"Date received": "13/11/2014"}, "bad_timestamp", "received_at"),  # day first: not the export's format
        ({"Date received": "11/13/2014 09:30"}, "bad_timestamp", "received_at"),  # a time where only a date is
        ({"Date received": "11/20/2014", "Date sent to company": "11/13/2014"}, "time_order", "first_response_at"),
        ({"Company response to consumer": "Closed with relief"}, "bad_code", "status"),  # retired wording
        ({"Consumer disputed?": "Maybe"}, "bad_boolean", "reopened"),
    ]
    for n, (cells, reason, column) in enumerate(bad):
        add({**good, **cells, "Complaint ID": str(1200000 + n)}, reason, column)
    write(HERE / "consumer_complaints", "consumer_complaints_2014-11.csv", CFPB_HEADER, rows, expected)
    (HERE / "consumer_complaints" / "branches.csv").write_text(BRANCHES + "".join(
        f"{code},Office {code},KC,US,United States,,3,08:00,17:00\n" for code in ("CA", "TX", "NY", "FL")),
        encoding="utf-8")


def service_requests() -> None:
    rng = random.Random(311)
    rows, expected = [], []

    def add(row: dict, verdict: str = "loaded", column: str = "", **canonical: str) -> None:
        rows.append(row)
        expected.append({"complaint_id": row["Unique Key"], "verdict": verdict, "column": column, **canonical})

    for n in range(36):
        created = dt.datetime(2018, 4, 1, 7) + dt.timedelta(seconds=rng.randrange(12 * 86400))  # 1-12 April
        updated = created + dt.timedelta(minutes=rng.randrange(10, 3000))
        closed = updated + dt.timedelta(minutes=rng.randrange(0, 600))
        status = list(SR_STATUS)[n % len(SR_STATUS)]
        kind, channel = list(SR_TYPES)[n % len(SR_TYPES)], SR_CHANNELS[n % len(SR_CHANNELS)]
        borough = list(BOROUGHS)[n % len(BOROUGHS)]
        acted = n % 4 != 1  # some open requests have had no action yet
        row = {"Unique Key": str(38500000 + n), "Created Date": us_time(created),
               # A city's systems leave a close date on requests that were opened again: the status decides.
               "Closed Date": us_time(closed) if status == "Closed" or n % 6 == 1 else "",
               "Agency": "DEP", "Complaint Type": kind, "Descriptor": "", "Incident Zip": f"11{n:03d}",
               "Status": status, "Resolution Action Updated Date": us_time(updated) if acted else "",
               "Borough": borough, "Open Data Channel Type": channel}
        if n == 7:  # the open-data API writes ISO timestamps with a fraction: year first, read as the contract's
            row["Resolution Action Updated Date"] = updated.strftime("%Y-%m-%dT%H:%M:%S.000")
        first = created if channel == "PHONE" else updated if acted else None  # a phone call is answered at once
        add(row, branch_code=BOROUGHS[borough], channel="call_center" if channel == "PHONE" else "other",
            category=SR_TYPES[kind], received_at=iso(created), first_response_at=iso(first),
            resolved_at=iso(closed) if status == "Closed" else "", status=SR_STATUS[status], reopened="false")
    good = dict(rows[0])  # PHONE, Open: no close date
    rows.append(dict(rows[5]))  # the same line twice: an exact duplicate, loaded once and counted
    expected.append({"complaint_id": rows[5]["Unique Key"], "verdict": "exact_duplicate"})
    bad = [
        ({"Created Date": "04/12/2018 13:05:00"}, "bad_timestamp", "received_at"),  # a 24-hour time: not its format
        ({"Created Date": ""}, "missing_required", "received_at"),
        ({"Borough": "Unspecified"}, "unknown_branch", "branch_code"),
        ({"Status": "Closed"}, "status_mismatch", "resolved_at"),  # closed, but no close date
        ({"Status": "Closed", "Closed Date": "04/01/2018 06:00:00 AM"}, "time_order", "resolved_at"),
        ({"Status": "Draft"}, "bad_code", "status"),
    ]
    for n, (cells, reason, column) in enumerate(bad):
        add({**good, **cells, "Unique Key": str(38600000 + n)}, reason, column)
    # Resent later in the file with a new status: the earlier line is quarantined as duplicate_id.
    canonical = {k: v for k, v in expected[2].items() if k not in ("complaint_id", "verdict", "column")}
    add({**rows[2], "Status": "Closed", "Closed Date": "04/20/2018 10:00:00 AM"},
        **{**canonical, "status": "resolved", "resolved_at": "2018-04-20 10:00:00"})
    expected[2] = {"complaint_id": rows[2]["Unique Key"], "verdict": "duplicate_id", "column": "complaint_id"}
    write(HERE / "city_311", "service_requests_2018-04.csv", SR_HEADER, rows, expected)
    (HERE / "city_311" / "branches.csv").write_text(BRANCHES + "".join(
        f"{code},{name.title()} 311 desk,KC,NYC,New York City,New York,5,08:00,20:00\n"
        for name, code in BOROUGHS.items()), encoding="utf-8")


if __name__ == "__main__":
    consumer_complaints()
    service_requests()
