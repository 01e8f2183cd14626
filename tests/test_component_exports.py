"""Component packages import their names on first use (components/exports.py): reading settings loads neither the
Pulumi SDK nor pulumi-aws, and each package still offers exactly the names its TYPE_CHECKING block declares."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest

from tests.harness import ROOT

PACKAGES = sorted(p.parent.name for p in (ROOT / "components").glob("*/__init__.py") if p.parent.name != "config")


def declared(package: str) -> dict[str, str]:
    """name -> module, as the package's TYPE_CHECKING block imports them."""
    tree = ast.parse((ROOT / "components" / package / "__init__.py").read_text())
    (block,) = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    return {a.name: node.module for node in block.body if isinstance(node, ast.ImportFrom) for a in node.names}


@pytest.mark.parametrize("package", PACKAGES)
def test_each_declared_name_is_the_modules_own_and_nothing_else_is_offered(package: str) -> None:
    pkg = importlib.import_module(f"components.{package}")
    names = declared(package)
    assert names and sorted(pkg.__all__) == sorted(names)
    for name, module in names.items():
        assert getattr(pkg, name) is getattr(importlib.import_module(module), name), name
    assert set(names) <= set(dir(pkg))
    with pytest.raises(AttributeError, match="has no attribute 'NotAName'"):
        _ = pkg.NotAName


def test_reading_settings_loads_neither_the_sdk_nor_the_provider() -> None:
    """What the operations tool and the deploy script's guard import, and reading a whole stack file (its
    ``aws:`` keys are checked against the provider's) as the operations tool does (a fresh interpreter: this
    one has both)."""
    code = (
        "import sys\n"
        "import components.config.load, components.compute.settings, ops.platform\n"
        "assert ops.platform.load('production').stack == 'production'\n"
        "print(sorted(m for m in ('pulumi', 'pulumi_aws', 'pulumi_awsx') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout
