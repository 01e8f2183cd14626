"""Median time of cost.estimate + to_markdown + the 80-column table on a preview dump (or the policy baseline).

    python benchmarks/bench_cost.py [out/production.json] [--runs 50]

Prints figures only; tests never assert wall-clock times.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from preview import cost  # noqa: E402
from preview.report import cost as cost_views  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("dump", nargs="?", type=Path)
    p.add_argument("--runs", type=int, default=50)
    args = p.parse_args()
    if args.dump:
        doc = json.loads(args.dump.read_text())
        resources, stack = doc["resources"], doc["stack"]
    else:
        from tests.policies.policy_fixtures import baseline

        resources, stack = baseline("production"), "production"
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        report = cost.estimate(resources, stack)
        cost_views.to_markdown(report)
        cost_views.render(report, Console(width=80, file=io.StringIO(), color_system=None))
        times.append(time.perf_counter() - t0)
    print(f"{stack}: {len(resources)} resources, {len(report.items)} line items, total ${report.total:,.2f}",
          f"(${report.total_max:,.2f} at max capacity)")  # fmt: skip
    print(f"median {statistics.median(times) * 1000:.2f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
