"""Plugin entry point: `python packages/budgetbuddy <engine address>`, the way the Pulumi CLI starts it.

The components live at the repository's root (components/), two levels up; `pulumi package add` of a
Git URL clones the whole repository, so the root is there too.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from packages.budgetbuddy.facade.provider import serve

if __name__ == "__main__":
    serve(sys.argv[1:])
