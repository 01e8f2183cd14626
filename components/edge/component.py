"""Edge: the AWS WAF (v2, REGIONAL) web ACL on the internet-facing ALB, and its request log.

Consumes the ALB's ARN and the logs CMK through ``EdgeInputs`` (plain strings or Outputs), so it can be
built and tested alone. Why a component of its own: docs/decisions.md "Edge protection".
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.edge.contract import EdgeInputs, EdgeOutputs
from components.edge.rules import RuleDef, rule_defs, web_acl_rules
from components.edge.settings import EdgeSettings
from components.iam import policy_document
from components.outputs import exported

# Headers that carry credentials or sessions: never written to the request log (PCI-DSS 3.3/8.3.1).
REDACTED_HEADERS: tuple[str, ...] = ("authorization", "cookie")


class Edge(Component):
    """``web_acl``, ``association`` (ALB), ``log_group``, ``log_policy`` (log-delivery resource policy),
    ``logging`` (WebAclLoggingConfiguration), ``rules`` (RuleDef by priority), ``metric_name``."""

    def __init__(
        self,
        name: str,
        settings: EdgeSettings,
        inputs: EdgeInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:edge:Edge", name, ctx, opts)
        self.settings = settings
        self.rules: list[RuleDef] = rule_defs(settings)
        self.metric_name = self.naming.resource("waf")

        # Not stateful: a web ACL is configuration, recreated from code in seconds, so it is not
        # protected (its log group, the evidence, is). Autonamed: nothing outside the stack names it.
        self.web_acl = aws.wafv2.WebAcl(
            self.child_name("web-acl"),
            # WAF's EntityDescription allows only [\w+=:#@/\-,.] and spaces: no parentheses.
            description=f"BudgetBuddy API {ctx.naming.environment} - managed rules, per-IP rate limits, body size",
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=web_acl_rules(settings),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=self.metric_name, sampled_requests_enabled=True
            ),
            tags=self.tags_with(Name=self.metric_name),
            opts=self.opts(),
        )
        self.association = aws.wafv2.WebAclAssociation(
            self.child_name("alb"),
            resource_arn=inputs.alb_arn,
            web_acl_arn=self.web_acl.arn,
            opts=self.opts(),
        )

        log_name = self.naming.waf_log_group
        self.log_group = aws.cloudwatch.LogGroup(
            self.child_name("logs"),
            name=log_name,
            # The logs CMK's key policy admits logs.<region>.amazonaws.com for every log group of the
            # account and region (components/kms.py); CloudWatch Logs encrypts what WAF delivers.
            kms_key_id=inputs.logs_key_arn,
            retention_in_days=settings.audit_log_retention_days,
            # Audit evidence (PCI-DSS 10.2.1): the policy pack applies the audit retention floor to it.
            tags=self.tags_with(LogClass="audit"),
            opts=self.stateful_opts(delete_before_replace=True),
        )
        # WAF delivers through the CloudWatch Logs vended-log service, which needs a resource policy on
        # the group (CloudWatch Logs guide, "Logs sent to CloudWatch Logs"). Created here, scoped to this
        # one group, instead of letting the first PutLoggingConfiguration write an account-wide one.
        self.log_policy = aws.cloudwatch.LogResourcePolicy(
            self.child_name("log-delivery"),
            resource_arn=self.log_group.arn,
            policy_document=policy_document(
                {
                    "Sid": "WafLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": ctx.arn("logs", f"log-group:{log_name}:log-stream:*"),
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": ctx.account_id},
                        "ArnLike": {"aws:SourceArn": ctx.arn("logs", "*")},
                    },
                }
            ),
            opts=self.opts(),
        )
        self.logging = aws.wafv2.WebAclLoggingConfiguration(
            self.child_name("logging"),
            resource_arn=self.web_acl.arn,
            log_destination_configs=[self.log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in REDACTED_HEADERS
            ],
            opts=self.opts(depends_on=[self.log_policy]),
        )
        self.outputs = EdgeOutputs(
            web_acl_arn=self.web_acl.arn, web_acl_name=self.web_acl.name, waf_rule_names=self.rule_metric_names
        )
        self.register_outputs(self.stack_outputs())

    @property
    def rule_metric_names(self) -> tuple[str, ...]:
        """The ``Rule`` dimension value of each rule's AWS/WAFV2 metrics, by priority."""
        return tuple(r.name for r in self.rules)

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Edge")."""
        return exported(self.outputs)
