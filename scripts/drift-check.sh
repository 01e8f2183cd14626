#!/usr/bin/env bash
# Weekly drift check of one stack (docs/ci.md, "Drift check"), read-only: `pulumi refresh --preview-only` shows
# how the real cloud resources differ from the stack's state (Pulumi Cloud counts it as a drift run), then
# `pulumi preview --refresh --expect-no-changes` fails if the program (with the policy pack) would change anything
# against that refreshed view: someone changed a resource outside Pulumi, or main holds an update that was never
# deployed. Neither command writes the state, so a check never rewrites what the last deployment recorded.
# Runs the same on a workstation with the Pulumi CLI and AWS credentials.
#
#   scripts/drift-check.sh STACK
#
# Exit: 0 no drift; 1 drift (the preview proposes changes); 2 bad input (stack, venv, backend);
# 3 refresh or preview failed for another reason (credentials, policy violation, program error).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/pulumi.sh
source scripts/lib/pulumi.sh
readonly EXIT_DRIFT=1 EXIT_FAILED=3

(($# == 1)) || die_usage "usage: scripts/drift-check.sh STACK (stacks: $(known_stacks))"
stack="$1"
require_stack "$stack"
login_backend
select_stack "$stack"
set_policy_args "$stack"

if ! pulumi refresh --preview-only --non-interactive; then
  report_error "pulumi refresh of stack '$stack' failed: drift unknown, see the log above" "Drift check $stack"
  summary "⚠️ Drift check of \`$stack\`: \`pulumi refresh\` failed, drift unknown."
  exit "$EXIT_FAILED"
fi

log="$(mktemp "${TMPDIR:-/tmp}/drift-check.XXXXXX")"
trap 'rm -f "$log"' EXIT
rc=0
pulumi preview --refresh --non-interactive --diff --expect-no-changes "${POLICY_ARGS[@]}" 2>&1 | tee "$log" || rc=$?
if ((rc == 0)); then
  summary "✅ Drift check of \`$stack\`: the resources match the program."
  exit 0
fi
# The CLI has one failure code; this sentence is how it says "changes were proposed" (pkg/cmd/pulumi preview).
if grep -q "no changes were expected but changes were proposed" "$log"; then
  report_error "DRIFT in stack '$stack': the deployed resources differ from the program on this commit (the diff is above); deploy main again or bring the change into the code" "Drift in $stack"
  summary "❌ **Drift in \`$stack\`**: \`pulumi preview --expect-no-changes\` proposes changes; see the job log for the diff."
  exit "$EXIT_DRIFT"
fi
report_error "pulumi preview of stack '$stack' failed (exit $rc) for a reason other than drift: see the log above" "Drift check $stack"
summary "⚠️ Drift check of \`$stack\`: \`pulumi preview\` failed (exit $rc), drift unknown."
exit "$EXIT_FAILED"
