"""``python -m preview``: see preview.cli (arguments, exit codes) and docs/preview.md."""

import gc
import sys

# A run allocates millions of objects and keeps most of them (modules, the recording, the reports) until it
# exits: at the default thresholds (700, 10, 10) the collector rescans those survivors about a thousand times,
# a quarter of a production preview's time. Rarer collections keep the run's memory the same (about 200 MB;
# its garbage is mostly freed by reference counting) and save that time (benchmarks/README.md).
gc.set_threshold(50_000, 20, 100)

from preview.cli import main  # noqa: E402  (after the collector is set: the imports are most of the allocations)

sys.exit(main())
