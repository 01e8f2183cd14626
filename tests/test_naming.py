"""Physical names and metric namespaces (components/naming.py): production uses the runbook's names, other
stacks insert the environment so two stacks can share one account."""

from __future__ import annotations

import pytest

from components.naming import Naming

PRODUCTION = Naming("production", "budgetbuddy", "platform", production=True)
STAGING = Naming("staging", "budgetbuddy", "platform", production=False)


@pytest.mark.parametrize(
    ("naming", "expected"),
    [
        (
            PRODUCTION,
            {
                "trail": "budgetbuddy-trail",
                "trail_log_group": "/aws/cloudtrail/budgetbuddy-trail",
                "flow_log_group": "/aws/vpc/budgetbuddy-flow-logs",
                "waf_log_group": "aws-waf-logs-budgetbuddy",
                "github_connection": "budgetbuddy-github",
                "error_namespace": "BudgetBuddy",
                "cis_namespace": "CISBenchmark",
            },
        ),
        (
            STAGING,
            {
                "trail": "budgetbuddy-staging-trail",
                "trail_log_group": "/aws/cloudtrail/budgetbuddy-staging-trail",
                "flow_log_group": "/aws/vpc/budgetbuddy-staging-flow-logs",
                "waf_log_group": "aws-waf-logs-budgetbuddy-staging",
                "github_connection": "budgetbuddy-staging-github",
                "error_namespace": "BudgetBuddy/staging",
                "cis_namespace": "CISBenchmark/staging",
            },
        ),
    ],
)
def test_names_per_stack(naming, expected):
    assert {attr: getattr(naming, attr) for attr in expected} == expected


def test_key_alias_per_purpose():
    assert PRODUCTION.key_alias("logs") == "alias/budgetbuddy/logs"
    assert STAGING.key_alias("data") == "alias/budgetbuddy-staging/data"


def test_a_connection_name_over_32_characters_is_refused():
    long = Naming("a-very-long-environment-name", "budgetbuddy", "platform", production=False)
    with pytest.raises(
        ValueError, match="connection name 'budgetbuddy-a-very-long-environment-name-github' exceeds 32"
    ):
        _ = long.github_connection
