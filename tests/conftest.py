"""What every test process shares: the garbage collector's settings (benchmarks/README.md, "The test suite").

A test worker keeps what it imports and collects (pulumi-aws's service modules, moto, every test module) and the
session's cached recordings for its whole life; at the default thresholds (700, 10, 10) the collector rescans all
of that heap of survivors hundreds of times. Collections are made rarer, as the preview does (preview/__main__.py),
but a full one still comes every few tests (a tenth of the preview's interval), so that garbage a test leaves in
a cycle is finalized while a test's output is captured, not at the end of the run. After collection the heap built
so far is frozen: a collection then walks only what the tests allocate.
"""

from __future__ import annotations

import gc

import pytest

gc.set_threshold(50_000, 20, 10)


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()
