"""ETL benchmark: generate a year of raw data, load it into a fresh SQLite file, print the figures.

    python bench/etl.py [--scale national|region] [--weeks 52] [--out bench/out] [--vs-reference [--repeat 3]]

Generation and load run in child processes so each one's peak RSS is its own. `--vs-reference` also runs
bench/duckdb_reference.py over the same raw folder, alternating with the ETL, and prints the medians of
both wall times, their ratio and both peak RSS figures: on a shared machine only the ratio compares.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("branches", "queue_tickets", "claims", "complaints")


REFERENCE = ROOT / "bench" / "duckdb_reference.py"
# Runs the CLI (or, given a script's path, that script) in the child and writes the child's own peak RSS
# (KiB) to a file when it ends.
CHILD = """
import atexit, resource, runpy, sys
rss_file = sys.argv[1]
atexit.register(lambda: open(rss_file, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
if sys.argv[2].endswith(".py"):
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")
    sys.exit(0)
from etl.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


def timed_child(args: list[str], env: dict, rss_file: Path) -> tuple[float, float]:
    """Run `python -m etl ARGS` (or `python SCRIPT.py ARGS`); return wall seconds and the child's peak RSS in GiB."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, str(rss_file), *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    return wall, int(rss_file.read_text()) / 1024 / 1024


def raw_rows(raw_dir: Path) -> dict[str, int]:
    counts = dict.fromkeys(SOURCES, 0)
    for path in raw_dir.iterdir():
        source = next(s for s in sorted(SOURCES, key=len, reverse=True) if path.name.startswith(s))
        frame = pl.scan_csv(path, infer_schema=False) if path.suffix == ".csv" else pl.scan_parquet(path)
        counts[source] += frame.select(pl.len()).collect().item()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("region", "national"), default="national")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--end", default="2026-11-15")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--vs-reference", action="store_true", help="also run the DuckDB reference, alternating")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each with --vs-reference (medians shown)")
    args = parser.parse_args()
    raw_dir = args.out / f"{args.scale}-{args.weeks}w-{args.end}-seed{args.seed}-raw"
    database = args.out / f"{args.scale}-{args.weeks}w.db"
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob(f"{database.name}*"):
        stale.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PANTAU_SECRET": "benchmark-key-0123456789"}  # 16+ characters
    if not raw_dir.exists():
        wall, peak = timed_child(["generate", "--out", str(raw_dir), "--scale", args.scale, "--weeks",
                                  str(args.weeks), "--end", args.end, "--seed", str(args.seed)], env, args.out / "rss")
        print(f"generate {args.scale} {args.weeks} weeks: {wall:.1f} s, peak RSS {peak:.2f} GiB")
    rows = raw_rows(raw_dir)
    if args.vs_reference:
        versus_reference(raw_dir, database, env, args, sum(rows.values()))
        return
    wall, peak = timed_child(["run", "--raw", str(raw_dir)], env, args.out / "rss")
    total = sum(rows.values())
    print(f"ETL {args.scale} {args.weeks} weeks into SQLite on {os.cpu_count()} cores")
    for source, n in rows.items():
        print(f"  {source:<14} {n:>12,} rows")
    print(f"  {'total':<14} {total:>12,} rows")
    print(f"  wall time      {wall:>12.1f} s")
    print(f"  throughput     {total / wall:>12,.0f} rows/s")
    print(f"  peak RSS       {peak:>12.2f} GiB")


def versus_reference(raw_dir: Path, database: Path, env: dict, args: argparse.Namespace, total: int) -> None:
    """The ETL into a fresh SQLite file and the DuckDB reference, alternately; medians and their ratio."""
    figures: dict[str, list[tuple[float, float]]] = {"etl": [], "reference": []}
    duck = args.out / f"{args.scale}-{args.weeks}w.duckdb"
    for run in range(args.repeat):
        for stale in args.out.glob(f"{database.name}*"):
            stale.unlink()
        etl = timed_child(["run", "--raw", str(raw_dir)], env, args.out / "rss")
        reference = timed_child([str(REFERENCE), str(raw_dir), str(duck)], env, args.out / "rss")
        figures["etl"].append(etl)
        figures["reference"].append(reference)
        print(f"run {run + 1}: ETL {etl[0]:.1f} s ({etl[1]:.2f} GiB), reference {reference[0]:.1f} s "
              f"({reference[1]:.2f} GiB), ratio {etl[0] / reference[0]:.2f}", flush=True)
    etl_wall, ref_wall = (statistics.median(w for w, _ in figures[k]) for k in ("etl", "reference"))
    etl_rss, ref_rss = (statistics.median(r for _, r in figures[k]) for k in ("etl", "reference"))
    ratios = [e[0] / r[0] for e, r in zip(figures["etl"], figures["reference"])]
    print(f"{args.scale} {args.weeks} weeks, {total:,} rows, {os.cpu_count()} cores, medians of {args.repeat}")
    print(f"  ETL into SQLite  {etl_wall:>8.1f} s   peak RSS {etl_rss:.2f} GiB")
    print(f"  DuckDB reference {ref_wall:>8.1f} s   peak RSS {ref_rss:.2f} GiB")
    print(f"  ratio (median of per-run ratios) {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
