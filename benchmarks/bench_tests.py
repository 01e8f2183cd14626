"""Wall time of the whole test suite as the README's Quick start runs it (`pytest -n auto`).

    python benchmarks/bench_tests.py [--runs 5]

Goal (docs/decisions.md, "Install route and test speed"): at most 60 s on the 2-core CI machine. Each run is a
whole process; progress goes to stderr. Tests never assert these numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", default="auto", help="pytest-xdist -n value (auto: one per core)")
    args = parser.parse_args()
    times = []
    for i in range(args.runs):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", args.workers],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - start)
        last = (proc.stdout.strip().splitlines() or [""])[-1]
        print(
            f"run {i + 1}/{args.runs}: {times[-1]:.1f} s, exit {proc.returncode} ({last})", file=sys.stderr, flush=True
        )
        if proc.returncode != 0:
            return proc.returncode
    print(
        f"test suite, -n {args.workers} on {os.cpu_count()} cores: median {statistics.median(times):.1f} s "
        f"(min {min(times):.1f}, max {max(times):.1f}, {args.runs} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
