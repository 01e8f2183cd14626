"""team-worker: a worker service of another team, built on the BudgetBuddy platform's stack outputs."""

import pulumi
import pulumi_aws as aws
from platform_ref import Platform
from worker_service import WorkerSettings, build_worker

config = pulumi.Config()
org = config.require("platformOrg")
platform_stack = config.require("platformStack")
settings = WorkerSettings.from_config(config, platform_stack)
platform = Platform.read(org, platform_stack)


def same_region(platform_region: str) -> str:
    # The cluster, subnets and logs key are regional: the worker must deploy where the platform runs.
    mine = aws.config.region
    if mine and mine != platform_region:
        raise pulumi.RunError(
            f"aws:region={mine!r}: the platform stack {platform.stack} runs in {platform_region}; "
            f"set aws:region to {platform_region}"
        )
    return platform_region


platform_region = platform.region.apply(same_region)
worker = build_worker(settings, platform, aws.get_caller_identity_output().account_id)

pulumi.export("platformStack", platform.stack)
pulumi.export("platformContractVersion", platform.contract_version)
pulumi.export("platformRegion", platform_region)
pulumi.export("serviceName", worker.service.name)
pulumi.export("serviceArn", worker.service.id)
pulumi.export("logGroupName", worker.log_group.name)
pulumi.export("securityGroupId", worker.security_group.id)
pulumi.export("taskRoleArn", worker.task_role.arn)
