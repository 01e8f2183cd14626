"""Entry point the Pulumi engine runs (`python -m pulumi.policy <engine> .` in this
directory). Constructing PolicyPack starts the analyzer gRPC server and never returns."""

from budgetbuddy_policies import pack_arguments
from pulumi_policy import PolicyPack

PolicyPack(**pack_arguments())
