"""ETL benchmark: generate a year of raw data, load it into a fresh SQLite file, print the figures.

    python bench/etl.py [--scale national|region] [--weeks 52] [--out bench/out]

Generation and load run in child processes so each one's peak RSS is its own.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("branches", "queue_tickets", "claims", "complaints")


# Runs the CLI in the child and writes the child's own peak RSS (KiB) to a file when it ends.
CHILD = """
import atexit, resource, sys
from etl.__main__ import main
atexit.register(lambda: open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
code = main(sys.argv[2:])
sys.exit(code)
"""


def timed_child(args: list[str], env: dict, rss_file: Path) -> tuple[float, float]:
    """Run `python -m etl ARGS`; return wall seconds and the child's peak RSS in GiB."""
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
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    raw_dir = args.out / f"{args.scale}-{args.weeks}w-raw"
    database = args.out / f"{args.scale}-{args.weeks}w.db"
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob(f"{database.name}*"):
        stale.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PANTAU_SECRET": "benchmark"}
    if not raw_dir.exists():
        wall, peak = timed_child(["generate", "--out", str(raw_dir), "--scale", args.scale, "--weeks",
                                  str(args.weeks), "--end", args.end], env, args.out / "rss")
        print(f"generate {args.scale} {args.weeks} weeks: {wall:.1f} s, peak RSS {peak:.2f} GiB")
    rows = raw_rows(raw_dir)
    wall, peak = timed_child(["run", "--raw", str(raw_dir)], env, args.out / "rss")
    total = sum(rows.values())
    print(f"ETL {args.scale} {args.weeks} weeks into SQLite on {os.cpu_count()} cores")
    for source, n in rows.items():
        print(f"  {source:<14} {n:>12,} rows")
    print(f"  {'total':<14} {total:>12,} rows")
    print(f"  wall time      {wall:>12.1f} s")
    print(f"  throughput     {total / wall:>12,.0f} rows/s")
    print(f"  peak RSS       {peak:>12.2f} GiB")


if __name__ == "__main__":
    main()
