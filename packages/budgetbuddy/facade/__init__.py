"""The facade of the BudgetBuddy package: args and outputs generated from the platform's models
(generated.py), input conversion and validation (settings.py, platform.py), the provider (provider.py)."""
