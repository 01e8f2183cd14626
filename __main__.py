"""BudgetBuddy platform: stack config -> components -> stack outputs."""

import pulumi

from components.config.load import load_stack_config
from components.config.problems import ConfigError
from components.stack import build

try:
    config = load_stack_config()
except ConfigError as exc:
    # Fail before any resource is registered, with every bad key listed (no traceback).
    raise pulumi.RunError(str(exc)) from None

for key, value in build(config).items():
    pulumi.export(key, value)
