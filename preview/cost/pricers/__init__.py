"""One pricer per resource family, and the table that says which runs for what.

``PER_RESOURCE``: engine type -> ``fn(ctx, resource)``, called for each recorded resource of that type (in
recording order). ``WHOLE_STACK``: ``fn(ctx)`` that price a family as a whole (counts, free tiers shared by
several resources), called afterwards in this order: GuardDuty needs the Fargate vCPUs the services set.
"""

from __future__ import annotations

from collections.abc import Callable

from preview.cost.context import Context, Resource
from preview.cost.pricers import cicd, compute, data, edge, monitoring, network, security, storage

PER_RESOURCE: dict[str, Callable[[Context, Resource], None]] = {
    "aws:ecs/service:Service": compute.ecs_service,
    "aws:lb/loadBalancer:LoadBalancer": network.load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": network.load_balancer,
    "aws:ec2/vpcEndpoint:VpcEndpoint": network.vpc_endpoint,
    "aws:route53/zone:Zone": network.route53_zone,
    "aws:wafv2/webAcl:WebAcl": edge.web_acl,
    "aws:dynamodb/table:Table": data.dynamodb,
    "aws:backup/plan:Plan": data.backup_plan,
    "aws:ecr/repository:Repository": data.ecr,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": data.firehose,
    "aws:s3/bucket:Bucket": storage.bucket,
    "aws:s3/bucketV2:BucketV2": storage.bucket,
    "aws:codepipeline/pipeline:Pipeline": cicd.pipeline,
    "aws:codebuild/project:Project": cicd.codebuild,
}

WHOLE_STACK: tuple[Callable[[Context], None], ...] = (
    network.nat_and_vpc,
    network.internet_egress,
    security.kms,
    security.secrets,
    security.cloudtrail,
    monitoring.alarms,
    monitoring.dashboards_and_metrics,
    monitoring.logs,
)

# Priced only when the stack deploys them, after the services (GuardDuty runtime monitoring counts vCPUs).
DEPLOYED_SERVICES: dict[str, Callable[[Context, Resource], None]] = {
    "aws:guardduty/detector:Detector": security.guardduty,
    "aws:securityhub/account:Account": security.security_hub,
}
