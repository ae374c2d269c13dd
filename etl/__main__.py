"""Command line: `python -m etl generate|run|demo|users` (the meeting pack is `python -m report`)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from etl.settings import DEFAULT_RAW_DIR, database_url

console = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Pantau ETL")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="write realistic raw demo files")
    generate.add_argument("--out", type=Path, default=DEFAULT_RAW_DIR)
    generate.add_argument("--seed", type=int, default=7)
    generate.add_argument("--weeks", type=int, default=52)
    generate.add_argument("--end", type=dt.date.fromisoformat, help="last day covered (default: last Sunday)")
    generate.add_argument("--scale", choices=("region", "national"), default="region")
    generate.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="file_format")
    run = commands.add_parser("run", help="load raw files into the database and refresh the KPI tables")
    run.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR)
    run.add_argument("--recompute", action="store_true", help="recompute every period (after a calendar change)")
    run.add_argument("--wait", action="store_true", help="wait for another run on the same database to finish")
    run.add_argument("--mappings", type=Path, help="folder of mapping files (default: PANTAU_MAPPINGS, "
                                                   "else data/mappings)")
    commands.add_parser("demo", help="load a year of Banten demo data when the database has no data")
    people = commands.add_parser("users", help="who may sign in, and as what").add_subparsers(
        dest="action", required=True)
    add = people.add_parser("add", help="add (or change) a user")
    add.add_argument("login", help="the e-mail address the identity provider or proxy sends")
    add.add_argument("--name", default="", help="the name shown on screen and in follow-up history")
    add.add_argument("--role", required=True, choices=("regional_head", "branch_manager"))
    add.add_argument("--region", help="a regional head's region code")
    add.add_argument("--branch", help="a branch manager's branch code")
    people.add_parser("remove", help="remove a user").add_argument("login")
    people.add_parser("list", help="list the users")
    args = parser.parse_args(argv)
    return {"generate": _generate, "run": _run, "demo": _demo, "users": _users}[args.command](args)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console)


def _generate(args: argparse.Namespace) -> int:
    from etl.generate import default_end, generate

    end = args.end or default_end(dt.date.today())
    with _progress() as bar:
        task = bar.add_task(f"Membuat data demo ({args.scale}, s.d. {end})", total=args.weeks)
        counts = generate(args.out, seed=args.seed, weeks=args.weeks, end=end, scale=args.scale,
                          file_format=args.file_format, progress=lambda done, total: bar.update(task, completed=done))
    console.print(f"Ditulis ke {args.out}: " + ", ".join(f"{source} {n:,}".replace(",", ".")
                                                          for source, n in counts.items()))
    return 0


def _run(args: argparse.Namespace) -> int:
    from etl.db import make_engine
    from etl.mapping import MappingError
    from etl.pipeline import os_user, run_etl
    from etl.pseudonymise import KeyProblem
    from etl.runlock import EtlBusy

    if not args.raw.is_dir():
        console.print(f"[red]Folder data mentah tidak ada: {args.raw}[/red]")
        return 2
    engine = make_engine(database_url())
    try:
        with _progress() as bar:
            task = bar.add_task("ETL", total=None)
            # The administrator's path: every region, no scope (an upload is scoped to its uploader's region).
            result = run_etl(args.raw, engine, recompute=args.recompute, wait=args.wait, loaded_by=f"cli:{os_user()}",
                             mappings_dir=args.mappings,
                             progress=lambda what, done, total: bar.update(task, description=what, completed=done,
                                                                           total=total))
    except EtlBusy as busy:
        console.print(f"[red]{busy}[/red]")
        return 3
    except KeyProblem as problem:
        console.print(f"[red]{problem}[/red]")
        return 2
    except MappingError as error:
        console.print("[red]Berkas pemetaan salah; tidak ada berkas yang dimuat / mapping files are wrong; "
                      "nothing was loaded:[/red]")
        for problem in error.problems:
            console.print(f"  {problem}", style="red", markup=False, highlight=False)  # a header may hold [brackets]
        return 2
    console.print(_summary(result))
    for noted in result.batches:  # what reading a loaded file did: an encoding guessed, blank lines skipped
        if noted.status == "loaded" and noted.message:
            console.print(f"CATATAN {noted.file_name}: {noted.message}")
    for failed in result.failed:
        console.print(f"[red]GAGAL {failed.file_name}: {failed.message}[/red]")
    return 1 if result.failed else 0


def _demo(_args: argparse.Namespace) -> int:
    from etl.db import make_engine
    from etl.demo import has_data, load_demo

    engine = make_engine(database_url())
    if has_data(engine):
        console.print("Basis data sudah berisi data; data demo tidak dimuat.")
        return 0
    with _progress() as bar:
        task = bar.add_task("Data demo", total=None)
        result = load_demo(engine, progress=lambda what, done, total: bar.update(
            task, description=what, completed=done, total=total))
    console.print(_summary(result))
    return 1 if result.failed else 0


def _users(args: argparse.Namespace) -> int:
    from etl.db import make_engine
    from etl.users import UserError, add_user, list_users, remove_user

    engine = make_engine(database_url())
    if args.action == "add":
        try:
            row = add_user(engine, args.login, args.name, args.role, region=args.region, branch=args.branch)
        except UserError as error:
            console.print(f"[red]{error}[/red]")
            return 2
        console.print(f"Ditambahkan / added: {row['login']} ({row['role']}, {row['branch_code'] or row['region_code']})")
        return 0
    if args.action == "remove":
        if remove_user(engine, args.login):
            console.print(f"Dihapus / removed: {args.login}")
            return 0
        console.print(f"[red]Tidak ada pengguna / no such user: {args.login}[/red]")
        return 2
    table = Table(title="Pengguna / users")
    for column in ("login", "name", "role", "region_code", "branch_code", "added_at"):
        table.add_column(column)
    for row in list_users(engine).iter_rows():
        table.add_row(*(str(v) if v is not None else "" for v in row))
    Console().print(table)
    return 0


def _summary(result) -> Table:
    table = Table(title=f"Batch dimuat: {len(result.batches)}; dilewati (sudah dimuat): {len(result.skipped)}; "
                        f"baris KPI: {result.mart_rows}"
                        + (f"; peringatan baru: {result.alerts.raised} (ringkasan: {result.alerts.digests})"
                           if result.alerts else ""))
    for column in ("file", "status", "dibaca", "dimuat", "disesuaikan", "karantina", "duplikat"):
        table.add_column(column, justify="left" if column in ("file", "status") else "right")
    for b in result.batches:
        table.add_row(b.file_name, b.status, *(str(n) for n in (
            b.rows_read, b.rows_loaded, b.rows_adjusted, b.rows_quarantined, b.exact_duplicates)))
    return table


if __name__ == "__main__":
    sys.exit(main())
