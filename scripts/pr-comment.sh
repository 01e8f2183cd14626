#!/usr/bin/env bash
# Post or update THE sticky pull-request comment (docs/ci.md, "Pull requests"): the one comment of
# $COMMENT_AUTHOR whose body starts with the marker line of scripts/pr-report.sh is edited in place (PATCH);
# only when there is none is a new one created (POST). So each push updates one comment instead of adding one.
#
#   GITHUB_REPOSITORY=owner/name PR_NUMBER=12 GH_TOKEN=... scripts/pr-comment.sh REPORT.md
#
# Needs `gh` and `jq` (both on GitHub's runners) and a token that may write pull requests: the workflow skips
# this for pull requests from forks, whose token is read-only. Exit 0 done, 2 bad input, 3 the API call failed.
set -euo pipefail
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  cat <<'USAGE'
usage: scripts/pr-comment.sh REPORT.md

Post or update the one sticky preview comment on a pull request: the comment of $COMMENT_AUTHOR whose body
starts with the marker line of scripts/pr-report.sh is edited in place; only when there is none is one created.
Needs gh and jq.

Exit codes:
  0  comment created or updated
  2  bad input: REPORT missing, empty or without the marker line; GITHUB_REPOSITORY or PR_NUMBER malformed
  3  a GitHub API call failed (a token without pull-requests: write?)

Environment:
  GITHUB_REPOSITORY  owner/name (required)
  PR_NUMBER          the pull request's number (required)
  GH_TOKEN           a token allowed to write pull requests (required by gh)
  COMMENT_AUTHOR     whose comment is the sticky one (default: github-actions[bot])
USAGE
  exit 0
fi

readonly MARKER='<!-- budgetbuddy-preview -->'
# GitHub refuses comment bodies over 65536 characters; keep room for the truncation note.
readonly MAX_CHARS=65000
readonly EXIT_USAGE=2 EXIT_API=3

die() {
  echo "error: $2" >&2
  exit "$1"
}

(($# == 1)) || die "$EXIT_USAGE" "usage: scripts/pr-comment.sh REPORT.md (the file scripts/pr-report.sh --output wrote)"
report="$1"
[[ -s "$report" ]] || die "$EXIT_USAGE" "REPORT '$report' is missing or empty (run scripts/pr-report.sh --output '$report' first)"
[[ "$(head -n 1 "$report")" == "$MARKER" ]] ||
  die "$EXIT_USAGE" "REPORT '$report' does not start with the marker line '$MARKER' (it finds the sticky comment)"
repo="${GITHUB_REPOSITORY:-}"
[[ "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
  die "$EXIT_USAGE" "GITHUB_REPOSITORY must be owner/name (got '$repo')"
pr="${PR_NUMBER:-}"
[[ "$pr" =~ ^[1-9][0-9]*$ ]] || die "$EXIT_USAGE" "PR_NUMBER must be a pull-request number (got '$pr')"
author="${COMMENT_AUTHOR:-github-actions[bot]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/pr-comment.XXXXXX")"
trap 'rm -rf "$work"' EXIT

jq -n --rawfile body "$report" --argjson max "$MAX_CHARS" '{
  body: (if ($body | length) > $max
         then $body[:$max] + "\n\n… truncated here: the full report is in the job summary of this check."
         else $body end)
}' >"$work/payload.json"

# --paginate prints one JSON array per page; slurp them into one list.
gh api --paginate "repos/$repo/issues/$pr/comments?per_page=100" >"$work/comments.json" ||
  die "$EXIT_API" "cannot list the comments of $repo#$pr (token without pull-requests: read?)"
comment_id="$(jq -rs --arg author "$author" --arg marker "$MARKER" '
  [.[][] | select(.user.login == $author and (.body | startswith($marker)))] | first | .id // empty
' "$work/comments.json")"

if [[ -n "$comment_id" ]]; then
  gh api --method PATCH "repos/$repo/issues/comments/$comment_id" --input "$work/payload.json" >/dev/null ||
    die "$EXIT_API" "cannot update comment $comment_id on $repo#$pr (token without pull-requests: write?)"
  echo "updated the preview comment $comment_id on $repo#$pr"
else
  gh api --method POST "repos/$repo/issues/$pr/comments" --input "$work/payload.json" >/dev/null ||
    die "$EXIT_API" "cannot comment on $repo#$pr (token without pull-requests: write?)"
  echo "created the preview comment on $repo#$pr"
fi
