"""The offline policy run, in parts: load (inputs), config (reconciliation like the CLI),
engine (driving the pack's analyzer servicer), report (results and their JSON/markdown),
render (rich output). ``preview.policy_runner`` re-exports the public names.

Importing this package puts ``policies/`` on sys.path, as the engine runs the pack
with its own directory on the path.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policies"
CONFIG_DIR = PACK_DIR / "config"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))
