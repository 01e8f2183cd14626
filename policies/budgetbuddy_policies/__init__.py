"""BudgetBuddy's CrossGuard policy pack (importable without pulumi_aws)."""

from .errors import PackConfigError
from .exemptions import Exemption, ExemptionError, load_exemptions, parse_exemptions
from .framework import UNKNOWN_MARKER, DuplicateRuleError, Registry, RuleMeta
from .pack import PACK_NAME, build_policies, pack_arguments
from .registry import REGISTRY

__all__ = [
    "PACK_NAME",
    "REGISTRY",
    "UNKNOWN_MARKER",
    "DuplicateRuleError",
    "Exemption",
    "ExemptionError",
    "PackConfigError",
    "Registry",
    "RuleMeta",
    "build_policies",
    "load_exemptions",
    "pack_arguments",
    "parse_exemptions",
]
