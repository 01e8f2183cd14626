"""What ``python -m preview STACK`` (or ``--resources``) prints for a finished run: text or Markdown.

The default view is the summary alone; the other views (--tree, --cost, --violations, --report) import their
renderers only when asked, so the default run does not pay for them (docs/preview.md, "Speed").
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from preview.export import evidence
from preview.export import notes as export_notes
from preview.pipeline import Preview
from preview.report.summary import print_summary


def _notes(result: Preview) -> list[str]:
    secrets = [f"{key} is a secure value; offline it is a stand-in (still a secret)" for key in result.stand_ins]
    return [*secrets, *result.notes, *export_notes(result.doc)]


def show_text(args: argparse.Namespace, result: Preview, console: Console) -> None:
    if args.tree:
        from preview.report.tree import print_recording

        print_recording(result.doc, console)
    if args.cost:
        from preview.report.cost import render as render_cost

        render_cost(result.cost, console)
    if args.violations and result.policy is not None:
        from preview.report.policy import render as render_policy

        render_policy(result.policy, console)
    if args.report == "compliance" and result.policy is not None:  # --no-policy refuses --report
        from preview.report.compliance import render as render_compliance

        render_compliance(result.policy, console, evidence(result.doc))
    trailer = [f"wrote {args.json}"] if args.json else []
    print_summary(result.to_json(), console, _notes(result), trailer)


def show_markdown(args: argparse.Namespace, result: Preview, err: Console) -> None:
    from preview.report import compliance, policy
    from preview.report.cost import to_markdown as cost_markdown

    for note in _notes(result):
        err.print(f"note: {note}", markup=False, highlight=False)
    parts = [cost_markdown(result.cost)]
    if result.policy is None:
        parts.append(f"## Policy results: {result.doc['project']}/{result.doc['stack']} - SKIPPED\n\n"
                     "The policy pack was not run (`--no-policy`): no verdict.\n")  # fmt: skip
    else:
        parts.append(policy.to_markdown(result.policy))
        if args.report == "compliance":
            parts.append(compliance.to_markdown(result.policy, evidence(result.doc)))
    sys.stdout.write("\n".join(parts))
    if args.json:
        err.print(f"wrote {args.json}", markup=False, highlight=False)
