#!/usr/bin/env bash
# Weekly drift check of one stack (docs/ci.md, "Drift check"), read-only: `pulumi refresh --preview-only` shows
# how the real cloud resources differ from the stack's state (Pulumi Cloud counts it as a drift run), then
# `pulumi preview --refresh --expect-no-changes` fails if the program (with the policy pack) would change anything
# against that refreshed view: someone changed a resource outside Pulumi, or main holds an update that was never
# deployed. Then the deployed state itself is judged: `pulumi stack export`, read by the offline preview's
# policy run (`python -m preview --resources EXPORT --report compliance`, docs/preview.md "Exported state").
# Nothing here writes the state. Runs the same on a workstation with the Pulumi CLI and AWS credentials.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/drift-check.sh STACK

Read-only drift check of STACK: pulumi refresh --preview-only, pulumi preview --refresh --expect-no-changes
(with the policy pack), then pulumi stack export judged by python -m preview --resources (deployed state).

Exit codes:
  0  no drift, and the deployed state passes every mandatory rule
  1  drift (the preview proposes changes: the CLI's exit code 7), or a mandatory policy violation in the
     deployed state; the annotation and the job summary say which
  2  bad input: unknown stack, missing venvs, no state backend, a stack that does not exist
  3  refresh, preview, export or the judge failed for another reason: drift or verdict unknown

Environment:
  PULUMI_ACCESS_TOKEN  Pulumi Cloud token (the default backend)
  PULUMI_BACKEND_URL   a self-managed backend instead, e.g. s3://bucket?region=us-east-1
  PYTHON               the interpreter with the program's requirements (default: venv/bin/python)
  GITHUB_ACTIONS, GITHUB_STEP_SUMMARY  on GitHub: annotations and the job summary
USAGE
}
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  usage
  exit 0
fi

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/pulumi.sh
source scripts/lib/pulumi.sh
readonly EXIT_FINDING=1 EXIT_FAILED=3
# `pulumi preview --expect-no-changes` exits 7 when changes were proposed (pkg/cmd/pulumi/cmd/exit_codes.go,
# ExitNoChanges, CLI 3.226 and later); any other failure has its own code.
readonly PULUMI_EXIT_CHANGES=7

(($# == 1)) || die_usage "usage: scripts/drift-check.sh STACK (stacks: $(known_stacks)); --help for more"
stack="$1"
require_stack "$stack"
python="${PYTHON:-venv/bin/python}"
[[ -x "$python" ]] ||
  die_usage "no interpreter '$python' with the program's requirements; create venv/ as in the README Quick start (or set PYTHON)"
login_backend
select_stack "$stack"
set_policy_args "$stack"

if ! pulumi refresh --preview-only --non-interactive; then
  report_error "pulumi refresh of stack '$stack' failed: drift unknown, see the log above" "Drift check $stack"
  summary "⚠️ Drift check of \`$stack\`: \`pulumi refresh\` failed, drift unknown."
  exit "$EXIT_FAILED"
fi

result=0
rc=0
pulumi preview --refresh --non-interactive --diff --expect-no-changes "${POLICY_ARGS[@]}" || rc=$?
if ((rc == 0)); then
  summary "✅ Drift check of \`$stack\`: the resources match the program."
elif ((rc == PULUMI_EXIT_CHANGES)); then
  report_error "DRIFT in stack '$stack': the deployed resources differ from the program on this commit (the diff is above); deploy main again or bring the change into the code" "Drift in $stack"
  summary "❌ **Drift in \`$stack\`**: \`pulumi preview --expect-no-changes\` proposes changes; see the job log for the diff."
  result=$EXIT_FINDING
else
  report_error "pulumi preview of stack '$stack' failed (exit $rc) for a reason other than drift: see the log above" "Drift check $stack"
  summary "⚠️ Drift check of \`$stack\`: \`pulumi preview\` failed (exit $rc), drift unknown."
  result=$EXIT_FAILED
fi

# The deployed state, judged by the pack: what runs in the account as the last update recorded it.
export_file="$(mktemp "${TMPDIR:-/tmp}/drift-export.XXXXXX")"
trap 'rm -f "$export_file"' EXIT
if ! pulumi stack export --file "$export_file"; then
  report_error "pulumi stack export of stack '$stack' failed: the deployed state was not judged" "Deployed state of $stack"
  summary "⚠️ Deployed state of \`$stack\`: \`pulumi stack export\` failed, not judged."
  exit "$EXIT_FAILED"
fi
rc=0
"$python" -m preview --resources "$export_file" --report compliance || rc=$?
case "$rc" in
  0) summary "✅ Deployed state of \`$stack\`: every mandatory policy rule passes." ;;
  1)
    report_error "MANDATORY POLICY VIOLATION in the deployed state of stack '$stack' (the findings are above): fix the resource or the program and deploy" "Policy violation in deployed $stack"
    summary "❌ **Mandatory policy violation in the deployed state of \`$stack\`**; see the job log for the compliance report."
    ((result == EXIT_FAILED)) || result=$EXIT_FINDING
    ;;
  *)
    report_error "judging the deployed state of stack '$stack' failed (python -m preview exit $rc): see the log above" "Deployed state of $stack"
    summary "⚠️ Deployed state of \`$stack\`: the judge failed (exit $rc), verdict unknown."
    result=$EXIT_FAILED
    ;;
esac
exit "$result"
