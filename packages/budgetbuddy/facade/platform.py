"""The platform values a packaged service takes as plain inputs: what other teams read from the
platform's outputs contract (docs/outputs.contract.json), passed through to ``ComputeInputs``.

``annotation`` is the TypedDict annotation tools/gen_package_schema.py writes: ``pulumi.Input[...]``
where a StackReference output may be passed; a plain ``list[str]`` where the component needs the list
itself (one IAM resource entry or security-group rule per element), so its length must be known.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformInput:
    name: str
    annotation: str
    description: str

    @property
    def required(self) -> bool:
        return not self.annotation.startswith("NotRequired[")

    @property
    def plain_list(self) -> bool:
        return self.annotation == "NotRequired[list[str]]"


_IDS = "pulumi.Input[list[pulumi.Input[str]]]"

PLATFORM_INPUTS: tuple[PlatformInput, ...] = (
    PlatformInput(
        "vpcId",
        "pulumi.Input[str]",
        "The platform's VPC (outputs contract: vpcId): target and security groups go there.",
    ),
    PlatformInput(
        "publicSubnetIds", _IDS, "The platform's public subnets (publicSubnetIds): the service's internet-facing ALB."
    ),
    PlatformInput(
        "privateSubnetIds", _IDS, "The platform's private subnets (privateSubnetIds): the tasks, without public IPs."
    ),
    PlatformInput(
        "logsKeyArn",
        "pulumi.Input[str]",
        "The platform's CloudWatch Logs key (kmsKeyArns.logs): encrypts the service's log group.",
    ),
    PlatformInput(
        "storageKeyArn",
        "pulumi.Input[str]",
        "The platform's storage key (kmsKeyArns.storage): encrypts the service's ECR repository.",
    ),
    PlatformInput(
        "logBucketName",
        "pulumi.Input[str]",
        "The platform's log bucket (logBucketName): the ALB writes its access logs there (prefix alb).",
    ),
    PlatformInput(
        "alarmTopicArn",
        "pulumi.Input[str]",
        "The platform's paging topic (alarmTopicArn): Critical alarms notify it on ALARM and OK (docs/alerts.md).",
    ),
    PlatformInput(
        "alertTopicArn",
        "pulumi.Input[str]",
        "The platform's alert topic (alertTopicArn): High and Medium alarms, such as the deployment alarms, notify "
        "it (docs/alerts.md).",
    ),
    PlatformInput(
        "noticeTopicArn",
        "NotRequired[pulumi.Input[str]]",
        "The platform's notice topic (noticeTopicArn): Low alarms notify it; unset, they go to alertTopicArn.",
    ),
    PlatformInput(
        "webAclArn",
        "pulumi.Input[str]",
        "The platform's WAF web ACL (webAclArn): associated with the service's ALB, as with the backend's.",
    ),
    PlatformInput(
        "dataKeyArn",
        "NotRequired[pulumi.Input[str]]",
        "The platform's DynamoDB key (kmsKeyArns.data); required with tableArns: the task role may use it "
        "through DynamoDB only.",
    ),
    PlatformInput(
        "tableArns",
        "NotRequired[list[str]]",
        "DynamoDB table ARNs the tasks may read and write (such as entries of tableArns), as plain strings: the "
        "task role's policy names each. Without tables the task role has no permissions.",
    ),
    PlatformInput(
        "indexArns",
        "NotRequired[list[str]]",
        "Index ARNs (<table-arn>/index/<name>) of those tables the tasks may query, as plain strings.",
    ),
    PlatformInput(
        "testListenerCidrs",
        "NotRequired[list[str]]",
        "Who may reach the blue/green test listener: the /32 of each of the platform's NAT gateways (natPublicIps), "
        "as plain strings. Without them the test listener admits no one.",
    ),
)
PLATFORM_NAMES = tuple(p.name for p in PLATFORM_INPUTS)
