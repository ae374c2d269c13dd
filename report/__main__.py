"""Command line: `python -m report --period 2026-W46 --out DIR`, the meeting pack as XLSX and PDF."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from etl.db import make_engine
from etl.kpis.periods import parse_period
from etl.settings import database_url
from report.content import UnknownPeriod
from report.pack import build
from report.pdf import PdfUnavailable
from service import reference
from service.reader import Reader

console = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
