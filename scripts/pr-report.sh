#!/usr/bin/env bash
# The pull-request report (docs/ci.md, "Pull requests"): offline preview of every stack on the working tree
# (head) and on BASE_REF (a temporary git worktree), `python -m preview --compare` per stack, one Markdown
# comment. Runs the same locally and in CI; nothing here needs cloud credentials. For speed the head's and the
# base's previews run side by side, each checkout's stacks in one interpreter (scripts/lib/preview_each.py).
#
#   scripts/pr-report.sh [--output FILE] BASE_REF
#
# Markdown goes to stdout, or to FILE with --output; it is also appended to $GITHUB_STEP_SUMMARY when set.
# Exit: 0 fine; 1 a mandatory policy violation in the head; 2 bad arguments, or the preview tool refused its
# input; 3 the preview tool (program) failed. A tool failure wins over a violation: the verdict is unknown then.
# $PYTHON is the interpreter with the requirements installed (default: venv/bin/python of this checkout).
set -euo pipefail
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  cat <<'USAGE'
usage: scripts/pr-report.sh [--output FILE] BASE_REF

The pull-request report: the offline preview of every stack on the working tree and on BASE_REF (a branch, tag
or SHA this clone has, e.g. origin/main), compared, as one Markdown comment (docs/ci.md, "Pull requests").
Markdown goes to stdout, or to FILE with --output.

Exit codes:
  0  fine
  1  a mandatory policy violation in the head
  2  bad arguments, or the preview tool refused its input
  3  the preview tool (the program) failed; a tool failure wins over a violation

Environment:
  PYTHON               the interpreter with the requirements (default: venv/bin/python of this checkout)
  GITHUB_STEP_SUMMARY  when set, the report is appended to it
  GITHUB_ACTIONS       on GitHub: an annotation with the verdict
USAGE
  exit 0
fi

readonly MARKER='<!-- budgetbuddy-preview -->'
readonly EXIT_OK=0 EXIT_VIOLATION=1 EXIT_USAGE=2

usage() {
  echo "usage: scripts/pr-report.sh [--output FILE] BASE_REF" >&2
  echo "  BASE_REF: the commit to compare with (a branch, tag or SHA this clone has, e.g. origin/main)" >&2
}

die_usage() {
  echo "error: $1" >&2
  usage
  exit "$EXIT_USAGE"
}

output=""
base_ref=""
while (($# > 0)); do
  case "$1" in
    --output)
      (($# >= 2)) || die_usage "--output needs a FILE"
      output="$2"
      shift 2
      ;;
    --output=*)
      output="${1#--output=}"
      shift
      ;;
    -h | --help)
      usage
      exit "$EXIT_OK"
      ;;
    -*) die_usage "unknown option '$1' (allowed: --output FILE)" ;;
    *)
      [[ -z "$base_ref" ]] || die_usage "one BASE_REF only (got '$base_ref' and '$1')"
      base_ref="$1"
      shift
      ;;
  esac
done
[[ -n "$base_ref" ]] || die_usage "BASE_REF is missing"
[[ -z "$output" || "$output" != -* ]] || die_usage "--output FILE must not start with '-' (got '$output')"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null)" ||
  die_usage "scripts/pr-report.sh must run from a git checkout of the repository ($script_dir is not in one)"
cd "$root"
# Every stack with a stack file on this branch (scripts/stacks.sh), production last; a stack new on the branch
# has no base preview and is judged on its own.
mapfile -t STACKS < <(scripts/stacks.sh)
readonly STACKS
((${#STACKS[@]} > 0)) || die_usage "no stack file (Pulumi.<stack>.yaml) in $root: nothing to preview"
base_sha="$(git rev-parse --verify --quiet "${base_ref}^{commit}")" ||
  die_usage "BASE_REF '$base_ref' is not a commit in this clone (fetch it first; in CI checkout needs fetch-depth: 0)"

python="${PYTHON:-$root/venv/bin/python}"
if [[ "$python" != */* ]]; then
  python="$(command -v "$python")" || die_usage "PYTHON '${PYTHON}' is not on PATH"
fi
[[ -x "$python" ]] || die_usage "PYTHON '$python' is not an executable (create the venv as in README Quick start, or set PYTHON)"
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")" # absolute: the base preview runs elsewhere

work="$(mktemp -d "${TMPDIR:-/tmp}/pr-report.XXXXXX")"
base_dir="$work/base"
# shellcheck disable=SC2329  # called by the EXIT trap
cleanup() {
  # The base checkout is a registered worktree: remove it through git, then forget stale entries.
  if [[ -d "$base_dir" ]]; then
    git -C "$root" worktree remove --force "$base_dir" >/dev/null 2>&1 || true
  fi
  git -C "$root" worktree prune >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

base_checked_out=true
if ! git worktree add --detach --quiet "$base_dir" "$base_sha" >"$work/worktree.log" 2>&1; then
  base_checked_out=false
fi

# join A B C -> "A, B, C"
join() {
  local IFS=, joined
  joined="$*"
  echo "${joined//,/, }"
}

# The heading of a stack's section when the tool failed (otherwise --compare prints the heading).
failure_heading() {
  echo "### ⚠️ \`$1\`: the preview tool failed"
  echo
}

# each DIR JOB [--next JOB ...]: `python -m preview` runs in DIR, all in one interpreter (scripts/lib/preview_each.py);
# a JOB is OUT ERR RC ARGS...: stdout to OUT, stderr to ERR (OUT again: one file), the exit code to RC.
# DIR's own policy pack comes first on the path: the venv's editable install of the pack is the head's
# (requirements.txt: -e ./policies), and the base must be judged by the base's pack.
each() {
  local dir="$1"
  shift
  (cd "$dir" && PYTHONPATH="$dir/policies${PYTHONPATH:+:$PYTHONPATH}" "$python" - "$@" <"$root/scripts/lib/preview_each.py") ||
    true
}

# rc_of FILE: the exit code a job wrote; 3 (the tool failed) when it wrote none.
rc_of() {
  local rc
  rc="$(cat "$1" 2>/dev/null)" || rc=""
  echo "${rc:-3}"
}

# The last lines of a log, fenced, so a reader sees why the tool failed without opening the CI log.
log_tail() {
  echo
  echo '~~~text'
  tail -n 15 "$1"
  echo '~~~'
}

# The previews: both stacks of the head here, both stacks of the base in its worktree at the same time.
head_jobs=()
base_jobs=()
for stack in "${STACKS[@]}"; do
  head_jobs+=(--next "$work/head-$stack.log" "$work/head-$stack.log" "$work/head-$stack.rc" "$stack" --json "$work/head-$stack.json")
  base_jobs+=(--next "$work/base-$stack.log" "$work/base-$stack.log" "$work/base-$stack.rc" "$stack" --json "$work/base-$stack.json")
done
base_pid=""
if [[ "$base_checked_out" == true ]]; then
  each "$base_dir" "${base_jobs[@]}" &
  base_pid=$!
fi
each "$root" "${head_jobs[@]}"
if [[ -n "$base_pid" ]]; then wait "$base_pid" || true; fi

# Which stacks go on to --compare (the head was previewed), and against what; then all comparisons at once.
declare -A head_rcs=() base_notes=()
compare_jobs=()
for stack in "${STACKS[@]}"; do
  head_dump="$work/head-$stack.json"
  base_dump="$work/base-$stack.json"
  head_rc="$(rc_of "$work/head-$stack.rc")"
  if [[ "$head_rc" != 0 && "$head_rc" != 1 ]] || [[ ! -s "$head_dump" ]]; then
    # 2 = the tool refused its input, 3 = the program failed; anything else (a crash) counts as 3.
    [[ "$head_rc" == 2 ]] || head_rc=3
  fi
  head_rcs[$stack]="$head_rc"
  base_arg="none"
  base_note=""
  if [[ "$base_checked_out" == true ]]; then
    base_rc="$(rc_of "$work/base-$stack.rc")"
    if [[ "$base_rc" == 0 || "$base_rc" == 1 ]] && [[ -s "$base_dump" ]]; then
      base_arg="$base_dump"
    else
      base_note="The base (\`${base_ref}\`) could not be previewed (exit $base_rc): a new stack, or a broken base. Only this branch is judged."
    fi
  else
    base_note="The base (\`${base_ref}\`) could not be checked out; only this branch is judged."
  fi
  base_notes[$stack]="$base_note"
  if [[ "$head_rc" == 0 || "$head_rc" == 1 ]]; then
    compare_jobs+=(--next "$work/compare-$stack.md" "$work/compare-$stack.log" "$work/compare-$stack.rc"
      --compare "$base_arg" "$head_dump" --markdown)
  fi
done
if ((${#compare_jobs[@]} > 0)); then each "$root" "${compare_jobs[@]}"; fi

sections="$work/sections.md"
: >"$sections"
verdicts=()
violations=()
tool_failures=()
tool_rc=0

for stack in "${STACKS[@]}"; do
  echo >>"$sections"
  head_rc="${head_rcs[$stack]}"
  if [[ "$head_rc" != 0 && "$head_rc" != 1 ]]; then
    if ((head_rc > tool_rc)); then tool_rc="$head_rc"; fi
    tool_failures+=("$stack")
    verdicts+=("\`$stack\`: the preview tool failed")
    {
      failure_heading "$stack"
      echo "**The preview tool failed** on this branch (\`python -m preview $stack\` exited $head_rc), so there"
      echo "is no policy verdict for \`$stack\`. This is not a policy violation: fix the error below, or run the"
      echo "command locally with \`--debug\`."
      log_tail "$work/head-$stack.log"
    } >>"$sections"
    continue
  fi

  base_note="${base_notes[$stack]}"
  compare_rc="$(rc_of "$work/compare-$stack.rc")"
  # Step 1 and --compare both give the head's verdict; never let a disagreement hide a violation.
  if [[ "$compare_rc" == 0 && "$head_rc" == 1 ]]; then compare_rc=1; fi
  # --compare prints its own "### `stack`: PASS|FAIL" section; a note on the base goes below it.
  if [[ "$compare_rc" == 0 || "$compare_rc" == 1 ]]; then
    cat "$work/compare-$stack.md" >>"$sections"
    [[ -z "$base_note" ]] || printf '\n> %s\n' "$base_note" >>"$sections"
  fi
  case "$compare_rc" in
    0)
      verdicts+=("\`$stack\`: no mandatory policy violation")
      ;;
    1)
      violations+=("$stack")
      verdicts+=("\`$stack\`: **mandatory policy violation**")
      ;;
    *)
      [[ "$compare_rc" == 2 ]] || compare_rc=3
      if ((compare_rc > tool_rc)); then tool_rc="$compare_rc"; fi
      tool_failures+=("$stack")
      verdicts+=("\`$stack\`: the preview tool failed")
      {
        failure_heading "$stack"
        echo "**The preview tool failed** comparing \`$stack\` (\`python -m preview --compare\` exited $compare_rc)."
        echo "This is not a policy violation."
        log_tail "$work/compare-$stack.log"
      } >>"$sections"
      ;;
  esac
done

if ((tool_rc != 0)); then
  status=$tool_rc
  headline="⚠️ **The preview tool failed** for $(join "${tool_failures[@]}"): the policy verdict is unknown (exit $status)."
elif ((${#violations[@]} > 0)); then
  status=$EXIT_VIOLATION
  headline="❌ **Policy violation**: a mandatory rule fails in $(join "${violations[@]}") (exit 1)."
else
  status=$EXIT_OK
  headline="✅ No mandatory policy violation in $(join "${STACKS[@]}")."
fi

report="$work/report.md"
{
  echo "$MARKER"
  echo "## Offline preview: this branch vs \`$base_ref\` (${base_sha:0:12})"
  echo
  echo "$headline"
  echo
  for verdict in "${verdicts[@]}"; do echo "- $verdict"; done
  cat "$sections"
  echo
  echo "<sub>Offline: the real program under Pulumi's mocks, judged by the real policy pack. Nothing was deployed"
  echo "or previewed against AWS. Reproduce with \`scripts/pr-report.sh $base_ref\`.</sub>"
} >"$report"

if [[ -n "$output" ]]; then
  mkdir -p "$(dirname "$output")"
  cp "$report" "$output"
else
  cat "$report"
fi
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  cat "$report" >>"$GITHUB_STEP_SUMMARY"
fi

# One line for the log (stderr, so stdout stays the Markdown); on GitHub also an annotation on the check,
# printed where the runner reads workflow commands without mixing it into Markdown printed on stdout.
case "$status" in
  0) summary="pr-report: no mandatory policy violation" ;;
  1) summary="pr-report: mandatory policy violation in $(join "${violations[@]}")" ;;
  *) summary="pr-report: the preview tool failed for $(join "${tool_failures[@]}") (exit $status); not a policy verdict" ;;
esac
echo "$summary" >&2
if [[ "$status" != 0 && "${GITHUB_ACTIONS:-}" == true ]]; then
  if [[ -n "$output" ]]; then
    echo "::error title=Offline preview::${summary#pr-report: }"
  else
    echo "::error title=Offline preview::${summary#pr-report: }" >&2
  fi
fi
exit "$status"
