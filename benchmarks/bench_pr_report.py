"""Median wall time of the pull-request report against one default preview, run alternately (back to back).

    python benchmarks/bench_pr_report.py [--runs 5] [--base HEAD]

`scripts/pr-report.sh BASE` previews both stacks on the working tree and on BASE (a temporary worktree) and
compares them; one default `python -m preview production` is the unit. Goal (docs/preview.md, "Speed"): the
report within 2.5x of one preview. The two cases alternate, so a busy machine slows both alike; the ratio is
the figure to read. Progress goes to stderr; tests never assert these numbers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)}: exit {proc.returncode}\n{proc.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base", default="HEAD", help="BASE_REF for the report (default: HEAD)")
    opts = parser.parse_args()
    cases = {
        "preview production (default)": [sys.executable, "-m", "preview", "production"],
        f"scripts/pr-report.sh {opts.base}": ["scripts/pr-report.sh", opts.base],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for name, args in cases.items():  # warm-up: the file cache and .pyc files
        print(f"{name}: warm-up", file=sys.stderr, flush=True)
        timed(args)
    for i in range(opts.runs):
        for name, args in cases.items():
            times[name].append(timed(args))
            print(f"  {name}: run {i + 1}/{opts.runs} {times[name][-1]:.2f} s", file=sys.stderr, flush=True)
    table = Table(title=f"Pull-request report, median of {opts.runs} alternating runs (wall time)")
    for col in ("case", "median s", "min s", "max s", "x preview"):
        table.add_column(col, justify="right" if col != "case" else "left")
    unit = statistics.median(next(iter(times.values())))
    for name, values in times.items():
        med = statistics.median(values)
        table.add_row(name, f"{med:.2f}", f"{min(values):.2f}", f"{max(values):.2f}", f"{med / unit:.2f}")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
