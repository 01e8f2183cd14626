"""Copy Pulumi's own JSON schemas from a pulumi/pulumi git checkout into vendor/pulumi/, with their source.

Usage: python tools/vendor_pulumi_schemas.py GIT_DIR [--commit SHA]
  GIT_DIR  a clone (or bare mirror) of https://github.com/pulumi/pulumi; read with `git show`, no work tree needed
Exit codes: 0 written, 2 bad input (not a git directory, a file missing at that commit).
Environment: none read (git is run with --git-dir).

What is vendored and who reads it:
  project.json      sdk/go/common/workspace/project.json: Pulumi.yaml (tests/test_project_config.py)
  pulumi.json       pkg/codegen/schema/pulumi.json: the package metaschema (component package schema)
  deployments.json, resources.json, property-values.json
                    sdk/go/common/apitype/: `pulumi stack export` (deployment version 3)
vendor/pulumi/SOURCE.json records the commit, the snapshot's sdk/.version, the pulumi SDK pinned when it was
vendored, and each file's sha256; tests/test_vendor.py fails when a file was edited by hand or the pin moved
without vendoring again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "vendor" / "pulumi"
FILES = {
    "project.json": "sdk/go/common/workspace/project.json",
    "pulumi.json": "pkg/codegen/schema/pulumi.json",
    "deployments.json": "sdk/go/common/apitype/deployments.json",
    "resources.json": "sdk/go/common/apitype/resources.json",
    "property-values.json": "sdk/go/common/apitype/property-values.json",
}


def _git(git_dir: Path, *args: str) -> str:
    done = subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: git {' '.join(args)} in {git_dir}: {done.stderr.strip()}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("--commit", default="HEAD")
    args = parser.parse_args(argv)
    git_dir = args.git_dir / ".git" if (args.git_dir / ".git").is_dir() else args.git_dir
    try:
        commit = _git(git_dir, "rev-parse", args.commit).strip()
        date = _git(git_dir, "log", "-1", "--format=%cI", commit).strip()
        sdk = _git(git_dir, "show", f"{commit}:sdk/.version").strip()
        OUT.mkdir(parents=True, exist_ok=True)
        digests = {}
        for name, path in FILES.items():
            text = _git(git_dir, "show", f"{commit}:{path}")
            (OUT / name).write_text(text)
            digests[name] = {"path": path, "sha256": hashlib.sha256(text.encode()).hexdigest()}
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    source = {
        "repository": "https://github.com/pulumi/pulumi",
        "commit": commit,
        "committed": date,
        "snapshotSdkVersion": sdk,
        "pinnedSdkWhenVendored": version("pulumi"),
        "files": digests,
    }
    (OUT / "SOURCE.json").write_text(json.dumps(source, indent=2) + "\n")
    print(f"vendored {len(FILES)} files from pulumi/pulumi {commit[:10]} (sdk {sdk}) into {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
