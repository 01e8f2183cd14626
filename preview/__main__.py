"""``python -m preview``: see preview.cli (arguments, exit codes) and docs/preview.md."""

import sys

from preview.cli import main

sys.exit(main())
