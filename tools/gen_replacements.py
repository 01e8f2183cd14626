"""Generate preview/replacements.json: which inputs of each resource type force a replacement (docs/preview.md,
"What happens on merge").

Source: the CloudFormation registry schemas shipped in the `cfn-lint` package (cfnlint/data/schemas: the
us-east-1 provider index names each AWS type's schema, whose ``createOnlyProperties`` are the properties AWS
cannot change in place). pulumi-aws's own schema marks the same thing (``willReplaceOnChanges``, from the
Terraform provider's ForceNew) but is not shipped in its Python SDK, and its repository is too large to fetch.

Each pulumi-aws type the stacks create is mapped to its CloudFormation type; a CloudFormation property maps to
the pulumi-aws input of the same camelCase name unless RENAMED says otherwise, or is DROPPED with the reason the
pulumi-aws resource does not replace on it. Where pulumi-aws (Terraform) replaces on more than CloudFormation
lists, SUPPLEMENT adds the key with its reason; types with no CloudFormation counterpart (S3 sub-resources,
attachments) are MANUAL; types whose every input is updated in place are IN_PLACE_ONLY. awsx's VPC is a
component: AWSX_VPC says what it rebuilds (pulumi/pulumi-awsx awsx/ec2/vpc.ts). Every hand-written entry carries
its reason, which `--compare` prints as the explanation.

    venv/bin/python tools/gen_replacements.py          # write preview/replacements.json
    venv/bin/python tools/gen_replacements.py --check  # exit 1 when the file is stale

Exit 2 when the source lacks a type or property the tables name (an upgraded cfn-lint renamed something): the
message names it, so the mapping is fixed instead of a replacement silently never matching.

Exit codes: 0 written (or fresh with --check), 1 stale (--check), 2 the source lacks a named type or property, or a
bad option. Environment: none read.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "preview" / "replacements.json"
SOURCE_PACKAGE = "cfn-lint"

# pulumi token -> CloudFormation type.
CFN_TYPES: dict[str, str] = {
    "aws:acm/certificate:Certificate": "AWS::CertificateManager::Certificate",
    "aws:appautoscaling/policy:Policy": "AWS::ApplicationAutoScaling::ScalingPolicy",
    "aws:appautoscaling/target:Target": "AWS::ApplicationAutoScaling::ScalableTarget",
    "aws:backup/plan:Plan": "AWS::Backup::BackupPlan",
    "aws:backup/selection:Selection": "AWS::Backup::BackupSelection",
    "aws:backup/vault:Vault": "AWS::Backup::BackupVault",
    "aws:budgets/budget:Budget": "AWS::Budgets::Budget",
    "aws:cloudtrail/trail:Trail": "AWS::CloudTrail::Trail",
    "aws:cloudwatch/dashboard:Dashboard": "AWS::CloudWatch::Dashboard",
    "aws:cloudwatch/eventRule:EventRule": "AWS::Events::Rule",
    "aws:cloudwatch/logGroup:LogGroup": "AWS::Logs::LogGroup",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "AWS::Logs::MetricFilter",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "AWS::Logs::ResourcePolicy",
    "aws:cloudwatch/logStream:LogStream": "AWS::Logs::LogStream",
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": "AWS::Logs::SubscriptionFilter",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "AWS::CloudWatch::Alarm",
    "aws:codebuild/project:Project": "AWS::CodeBuild::Project",
    "aws:codepipeline/pipeline:Pipeline": "AWS::CodePipeline::Pipeline",
    "aws:codestarconnections/connection:Connection": "AWS::CodeStarConnections::Connection",
    "aws:codestarnotifications/notificationRule:NotificationRule": "AWS::CodeStarNotifications::NotificationRule",
    "aws:dynamodb/table:Table": "AWS::DynamoDB::Table",
    "aws:ec2/eip:Eip": "AWS::EC2::EIP",
    "aws:ec2/flowLog:FlowLog": "AWS::EC2::FlowLog",
    "aws:ec2/securityGroup:SecurityGroup": "AWS::EC2::SecurityGroup",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "AWS::EC2::VPCEndpoint",
    "aws:ecr/repository:Repository": "AWS::ECR::Repository",
    "aws:ecs/cluster:Cluster": "AWS::ECS::Cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "AWS::ECS::ClusterCapacityProviderAssociations",
    "aws:ecs/service:Service": "AWS::ECS::Service",
    "aws:ecs/taskDefinition:TaskDefinition": "AWS::ECS::TaskDefinition",
    "aws:guardduty/detector:Detector": "AWS::GuardDuty::Detector",
    "aws:iam/role:Role": "AWS::IAM::Role",
    "aws:iam/rolePolicy:RolePolicy": "AWS::IAM::RolePolicy",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "AWS::KinesisFirehose::DeliveryStream",
    "aws:kms/alias:Alias": "AWS::KMS::Alias",
    "aws:kms/key:Key": "AWS::KMS::Key",
    "aws:lb/listener:Listener": "AWS::ElasticLoadBalancingV2::Listener",
    "aws:lb/listenerRule:ListenerRule": "AWS::ElasticLoadBalancingV2::ListenerRule",
    "aws:lb/loadBalancer:LoadBalancer": "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "aws:lb/targetGroup:TargetGroup": "AWS::ElasticLoadBalancingV2::TargetGroup",
    "aws:route53/record:Record": "AWS::Route53::RecordSet",
    "aws:s3/bucket:Bucket": "AWS::S3::Bucket",
    "aws:s3/bucketPolicy:BucketPolicy": "AWS::S3::BucketPolicy",
    "aws:securityhub/account:Account": "AWS::SecurityHub::Hub",
    "aws:securityhub/standardsSubscription:StandardsSubscription": "AWS::SecurityHub::Standard",
    "aws:sns/topic:Topic": "AWS::SNS::Topic",
    "aws:sns/topicPolicy:TopicPolicy": "AWS::SNS::TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription": "AWS::SNS::Subscription",
    "aws:wafv2/webAcl:WebAcl": "AWS::WAFv2::WebACL",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "AWS::WAFv2::WebACLAssociation",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "AWS::WAFv2::LoggingConfiguration",
}

# (pulumi token, CloudFormation property path) -> pulumi input(s), where the camelCase name differs.
RENAMED: dict[tuple[str, str], tuple[str, ...]] = {
    ("aws:acm/certificate:Certificate", "DomainValidationOptions"): ("validationOptions",),
    ("aws:appautoscaling/policy:Policy", "PolicyName"): ("name",),
    ("aws:backup/selection:Selection", "BackupSelection"): (
        "name", "iamRoleArn", "resources", "notResources", "conditions", "selectionTags"),
    ("aws:backup/selection:Selection", "BackupPlanId"): ("planId",),
    ("aws:backup/vault:Vault", "BackupVaultName"): ("name",),
    ("aws:backup/vault:Vault", "EncryptionKeyArn"): ("kmsKeyArn",),
    ("aws:budgets/budget:Budget", "Budget/BudgetName"): ("name",),
    ("aws:cloudtrail/trail:Trail", "TrailName"): ("name",),
    ("aws:cloudwatch/eventRule:EventRule", "Name"): ("name",),
    ("aws:cloudwatch/logGroup:LogGroup", "LogGroupName"): ("name",),
    ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "FilterName"): ("name",),
    ("aws:cloudwatch/logStream:LogStream", "LogStreamName"): ("name",),
    ("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "FilterName"): ("name",),
    ("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "LogGroupName"): ("logGroup",),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "AlarmName"): ("name",),
    ("aws:codestarconnections/connection:Connection", "ConnectionName"): ("name",),
    ("aws:dynamodb/table:Table", "TableName"): ("name",),
    ("aws:dynamodb/table:Table", "ImportSourceSpecification"): ("importTable",),
    ("aws:ec2/flowLog:FlowLog", "DeliverLogsPermissionArn"): ("iamRoleArn",),
    ("aws:ec2/flowLog:FlowLog", "ResourceId"): ("vpcId", "subnetId", "eniId", "transitGatewayId",
                                                 "transitGatewayAttachmentId"),
    ("aws:ec2/securityGroup:SecurityGroup", "GroupDescription"): ("description",),
    ("aws:ec2/securityGroup:SecurityGroup", "GroupName"): ("name",),
    ("aws:ecr/repository:Repository", "RepositoryName"): ("name",),
    ("aws:ecr/repository:Repository", "EncryptionConfiguration"): ("encryptionConfigurations",),
    ("aws:ecr/repository:Repository", "EncryptionConfiguration/EncryptionType"): ("encryptionConfigurations",),
    ("aws:ecr/repository:Repository", "EncryptionConfiguration/KmsKey"): ("encryptionConfigurations",),
    ("aws:ecs/cluster:Cluster", "ClusterName"): ("name",),
    ("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "Cluster"): ("clusterName",),
    ("aws:ecs/service:Service", "Role"): ("iamRole",),
    ("aws:ecs/service:Service", "ServiceName"): ("name",),
    ("aws:iam/role:Role", "RoleName"): ("name",),
    ("aws:iam/rolePolicy:RolePolicy", "PolicyName"): ("name",),
    ("aws:iam/rolePolicy:RolePolicy", "RoleName"): ("role",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "DeliveryStreamName"): ("name",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "KinesisStreamSourceConfiguration"): (
        "kinesisSourceConfiguration",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "MSKSourceConfiguration"): (
        "mskSourceConfiguration",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
     "ElasticsearchDestinationConfiguration/VpcConfiguration"): ("elasticsearchConfiguration",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
     "AmazonopensearchserviceDestinationConfiguration/VpcConfiguration"): ("opensearchConfiguration",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
     "AmazonOpenSearchServerlessDestinationConfiguration/VpcConfiguration"): ("opensearchserverlessConfiguration",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
     "IcebergDestinationConfiguration/CatalogConfiguration"): ("icebergConfiguration",),
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
     "SnowflakeDestinationConfiguration/SnowflakeVpcConfiguration"): ("snowflakeConfiguration",),
    ("aws:kms/alias:Alias", "AliasName"): ("name",),
    ("aws:lb/loadBalancer:LoadBalancer", "Type"): ("loadBalancerType",),
    ("aws:lb/loadBalancer:LoadBalancer", "Scheme"): ("internal",),
    ("aws:route53/record:Record", "HostedZoneId"): ("zoneId",),
    ("aws:s3/bucket:Bucket", "BucketName"): ("bucket",),
    ("aws:s3/bucket:Bucket", "BucketNamePrefix"): ("bucketPrefix",),
    ("aws:securityhub/standardsSubscription:StandardsSubscription", "StandardsArn"): ("standardsArn",),
    ("aws:sns/topic:Topic", "TopicName"): ("name",),
    ("aws:sns/topicSubscription:TopicSubscription", "TopicArn"): ("topic",),
    ("aws:wafv2/webAclAssociation:WebAclAssociation", "WebACLArn"): ("webAclArn",),
}  # fmt: skip

# (pulumi token, CloudFormation property path) -> why the pulumi-aws resource does not replace on it.
DROPPED: dict[tuple[str, str], str] = {
    ("aws:appautoscaling/policy:Policy", "ScalingTargetId"): "pulumi-aws names the target by resourceId, "
    "scalableDimension and serviceNamespace (mapped)",
    ("aws:budgets/budget:Budget", "NotificationsWithSubscribers"): "pulumi-aws updates notifications in place "
    "(UpdateNotification); CloudFormation's handler replaces instead",
    ("aws:ec2/eip:Eip", "TransferAddress"): "no pulumi-aws input (CloudFormation-only address transfer)",
    ("aws:ec2/flowLog:FlowLog", "ResourceType"): "implied by which resource id is set (mapped)",
    ("aws:acm/certificate:Certificate", "CertificateExport"): "no pulumi-aws input in 7.51.1 (options is updatable)",
    ("aws:ec2/flowLog:FlowLog", "LogGroupName"): "deprecated; pulumi-aws takes logDestination (mapped)",
    ("aws:ecs/taskDefinition:TaskDefinition", "InferenceAccelerators"): "no pulumi-aws input (Elastic Inference "
    "is retired)",
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "ServiceNetworkArn"): "no pulumi-aws input in 7.51.1",
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "DnsOptions/PrivateDnsPreference"): "pulumi-aws modifies dnsOptions in "
    "place (ModifyVpcEndpoint)",
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "DnsOptions/PrivateDnsSpecifiedDomains"): "pulumi-aws modifies dnsOptions "
    "in place (ModifyVpcEndpoint)",
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "DeliveryStreamType"): "pulumi-aws derives it "
    "from the source configuration (mapped)",
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "DatabaseSourceConfiguration"): "no pulumi-aws "
    "input in 7.51.1",
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "DirectPutSourceConfiguration"): "no pulumi-aws "
    "input (direct put is the default)",
    ("aws:route53/record:Record", "HostedZoneName"): "pulumi-aws takes the zone by id (zoneId, mapped)",
    ("aws:s3/bucket:Bucket", "BucketNamespace"): "no pulumi-aws input in 7.51.1",
    ("aws:securityhub/standardsSubscription:StandardsSubscription", "DisabledStandardsControls"): "not create-only",
}  # fmt: skip

# Inputs pulumi-aws replaces on beyond CloudFormation's createOnlyProperties: the Terraform provider's ForceNew
# arguments (its registry docs, "Forces new resource"), kept from the hand-written table with their reasons.
SUPPLEMENT: dict[str, dict[str, str]] = {
    "aws:dynamodb/table:Table": {
        "name": "a table is renamed by creating a new, empty one",
        "hashKey": "the key schema is fixed at CreateTable",
        "rangeKey": "the key schema is fixed at CreateTable",
        "localSecondaryIndexes": "local secondary indexes exist only from CreateTable",
    },
    "aws:s3/bucket:Bucket": {
        "bucket": "bucket names are immutable: a new, empty bucket",
        "bucketPrefix": "bucket names are immutable: a new, empty bucket",
        "objectLockEnabled": "object lock is chosen at CreateBucket",
    },
    "aws:kms/key:Key": {
        "customerMasterKeySpec": "a key's spec is fixed: a new key, old ciphertext needs the old one",
        "keyUsage": "a key's usage is fixed: a new key, old ciphertext needs the old one",
        "multiRegion": "multi-Region is chosen at CreateKey: a new key",
        "customKeyStoreId": "a key's key store is fixed: a new key",
        "xksKeyId": "a key's external key is fixed: a new key",
    },
    "aws:kms/alias:Alias": {
        "name": "an alias is renamed by creating a new one",
        "namePrefix": "an alias is renamed by creating a new one",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        "name": "a log group is renamed by creating a new one; old events stay behind",
        "namePrefix": "a log group is renamed by creating a new one; old events stay behind",
    },
    "aws:lb/loadBalancer:LoadBalancer": {
        "name": "a new load balancer, with a new DNS name",
        "namePrefix": "a new load balancer, with a new DNS name",
        "internal": "the scheme is fixed: a new load balancer, with a new DNS name",
        "loadBalancerType": "the type is fixed: a new load balancer, with a new DNS name",
    },
    "aws:lb/targetGroup:TargetGroup": {
        "name": "a new target group",
        "namePrefix": "a new target group",
        "port": "a target group's port is fixed",
        "protocol": "a target group's protocol is fixed",
        "targetType": "a target group's target type is fixed",
        "vpcId": "a target group's VPC is fixed",
    },
    "aws:ecs/cluster:Cluster": {"name": "a cluster is renamed by creating a new one"},
    "aws:sns/topic:Topic": {
        "name": "a topic is renamed by creating a new one; subscriptions stay behind",
        "namePrefix": "a topic is renamed by creating a new one; subscriptions stay behind",
        "fifoTopic": "FIFO is chosen at CreateTopic",
    },
    "aws:ecr/repository:Repository": {"name": "a repository is renamed by creating a new, empty one"},
    "aws:backup/vault:Vault": {"name": "a vault is renamed by creating a new, empty one"},
    "aws:ecs/taskDefinition:TaskDefinition": {
        "containerDefinitions": "task definitions are immutable: a new revision is registered",
        "cpu": "task definitions are immutable: a new revision is registered",
        "memory": "task definitions are immutable: a new revision is registered",
    },
    "aws:ec2/securityGroup:SecurityGroup": {"namePrefix": "a security group is renamed by creating a new one"},
    "aws:iam/role:Role": {"namePrefix": "a role is renamed by creating a new one"},
    "aws:cloudwatch/eventRule:EventRule": {"namePrefix": "a rule is renamed by creating a new one"},
    "pulumi:providers:aws": {"region": "every resource this provider manages is replaced in the new region"},
}

# pulumi-aws types with no CloudFormation type of their own (a CloudFormation property of another type, or an
# attachment): the Terraform provider's ForceNew arguments, by hand.
MANUAL: dict[str, dict[str, str]] = {
    "aws:acm/certificateValidation:CertificateValidation": {
        "certificateArn": "a validation waits for one certificate",
        "validationRecordFqdns": "a validation waits for these records",
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        "rule": "a target belongs to one rule", "targetId": "a target's id is fixed",
        "eventBusName": "a target belongs to one bus",
    },
    "aws:costexplorer/costAllocationTag:CostAllocationTag": {"tagKey": "the resource is the tag key"},
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {"vpcId": "each VPC has its own default group"},
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": {"repository": "a policy belongs to one repository"},
    "aws:guardduty/detectorFeature:DetectorFeature": {
        "detectorId": "a feature belongs to one detector", "name": "the feature is the resource",
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        "role": "an attachment is one role", "policyArn": "an attachment is one policy",
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        "bucket": "a configuration belongs to one bucket", "expectedBucketOwner": "part of the bucket's identity",
    },
    "aws:s3/bucketLogging:BucketLogging": {
        "bucket": "a configuration belongs to one bucket", "expectedBucketOwner": "part of the bucket's identity",
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {"bucket": "a configuration belongs to one bucket"},
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {"bucket": "a configuration belongs to one bucket"},
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "bucket": "a configuration belongs to one bucket", "expectedBucketOwner": "part of the bucket's identity",
    },
    "aws:s3/bucketVersioning:BucketVersioning": {
        "bucket": "a configuration belongs to one bucket", "expectedBucketOwner": "part of the bucket's identity",
    },
    "aws:sns/topicPolicy:TopicPolicy": {"arn": "a policy belongs to one topic"},
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        "securityGroupId": "a rule belongs to one group; pulumi-aws modifies the rule's other fields in place "
        "(ModifySecurityGroupRules), unlike CloudFormation's AWS::EC2::SecurityGroupEgress",
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        "securityGroupId": "a rule belongs to one group; pulumi-aws modifies the rule's other fields in place "
        "(ModifySecurityGroupRules), unlike CloudFormation's AWS::EC2::SecurityGroupIngress",
    },
}  # fmt: skip

# What awsx's VPC component rebuilds (pulumi/pulumi-awsx awsx/ec2/vpc.ts: the aws.ec2.Vpc takes cidrBlock;
# every subnet's cidrBlock and availabilityZone come from cidrBlock, the AZs and the subnet specs/strategy; the
# NAT gateways sit in the public subnets with the given allocation ids). Those are createOnly properties of
# AWS::EC2::VPC (CidrBlock), AWS::EC2::Subnet (CidrBlock, AvailabilityZone, VpcId) and AWS::EC2::NatGateway
# (SubnetId, AllocationId) in the same source. The ALB, target groups, security groups and tasks sit in that
# VPC and cannot follow it in place: a manual step.
AWSX_VPC: dict[str, dict[str, str]] = {
    "cidrBlock": {"outcome": "manual", "why": "a new CIDR is a new VPC (AWS::EC2::VPC CidrBlock is create-only) "
                  "with new subnets, route tables and NAT gateways; the ALB, target groups, security groups and "
                  "tasks cannot move to it in place: build the new network as a new environment "
                  "(README \"First deployment of a new environment\") and move traffic"},
    "numberOfAvailabilityZones": {"outcome": "manual", "why": "awsx recomputes every subnet's CIDR and AZ "
                                  "(AWS::EC2::Subnet CidrBlock/AvailabilityZone are create-only): the subnets, "
                                  "their route tables and NAT gateways are rebuilt under the ALB and the tasks"},
    "availabilityZoneNames": {"outcome": "manual", "why": "awsx recomputes every subnet's CIDR and AZ: the subnets, "
                              "their route tables and NAT gateways are rebuilt under the ALB and the tasks"},
    "subnetSpecs": {"outcome": "manual", "why": "a new subnet layout: awsx recomputes every subnet's CIDR, so the "
                    "subnets, route tables and NAT gateways are rebuilt under the ALB and the tasks"},
    "subnetStrategy": {"outcome": "manual", "why": "another allocation strategy lays the subnets out anew: "
                       "subnets, route tables and NAT gateways are rebuilt"},
    "availabilityZoneCidrMask": {"outcome": "manual", "why": "new subnet sizes: every subnet is rebuilt"},
    "natGateways": {"outcome": "replace", "why": "NAT gateways are added, removed or replaced (AWS::EC2::NatGateway "
                    "AllocationId/SubnetId are create-only) and the private routes follow; egress addresses change"},
}  # fmt: skip

# Types the stacks create whose every input is updated in place (their CloudFormation type lists no
# createOnlyProperties, or they are this project's components, which own no cloud resource themselves).
IN_PLACE_ONLY: dict[str, str] = {
    "budgetbuddy:*": "a component resource: its children are judged, it has no cloud resource of its own",
}

# Stateful: holds data, or a name other teams or DNS depend on, so a replacement or removal is not churn.
STATEFUL = {
    "aws:dynamodb/table:Table", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup",
    "aws:ecr/repository:Repository", "aws:backup/vault:Vault",
}  # fmt: skip


class SourceError(Exception):
    """The source package lacks what the mapping names (exit 2)."""


def pulumi_inputs(token: str) -> set[str]:
    """Engine (camelCase) input names of a pulumi-aws resource, from its SDK's Args class."""
    _, module, name = token.split(":")
    if token == "pulumi:providers:aws":
        mod, cls = importlib.import_module("pulumi_aws"), "ProviderArgs"
    else:
        mod, cls = importlib.import_module(f"pulumi_aws.{module.split('/')[0]}"), f"{name}Args"
    # `XInitArgs` where the SDK gave `XArgs` to a nested type of the same name (BucketVersioning, BucketLogging).
    args = getattr(mod, f"{name}InitArgs", None) or getattr(mod, cls)
    return {getattr(p.fget, "_pulumi_name", None) or "" for p in vars(args).values() if isinstance(p, property)}


def _camel(prop: str) -> str:
    return prop[:1].lower() + prop[1:]


def cfn_schemas() -> tuple[dict[str, Any], Path]:
    import cfnlint  # the pinned dev requirement; never imported by the program

    base = Path(cfnlint.__file__).parent / "data" / "schemas"
    return json.loads((base / "providers" / "us-east-1.json").read_text()), base


def generate() -> dict[str, Any]:
    index, base = cfn_schemas()
    types: dict[str, Any] = {}
    for token, cfn_type in sorted(CFN_TYPES.items()):
        if cfn_type not in index:
            raise SourceError(f"{SOURCE_PACKAGE}: no schema for {cfn_type} (mapped from {token}) in us-east-1")
        schema = json.loads((base / "resources" / f"{index[cfn_type]}.json").read_text())
        inputs = pulumi_inputs(token)
        keys: dict[str, dict[str, str]] = {}
        for path in schema.get("createOnlyProperties", []):
            prop = path.removeprefix("/properties/")
            if (token, prop) in DROPPED:
                continue
            targets = RENAMED.get((token, prop)) or ((_camel(prop),) if "/" not in prop else ())
            missing = [t for t in targets if t not in inputs]
            if not targets or missing:
                raise SourceError(
                    f"{cfn_type} createOnly property {prop!r} has no pulumi-aws input on {token} "
                    f"({missing or 'nested'}): add it to RENAMED or DROPPED in tools/gen_replacements.py"
                )
            for t in targets:
                keys.setdefault(t, {"source": f"{cfn_type} {prop}", "why": f"{cfn_type} {prop} is create-only"})
        for key, why in SUPPLEMENT.get(token, {}).items():
            entry = keys.setdefault(key, {"source": "pulumi-aws (Terraform ForceNew)"})
            entry["why"] = why  # the hand-written explanation wins, the source stays as found
        types[token] = {"cfnType": cfn_type, "stateful": token in STATEFUL, "replaceKeys": dict(sorted(keys.items()))}
    for token, manual in sorted(MANUAL.items()):
        keys = {k: {"source": "pulumi-aws (Terraform ForceNew)", "why": why} for k, why in manual.items()}
        types[token] = {"cfnType": None, "stateful": token in STATEFUL, "replaceKeys": keys}
    types["pulumi:providers:aws"] = {
        "cfnType": None, "stateful": False,
        "replaceKeys": {k: {"source": "pulumi engine", "why": w} for k, w in SUPPLEMENT["pulumi:providers:aws"].items()},
    }  # fmt: skip
    types["awsx:ec2:Vpc"] = {
        "cfnType": None, "stateful": False, "source": "pulumi/pulumi-awsx awsx/ec2/vpc.ts",
        "replaceKeys": {k: {"source": "awsx vpc.ts + AWS::EC2::VPC/Subnet/NatGateway", **v} for k, v in AWSX_VPC.items()},
    }  # fmt: skip
    for token, rule in types.items():
        if token.startswith("aws:"):
            inputs = pulumi_inputs(token)
            bad = sorted(k for k in rule["replaceKeys"] if k not in inputs)
            if bad:
                raise SourceError(f"{token}: {bad} are not pulumi-aws inputs")
    return {
        "_doc": "Generated by tools/gen_replacements.py; do not edit. Inputs whose change replaces the resource.",
        "source": {
            "package": SOURCE_PACKAGE,
            "version": importlib.metadata.version(SOURCE_PACKAGE),
            "schemaDate": json.loads((base / "version.json").read_text()).get("schema_date"),
            "schemas": "cfnlint/data/schemas/providers/us-east-1.json -> resources/*.json createOnlyProperties",
        },
        "inPlaceOnly": IN_PLACE_ONLY,
        "types": types,
    }


def render() -> str:
    return json.dumps(generate(), indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if preview/replacements.json is stale")
    args = parser.parse_args(argv)
    try:
        text = render()
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print("preview/replacements.json is stale: run venv/bin/python tools/gen_replacements.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
