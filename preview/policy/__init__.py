"""The offline policy run, in parts: load (inputs), config (reconciliation like the CLI), engine (driving the
pack's analyzer servicer), report (results and their JSON). Their views are in ``preview.report.policy``.

The pack (``budgetbuddy_policies``) is an installed package: policies/pyproject.toml, installed editable by
the requirement files (``-e ./policies``).
"""
