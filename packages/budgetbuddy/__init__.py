"""The BudgetBuddy component package (docs/package.md): the platform's components for other languages."""
