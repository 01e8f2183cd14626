"""README "First deployment of a new environment", walked for a new stack `qa` in a copy of the repository: the
offline step's commands run as written and end with the exit code the README states; CI then knows the stack
from its file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.harness import ROOT

SECTION = "## First deployment of a new environment"


def offline_step() -> list[str]:
    """The commands of step 2's code block (comments dropped), for ENV = qa."""
    section = (ROOT / "README.md").read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    step = section.split("2. **Stack file, policy config and exemptions, offline", 1)[1].split("\n3. ", 1)[0]
    block = step.split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line.strip().replace("ENV", "qa") for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_a_new_stack_passes_the_offline_step_as_written(tmp_path: Path):
    work = tmp_path / "repo"
    # The checkout without what tools leave beside it (mypy's cache alone is hundreds of MB once it has run).
    skip = ("venv", ".git", "__pycache__", "*.egg-info", "out", ".mypy_cache", ".ruff_cache", ".hypothesis")
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(*skip, ".pytest_cache"))
    commands = offline_step()
    assert [c.split()[0] for c in commands] == ["cp", "cp", "venv/bin/python"]
    for command in commands[:2]:
        subprocess.run(command.split("#")[0].split(), cwd=work, check=True)
    # the edits the step's comments describe
    config = json.loads((work / "policies/config/qa.json").read_text())
    config["aws-tagging-resource-require-tags"] = {"environment": "qa"}
    for rule in ("aws-cloudwatch-metricalarm-require-severity-route", "aws-sns-topic-disallow-non-alarm-paging"):
        config[rule] = {"pagingTopics": ["budgetbuddy-qa-alarms"]}
    (work / "policies/config/qa.json").write_text(json.dumps(config))
    doc = yaml.safe_load((work / "Pulumi.qa.yaml").read_text())
    doc["config"].pop("budgetbuddy:certificateArn", None)
    doc["config"].update(
        {
            "budgetbuddy:domainName": "api.qa.budgetbuddy.com",
            "budgetbuddy:hostedZoneId": "Z0123456789ABCDEFGHIJ",
            "budgetbuddy:awaitFirstImage": "true",
            "budgetbuddy:activateCostAllocationTags": "false",
        }
    )
    (work / "Pulumi.qa.yaml").write_text(yaml.safe_dump(doc))
    command, _, comment = commands[2].partition("#")
    stated = int(re.fullmatch(r"\s*exit (\d) expected", comment)[1])
    preview = command.split()
    proc = subprocess.run([sys.executable, *preview[1:]], cwd=work, capture_output=True, text=True)
    assert proc.returncode == stated == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    listed = subprocess.run(["scripts/stacks.sh"], cwd=work, capture_output=True, text=True, check=True).stdout
    assert listed.split() == ["qa", "staging", "production"]  # CI deploys it before production once committed
