"""Median wall time of the offline preview per stack, against the bare import floor.

    python benchmarks/bench_preview.py [--runs 7]

Goal (issue 2): production <= 2.5 s and <= 3x the floor `python -c "import pulumi, pulumi_aws, pulumi_awsx"`.
Each figure is a whole process, as a user runs it. Tests never assert these numbers.
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

CASES: dict[str, list[str]] = {
    "import floor": ["-c", "import pulumi, pulumi_aws, pulumi_awsx"],
    "preview staging (program only)": ["-m", "preview", "staging", "--no-tree", "--no-policy"],
    "preview production (program only)": ["-m", "preview", "production", "--no-tree", "--no-policy"],
    "preview staging (with policy pack)": ["-m", "preview", "staging", "--no-tree"],
    "preview production (with policy pack)": ["-m", "preview", "production", "--no-tree"],
}


def measure(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{args}: exit {proc.returncode}\n{proc.stderr}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    table = Table(title=f"Offline preview, median of {runs} runs (wall time, whole process)")
    for col in ("case", "median s", "min s", "max s", "x floor"):
        table.add_column(col, justify="right" if col != "case" else "left")
    floor = None
    for name, args in CASES.items():
        measure(args, 1)  # warm the file cache and .pyc files
        times = measure(args, runs)
        med = statistics.median(times)
        floor = floor or med
        table.add_row(name, f"{med:.2f}", f"{min(times):.2f}", f"{max(times):.2f}", f"{med / floor:.1f}")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
