#!/usr/bin/env bash
# The runbook's "Initial Deployment" step exactly as written (runbook, "Deployment Procedures"):
#   ./infrastructure/scripts/deploy.sh production us-east-1
# The work is scripts/deploy.sh's (pulumi up with the policy pack, region checked against the stack file); this
# path only keeps the runbook's command true. A stack that does not exist yet: README "First deployment of a new
# environment".
set -euo pipefail
exec "$(dirname "$0")/../../scripts/deploy.sh" "$@"
