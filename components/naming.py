"""Physical names, metric namespaces and tags.

Production uses the runbook's names exactly so its commands work as written; other stacks insert
the environment so both stacks can share one AWS account.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.identity import IdentitySettings

TAG_KEYS: tuple[str, ...] = ("Environment", "Service", "Team")
WAF_LOG_PREFIX = "aws-waf-logs-"  # WAF delivers only to destinations whose name starts with this
MAX_CONNECTION_NAME = 32  # CodeConnections CreateConnection: 1-32 characters


@dataclass(frozen=True)
class Naming:
    environment: str
    service: str
    team: str
    production: bool

    @classmethod
    def from_config(cls, cfg: IdentitySettings) -> Naming:
        return cls(cfg.environment, cfg.service, cfg.team, cfg.is_production)

    @property
    def prefix(self) -> str:
        """`budgetbuddy` in production, `budgetbuddy-staging` elsewhere."""
        return self.service if self.production else f"{self.service}-{self.environment}"

    @property
    def cluster(self) -> str:
        return f"{self.prefix}-cluster"

    @property
    def ecs_service(self) -> str:
        return f"{self.prefix}-backend"

    @property
    def alarm_topic(self) -> str:
        """The runbook's paging topic (Critical alarms; PagerDuty subscribes here only)."""
        return f"{self.prefix}-alarms"

    @property
    def alert_topic(self) -> str:
        """High and Medium alarms, pipeline failures and manual approvals: e-mail, never paged."""
        return f"{self.prefix}-alerts"

    @property
    def notice_topic(self) -> str:
        """Low alarms and successful deployments: e-mail, never paged."""
        return f"{self.prefix}-notices"

    @property
    def container(self) -> str:
        """The application container's name (task definition, imagedefinitions.json)."""
        return "backend"

    @property
    def app_log_group(self) -> str:
        return f"/aws/ecs/{self.cluster}"

    @property
    def trail(self) -> str:
        return self.resource("trail")

    @property
    def trail_log_group(self) -> str:
        return f"/aws/cloudtrail/{self.trail}"

    @property
    def flow_log_group(self) -> str:
        return f"/aws/vpc/{self.prefix}-flow-logs"

    @property
    def waf_log_group(self) -> str:
        """WAF delivers only to log groups whose name starts with ``aws-waf-logs-``."""
        return f"{WAF_LOG_PREFIX}{self.prefix}"

    def key_alias(self, purpose: str) -> str:
        """``alias/budgetbuddy/logs``: the alias of the customer-managed key for ``purpose``."""
        return f"alias/{self.prefix}/{purpose}"

    @property
    def github_connection(self) -> str:
        """The CodeConnections connection to GitHub (1-32 characters: CreateConnection)."""
        name = self.resource("github")
        if len(name) > MAX_CONNECTION_NAME:
            raise ValueError(f"connection name {name!r} exceeds {MAX_CONNECTION_NAME} characters")
        return name

    def table(self, base: str) -> str:
        """`BudgetBuddy-Users` in production, `BudgetBuddy-staging-Users` elsewhere."""
        return f"BudgetBuddy-{base}" if self.production else f"BudgetBuddy-{self.environment}-{base}"

    def resource(self, suffix: str) -> str:
        """A physical name for things the runbook does not name (dashboards, budgets, ...)."""
        return f"{self.prefix}-{suffix}"

    @property
    def error_namespace(self) -> str:
        """Metric namespace of the application's ERROR log lines: ``BudgetBuddy`` in production (the
        runbook's query); per environment elsewhere."""
        return "BudgetBuddy" if self.production else f"BudgetBuddy/{self.environment}"

    @property
    def cis_namespace(self) -> str:
        """``CISBenchmark`` in production; per environment elsewhere so two stacks in one account never mix."""
        return "CISBenchmark" if self.production else f"CISBenchmark/{self.environment}"

    @property
    def tags(self) -> dict[str, str]:
        """Cost allocation tags (runbook: Environment, Service, Team) on every taggable resource."""
        return {"Environment": self.environment, "Service": self.service, "Team": self.team}

    def tags_with(self, **extra: str) -> dict[str, str]:
        return {**self.tags, **extra}
