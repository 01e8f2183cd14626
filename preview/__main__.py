"""``python -m preview``: see preview.cli (arguments, exit codes) and docs/preview.md."""

import asyncio
import atexit
import contextlib
import gc
import sys

# A run allocates millions of objects and keeps most of them (modules, the recording, the reports) until it
# exits: at the default thresholds (700, 10, 10) the collector rescans those survivors about a thousand times,
# a quarter of a production preview's time. Rarer collections keep the run's memory the same (about 200 MB;
# its garbage is mostly freed by reference counting) and save that time (benchmarks/README.md).
gc.set_threshold(50_000, 20, 100)

from preview.cli import main  # noqa: E402  (after the collector is set: the imports are most of the allocations)


def _close_the_event_loop() -> None:
    """The event loop the SDK ran the program on, closed while its sockets are still open: left to the
    interpreter's teardown, its finalizer sometimes meets an already closed socket and prints "Exception ignored
    in BaseEventLoop.__del__ ... Invalid file descriptor: -1" under a clean verdict (about one run in four). At
    exit, not after main(): a process that runs the preview again (scripts/lib/preview_each.py) keeps the loop."""
    with contextlib.suppress(RuntimeError):
        asyncio.get_event_loop_policy().get_event_loop().close()


atexit.register(_close_the_event_loop)
sys.exit(main())
