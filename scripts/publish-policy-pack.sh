#!/usr/bin/env bash
# Publish the policy pack to Pulumi Cloud (docs/policies.md, "Publishing, and enabling it for an organization"):
# the deploy workflow runs this for a GitHub release tagged policies-vX.Y.Z, and so can a maintainer by hand.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/publish-policy-pack.sh TAG

Publish policies/ as budgetbuddy-aws version X.Y.Z to the Pulumi organization $PULUMI_ORG, where TAG is
policies-vX.Y.Z and X.Y.Z is the version in policies/PulumiPolicy.yaml. First runs
`python tools/pack_version.py check`: the version must match the rules it records (docs/policies.md, "Versions").
Needs the pack's venv (policies/venv: `pulumi policy publish` runs the pack to read its rules).

Exit codes:
  0  published
  2  bad input: TAG not policies-vX.Y.Z or not the pack's version, PULUMI_ORG or the token unset, missing venvs,
     or the version check failed (the rules changed without the right bump)
  otherwise `pulumi policy publish`'s own failure code (e.g. the version was already published)

Environment:
  PULUMI_ORG           the Pulumi Cloud organization to publish to (required)
  PULUMI_ACCESS_TOKEN  a token of that organization allowed to publish policy packs (required in CI)
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

(($# == 1)) || die_usage "usage: scripts/publish-policy-pack.sh TAG (policies-vX.Y.Z); --help for more"
tag="$1"
version="$(sed -n 's/^version: *\([^ ]*\) *$/\1/p' policies/PulumiPolicy.yaml)"
[[ "$tag" == "policies-v$version" ]] ||
  die_usage "tag '$tag' is not the pack's version: policies/PulumiPolicy.yaml says $version (tag policies-v$version)"
[[ -n "${PULUMI_ORG:-}" ]] || die_usage "PULUMI_ORG is unset: the Pulumi organization to publish to"
if in_ci && [[ -z "${PULUMI_ACCESS_TOKEN:-}" ]]; then
  die_usage "PULUMI_ACCESS_TOKEN is unset: publishing needs a Pulumi Cloud token of $PULUMI_ORG"
fi
python="${PYTHON:-venv/bin/python}"
[[ -x "$python" ]] || die_usage "no interpreter '$python'; create venv/ as in the README Quick start (or set PYTHON)"
[[ -x policies/venv/bin/python ]] ||
  die_usage "the policy pack's venv policies/venv is missing; create it as in the README (\"A real deployment\")"
"$python" tools/pack_version.py check ||
  die_usage "policy pack $version: the recorded version does not match the rules (above); bump it, commit, tag again"

rc=0
(cd policies && pulumi policy publish "$PULUMI_ORG") || rc=$?
if ((rc != 0)); then
  report_error "pulumi policy publish of budgetbuddy-aws $version to $PULUMI_ORG failed (exit $rc): see the log above" "Publish policy pack"
  exit "$rc"
fi
summary "✅ Policy pack \`budgetbuddy-aws\` $version published to \`$PULUMI_ORG\`; enable it per policy group (docs/policies.md)."
