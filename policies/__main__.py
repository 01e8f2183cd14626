"""Entry point the Pulumi engine runs (`python -m pulumi.policy <engine> .` in this
directory). Constructing PolicyPack starts the analyzer gRPC server and never returns.

A bad exemptions file or BUDGETBUDDY_POLICY_UNKNOWN value stops the pack here with one
message on stderr (which the CLI shows) instead of a traceback from inside a rule.
"""

import sys

from budgetbuddy_policies import PackConfigError, pack_arguments
from pulumi_policy import PolicyPack

try:
    arguments = pack_arguments()
except PackConfigError as err:
    # SystemExit passes through pulumi.policy's runner, which would log other exceptions with a traceback.
    sys.exit(f"policy pack budgetbuddy-aws cannot start: {err}")

PolicyPack(**arguments)
