# shellcheck shell=bash
# Shared by scripts/deploy.sh and scripts/drift-check.sh (docs/ci.md, "State backend" and "Deployments"):
# check the stack and the pack's venv, log in to the configured state backend, select the stack. Sourced, not run.

readonly EXIT_USAGE=2

die_usage() {
  echo "error: $1" >&2
  exit "$EXIT_USAGE"
}

in_ci() {
  [[ "${CI:-}" == true || "${GITHUB_ACTIONS:-}" == true ]]
}

# Print a line to stderr; on GitHub also as an annotation on the run.
report_error() {
  echo "error: $1" >&2
  if [[ "${GITHUB_ACTIONS:-}" == true ]]; then echo "::error title=$2::$1"; fi
}

summary() {
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then echo "$1" >>"$GITHUB_STEP_SUMMARY"; fi
}

known_stacks() {
  local file names=()
  for file in Pulumi.*.yaml; do
    [[ -e "$file" ]] || continue
    file="${file#Pulumi.}"
    names+=("${file%.yaml}")
  done
  echo "${names[*]}"
}

# require_stack STACK [REGION]: the stack file and its policy config exist; REGION, if given, is its aws:region.
require_stack() {
  local stack="$1" region="${2:-}" stack_region
  [[ "$stack" =~ ^[a-z][a-z0-9-]*$ && -f "Pulumi.$stack.yaml" ]] ||
    die_usage "unknown stack '$stack' (allowed: $(known_stacks); each has a Pulumi.<stack>.yaml)"
  [[ -f "policies/config/$stack.json" ]] ||
    die_usage "stack '$stack' has no policy config policies/config/$stack.json (the pack needs one per stack)"
  if [[ -n "$region" ]]; then
    stack_region="$(sed -n 's/^  aws:region:[[:space:]]*\([a-z0-9-]*\).*/\1/p' "Pulumi.$stack.yaml")"
    [[ "$region" == "$stack_region" ]] ||
      die_usage "region '$region' is not the region of stack '$stack' (Pulumi.$stack.yaml aws:region: '${stack_region:-unset}')"
  fi
  [[ -x policies/venv/bin/python ]] ||
    die_usage "the policy pack's venv policies/venv is missing; create it once: python3 -m venv policies/venv && policies/venv/bin/pip install -q uv==0.13.9 && policies/venv/bin/uv pip install -q --python policies/venv/bin/python -r policies/requirements.lock"
  if in_ci && [[ -n "${BUDGETBUDDY_POLICY_UNKNOWN:-}" ]]; then
    die_usage "BUDGETBUDDY_POLICY_UNKNOWN='$BUDGETBUDDY_POLICY_UNKNOWN' is for a stack's first deployment by hand (README \"First deployment\"), never in CI"
  fi
}

# The state backend: $PULUMI_BACKEND_URL (e.g. s3://bucket?region=us-east-1) when set, else Pulumi Cloud
# ($PULUMI_ACCESS_TOKEN). On a workstation with neither, the CLI's current login is used.
login_backend() {
  if [[ -n "${PULUMI_BACKEND_URL:-}" ]]; then
    pulumi login --non-interactive "$PULUMI_BACKEND_URL"
  elif [[ -n "${PULUMI_ACCESS_TOKEN:-}" ]]; then
    pulumi login --non-interactive
  elif in_ci; then
    die_usage "no state backend: set the secret PULUMI_ACCESS_TOKEN (Pulumi Cloud) or the variable PULUMI_BACKEND_URL (s3://bucket?region=...); see docs/ci.md"
  fi
}

# select_stack STACK: never creates one; a new stack's first deployment is done by hand.
select_stack() {
  pulumi stack select --non-interactive "$1" ||
    die_usage "stack '$1' does not exist in the state backend (or the backend refused the login); a new stack is created and deployed the first time by hand: README \"First deployment\""
}

# The README's policy flags for STACK ("A real deployment"), in the global array POLICY_ARGS.
set_policy_args() {
  # shellcheck disable=SC2034  # read by the scripts that source this file
  POLICY_ARGS=(--policy-pack policies --policy-pack-config "policies/config/$1.json")
}
