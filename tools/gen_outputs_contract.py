"""Generate the ``outputs`` of docs/outputs.contract.json from the components' outputs objects.

Each stack output is a field of a component's outputs dataclass (components/outputs.py); its
contract entry (type from the annotation; since, deprecated, secret, when from the field) is written
here. The release history in the file (version, removed, majors) is the maintainers' record of what
was promised and is kept as it is; tools/outputs_contract.py checks it against the generated outputs.

python tools/gen_outputs_contract.py          # rewrite docs/outputs.contract.json
python tools/gen_outputs_contract.py --check  # exit 1 if it is stale (tests run this)

Exit codes: 0 written (with --check: up to date); 1 with --check: the file is stale; 2 an unknown option.
Environment: none.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.cli_help import answer_early, handle  # noqa: E402

if __name__ == "__main__":
    answer_early(__doc__)  # before the imports below, which load the program

from components.outputs import contract_entries  # noqa: E402
from components.stack import OUTPUT_TYPES  # noqa: E402
from tools.generated import write_or_check  # noqa: E402
from tools.outputs_contract import CONTRACT, load  # noqa: E402

COMMENT = (
    "The stack outputs other teams may rely on. Rules: docs/outputs.md, Versioning. The outputs are generated "
    "from the components' outputs objects by tools/gen_outputs_contract.py; version, removed and majors are "
    "edited by hand. Checked by tests/test_outputs_contract.py."
)


def outputs() -> dict[str, dict[str, Any]]:
    """Every stack output's contract entry, by name; a name exported by two components is an error."""
    entries: dict[str, dict[str, Any]] = {}
    for cls in OUTPUT_TYPES:
        for name, entry in contract_entries(cls).items():
            if name in entries:
                raise ValueError(f"stack output {name!r} is declared twice ({cls.__name__} and an earlier component)")
            entries[name] = entry
    return dict(sorted(entries.items()))


def render(current: dict[str, Any] | None = None) -> str:
    """The contract file: generated outputs (one line each), the history kept from ``current``."""
    current = load() if current is None else current
    rows = ",\n".join(f"    {json.dumps(name)}: {json.dumps(entry)}" for name, entry in outputs().items())

    def block(key: str, default: Any) -> str:
        text = json.dumps(current.get(key, default), indent=2)
        return "\n".join(("  " + line) if i else line for i, line in enumerate(text.splitlines()))

    return (
        "{\n"
        f'  "$comment": {json.dumps(COMMENT)},\n'
        f'  "version": {json.dumps(current["version"])},\n'
        f'  "outputs": {{\n{rows}\n  }},\n'
        f'  "removed": {block("removed", [])},\n'
        f'  "majors": {block("majors", {})}\n'
        "}\n"
    )


def main(argv: list[str]) -> int:
    if (code := handle(__doc__, argv)) is not None:
        return code
    return write_or_check(CONTRACT, render(), argv, "gen_outputs_contract.py")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
