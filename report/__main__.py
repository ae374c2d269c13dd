"""Command line: `python -m report --period 2026-W46 --out DIR`, the meeting pack as XLSX and PDF;
`python -m report subscriptions add|list|remove` and `python -m report send-due`, the pack by e-mail."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from etl import migrate
from etl.db import make_engine
from etl.kpis.periods import GRANULARITIES, parse_period, period_code
from etl.settings import database_url
from report import deliver, mail, subscriptions
from report.content import UnknownPeriod
from report.pack import build
from report.pdf import PdfUnavailable
from service import reference
from service.reader import Reader

console = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["subscriptions"]:
        return subscriptions_command(argv[1:])
    if argv[:1] == ["send-due"]:
        return send_due_command(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m report", description="Pantau: the meeting pack (XLSX and PDF)")
    parser.add_argument("--period", required=True, help="an ISO week (2026-W46) or a month (2026-11)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the two files into")
    parser.add_argument("--region", help="region code (default: the first region in the database)")
    parser.add_argument("--branch", action="append", default=[], dest="branches", metavar="CODE",
                        help="only this branch (repeatable; default: every branch of the region)")
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    args = parser.parse_args(argv)
    try:
        granularity, period = parse_period(args.period)
    except ValueError as error:
        console.print(f"[red]Periode tidak valid / invalid period: {error}[/red]")
        return 2
    engine = make_engine(database_url())
    if reference.data_version(engine) is None:
        console.print(f"[red]Basis data belum berisi KPI / no KPIs in the database ({database_url()})[/red]")
        return 2
    # A process on the server, not a person: it says so, and reads every region (whoever runs it holds the database).
    reader = Reader.for_process(engine, "python -m report")
    regions = reference.regions(reader)
    region = args.region or regions[0]
    if region not in regions:
        console.print(f"[red]Wilayah {region} tidak ada / no region {region}; ada / available: "
                      f"{', '.join(regions)}[/red]")
        return 2
    known = set(reference.region_branches(reader, region)["branch_code"])
    unknown = [code for code in args.branches if code not in known]
    if unknown:
        console.print(f"[red]Cabang tidak ada di {region} / no such branch in {region}: {', '.join(unknown)}[/red]")
        return 2
    try:
        paths = build(reader, granularity, region, period, args.lang, args.out, tuple(args.branches))
    except UnknownPeriod as error:
        console.print(f"[red]{error}[/red]")
        return 2
    except PdfUnavailable as error:
        console.print(f"[red]PDF tidak dibuat / PDF not written (XLSX ditulis / written to {args.out}): "
                      f"{error}[/red]")
        return 1
    for path in paths:
        console.print(f"Ditulis / written: {path}")
    return 0


def subscriptions_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m report subscriptions",
                                     description="Pantau: who gets the meeting pack by e-mail")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="subscribe a user (their scope comes from `python -m etl users`)")
    add.add_argument("login")
    add.add_argument("--every", choices=GRANULARITIES, required=True)
    add.add_argument("--lang", choices=("id", "en"), default="id")
    remove = commands.add_parser("remove", help="unsubscribe a user (from both packs unless --every)")
    remove.add_argument("login")
    remove.add_argument("--every", choices=GRANULARITIES)
    commands.add_parser("list", help="every subscription, its scope and what was sent")
    args = parser.parse_args(argv)
    engine = make_engine(database_url())
    if args.command == "add":
        try:
            row = subscriptions.subscribe(engine, args.login, args.every, args.lang)
        except subscriptions.SubscriptionError as error:
            console.print(f"[red]{error}[/red]")
            return 2
        console.print(f"Berlangganan / subscribed: {row['login']} {row['every']} ({row['lang']}), "
                      f"mulai / from {period_code(subscriptions.first_period(row['created_at'], row['every']), row['every'])}")
        return 0
    if args.command == "remove":
        removed = subscriptions.unsubscribe(engine, args.login, args.every)
        console.print(f"Dihapus / removed: {removed}")
        return 0 if removed else 1
    table = Table("login", "every", "lang", "scope", "since", "last sent", "failing")
    for row in subscriptions.subscriptions(engine).iter_rows(named=True):
        scope = row["branch_code"] or row["region_code"] or "[red]pengguna dihapus / user removed[/red]"
        last = period_code(row["last_sent"], row["every"]) if row["last_sent"] else "–"
        table.add_row(row["login"], row["every"], row["lang"], scope, f"{row['created_at']:%Y-%m-%d}", last,
                      str(row["failing"] or ""))
    Console().print(table)
    return 0


def send_due_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m report send-due",
                                     description="Pantau: e-mail every subscribed pack that is due and not yet sent; "
                                                 "safe to run every few minutes")
    parser.parse_args(argv)
    try:
        settings = mail.smtp_settings()
    except mail.SmtpNotConfigured as error:
        console.print(f"[red]{error}[/red]")
        return 2
    engine = make_engine(database_url())
    migrate.upgrade(engine)
    try:
        outcome = deliver.send_due(engine, settings, say=console.print)
    except deliver.SenderBusy as error:  # the run before this one is still sending: it finishes the work
        console.print(f"send-due lain masih berjalan / another send-due is running ({error}); nothing to do")
        return 0
    console.print(f"Terkirim / sent: {len(outcome.sent)}; gagal / failed: {len(outcome.failed)}")
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
