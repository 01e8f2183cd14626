"""A component package's names, imported on first use (PEP 562).

A package's ``__init__`` used to import its component, and with it the Pulumi SDK and pulumi-aws, whenever
anything below it was imported. Reading settings needs neither: the operations tool and the deploy script's
``containerPort`` guard read ``components.<pkg>.settings`` (through ``components.config.schema``) and paid about
0.2 s of imports per run for nothing (benchmarks/README.md, "The test suite"). Type checkers and readers see the
names in each ``__init__``'s ``TYPE_CHECKING`` block; tests/test_component_exports.py keeps the two in step.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy(package: str, **modules: list[str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, given ``module=[names]`` for each of its modules."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:  # noqa: N807 (the module hook's name)
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # later lookups skip the hook
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(set(where) | set(vars(sys.modules[package])))

    return __getattr__, __dir__
