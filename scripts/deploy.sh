#!/usr/bin/env bash
# Deploy one stack with the policy pack (docs/ci.md, "Deployments"); the deploy workflow runs this, and so can
# an operator on a workstation with the Pulumi CLI and AWS credentials. It stands for the runbook's
# "Initial Deployment" step `deploy.sh production us-east-1`, for a stack that already exists.
#
#   scripts/deploy.sh STACK [REGION]
#
# REGION, if given, must be the stack's aws:region (a guard against deploying the wrong file). The stack must
# exist in the state backend: creating one is the first deployment, by hand (README "First deployment").
# Exit: 0 deployed; 2 bad input (stack, region, venv, backend); otherwise `pulumi up`'s own failure code.
set -euo pipefail
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  cat <<'USAGE'
usage: scripts/deploy.sh STACK [REGION]

pulumi up of an existing STACK with the policy pack (--policy-pack policies --policy-pack-config
policies/config/STACK.json), after logging in to the state backend and selecting the stack. REGION, if given,
must be the stack's aws:region (the runbook's `deploy.sh production us-east-1`).

Exit codes:
  0  deployed
  2  bad input: unknown stack, wrong region, missing policies/venv, no state backend in CI, a stack that does
     not exist, BUDGETBUDDY_POLICY_UNKNOWN set in CI
  otherwise `pulumi up`'s own failure code (a mandatory policy violation or an update error)

Environment:
  PULUMI_ACCESS_TOKEN  Pulumi Cloud token (the default backend)
  PULUMI_BACKEND_URL   a self-managed backend instead, e.g. s3://bucket?region=us-east-1
  BUDGETBUDDY_POLICY_UNKNOWN  the pack's first-deployment mode (by hand only; refused in CI)
  CI, GITHUB_ACTIONS, GITHUB_STEP_SUMMARY  CI detection, annotations and the job summary
USAGE
  exit 0
fi
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/pulumi.sh
source scripts/lib/pulumi.sh

(($# >= 1 && $# <= 2)) || die_usage "usage: scripts/deploy.sh STACK [REGION] (stacks: $(known_stacks))"
stack="$1"
require_stack "$stack" "${2:-}"
login_backend
select_stack "$stack"
set_policy_args "$stack"

rc=0
pulumi up --yes --non-interactive "${POLICY_ARGS[@]}" || rc=$?
if ((rc != 0)); then
  report_error "pulumi up of stack '$stack' failed (exit $rc): a mandatory policy violation or an update error, see the log above" "Deploy $stack"
  summary "❌ \`pulumi up\` of \`$stack\` failed (exit $rc); see the job log."
  exit "$rc"
fi
summary "✅ \`$stack\` deployed with the policy pack (\`pulumi up ${POLICY_ARGS[*]}\`)."
