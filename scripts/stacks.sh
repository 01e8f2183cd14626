#!/usr/bin/env bash
# The stacks of this repository, from its stack files (Pulumi.<stack>.yaml), never a hard-coded list: a new
# environment is known to CI and the pull-request report once its stack file is committed (README "First
# deployment of a new environment"). Production comes last, after every other stack (the order deployments take).
#
#   scripts/stacks.sh            # one per line
#   scripts/stacks.sh --json     # {"all": [...], "nonProduction": [...]}
#   scripts/stacks.sh --github-output   # all=[...] and non-production=[...] into $GITHUB_OUTPUT (job matrices)
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/stacks.sh [--json | --github-output]

The stacks of this repository, one per Pulumi.<stack>.yaml, production last (README "First deployment of a new
environment"). Without an option: one stack per line.
  --json            {"all": [...], "nonProduction": [...]}
  --github-output   all=[...] and non-production=[...] appended to $GITHUB_OUTPUT (job matrices)

Exit codes: 0 listed, 2 bad usage (an unknown option, --github-output outside GitHub Actions).
Environment:
  GITHUB_OUTPUT   the file --github-output appends to (set by GitHub Actions)
EOF
}
case "${1:-}" in -h | --help) usage; exit 0 ;; esac
cd "$(dirname "$0")/.."

names=()
for file in Pulumi.*.yaml; do
  [[ -e "$file" ]] || continue
  name="${file#Pulumi.}"
  name="${name%.yaml}"
  [[ "$name" == production ]] || names+=("$name")
done
[[ -e Pulumi.production.yaml ]] && all=("${names[@]}" production) || all=("${names[@]}")

json_list() {
  local out="" s
  for s in "$@"; do out+="${out:+,}\"$s\""; done
  echo "[$out]"
}

case "${1:-}" in
  --json) echo "{\"all\": $(json_list "${all[@]}"), \"nonProduction\": $(json_list "${names[@]}")}" ;;
  --github-output)
    echo "all=$(json_list "${all[@]}")" >>"${GITHUB_OUTPUT:?--github-output runs in GitHub Actions}"
    echo "non-production=$(json_list "${names[@]}")" >>"$GITHUB_OUTPUT"
    ;;
  "") printf '%s\n' "${all[@]}" ;;
  *)
    usage >&2
    exit 2
    ;;
esac
