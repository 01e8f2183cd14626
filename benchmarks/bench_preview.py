"""Median wall time of the offline preview per stack, against the import floor of what the run needs.

    python benchmarks/bench_preview.py [--runs 7]

The floor is a bare interpreter that imports exactly the modules the run needs and nothing else: pulumi,
pulumi_awsx, pulumi_policy, and the pulumi_aws service packages the program touches, forced to load (pulumi_aws
hands out lazy stubs, so `import pulumi_aws` alone costs almost nothing). The list of service packages is read
off a real in-process run, not typed by hand. Goal (docs/preview.md, "Speed"): the default
`python -m preview production` within 1.4x of that floor. Each figure is a whole process, as a user runs it;
progress goes to stderr as the runs happen. Tests never assert these numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent

# Run once in a child process: which pulumi_aws service packages does a production preview really load?
_SERVICES_PROBE = """
import json, sys, types
from preview.cli import main
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    main(["production"])
loaded = sorted(
    name.split(".")[1] for name, mod in list(sys.modules.items())
    if name.startswith("pulumi_aws.") and name.count(".") == 1 and type(mod) is types.ModuleType
    and name.split(".")[1] not in ("_utilities", "_enums", "_inputs", "outputs", "config", "provider",
                                   "get_region", "get_partition", "get_caller_identity",
                                   "get_availability_zones")
    and hasattr(mod, "__path__")
)
print(json.dumps(loaded))
"""


def loaded_services() -> list[str]:
    proc = subprocess.run([sys.executable, "-c", _SERVICES_PROBE], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"service probe failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def floor_args(services: list[str]) -> list[str]:
    # Any attribute outside pulumi's introspection set (pulumi._utils._INTROSPECTION_ATTRS) runs the module.
    forced = "; ".join(f"getattr(pulumi_aws.{s}, 'force_load', None)" for s in services)
    imports = ", ".join(f"pulumi_aws.{s}" for s in services)
    return ["-c", f"import pulumi, pulumi_awsx, pulumi_policy, pulumi_aws, {imports}; {forced}"]


def measure(name: str, args: list[str], runs: int) -> list[float]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{name}: exit {proc.returncode}\n{proc.stderr}")
        print(f"  {name}: run {i + 1}/{runs} {times[-1]:.2f} s", file=sys.stderr, flush=True)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    print("probing which pulumi_aws service packages the production preview loads ...", file=sys.stderr, flush=True)
    services = loaded_services()
    print(f"  {len(services)} service packages: {', '.join(services)}", file=sys.stderr, flush=True)
    cases: dict[str, list[str]] = {
        "import floor": floor_args(services),
        "preview production (default)": ["-m", "preview", "production"],
        "preview staging (default)": ["-m", "preview", "staging"],
        "preview production (program only)": ["-m", "preview", "production", "--no-policy"],
    }
    table = Table(title=f"Offline preview, median of {runs} runs (wall time, whole process)")
    for col in ("case", "median s", "min s", "max s", "x floor"):
        table.add_column(col, justify="right" if col != "case" else "left")
    floor = None
    for name, args in cases.items():
        print(f"{name}: warm-up", file=sys.stderr, flush=True)
        measure(name, args, 1)  # warm the file cache and .pyc files
        times = measure(name, args, runs)
        med = statistics.median(times)
        floor = floor or med
        table.add_row(name, f"{med:.2f}", f"{min(times):.2f}", f"{max(times):.2f}", f"{med / floor:.2f}")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
