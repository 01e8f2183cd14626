"""Realistic mock outputs for the offline preview: the shapes AWS and awsx really return.

Names are autonamed the way the engine does (`<name>-<7 hex>`) unless given; ARNs follow each
service's format in the stack's account and region, so code that parses ARNs (ECS service ids,
ALB ARN suffixes for CloudWatch dimensions) runs exactly as it would against AWS.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
ELB_ACCOUNT = {"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-2": "797873946194"}


def _hex(seed: str, n: int) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()[:n]


def _uuid(seed: str) -> str:
    h = hashlib.sha1(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class PlatformMocks(pulumi.runtime.Mocks):
    def __init__(self, region: str = "us-east-1", account: str = ACCOUNT_ID) -> None:
        self.region = region
        self.account = account
        self.provider_regions: dict[str, str] = {}  # explicit providers (DR region) -> their region

    # ---- invokes -------------------------------------------------------------------------
    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        tok, a = args.token, args.args
        r, acct = self.region, self.account
        out: dict[str, Any]
        if tok == "aws:index/getCallerIdentity:getCallerIdentity":
            out = {"accountId": acct, "arn": f"arn:aws:iam::{acct}:user/preview", "userId": "AIDAPREVIEW", "id": acct}
        elif tok == "aws:index/getRegion:getRegion":
            out = {"name": r, "region": r, "id": r, "endpoint": f"ec2.{r}.amazonaws.com", "description": r}
        elif tok == "aws:index/getPartition:getPartition":
            out = {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}
        elif tok == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{r}{c}" for c in "abcdef"]
            out = {"names": names, "zoneIds": [f"use1-az{i}" for i in range(1, 7)], "id": r}
        elif tok == "aws:elb/getServiceAccount:getServiceAccount":
            elb = ELB_ACCOUNT.get(r, "127311923021")
            out = {"arn": f"arn:aws:iam::{elb}:root", "id": elb}
        elif tok == "aws:ec2/getRouteTables:getRouteTables":
            vpc = str(a.get("vpcId", "vpc"))
            out = {"ids": [f"rtb-{_hex(vpc + str(i), 17)}" for i in range(3)], "id": vpc, "vpcId": vpc}
        else:
            out = {}
        return out, []

    # ---- resources -----------------------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        t, name, inputs = args.typ, args.name, dict(args.inputs)
        seed = f"{t}::{name}"
        acct = self.account
        # A resource on an explicit provider lives in that provider's region (provider ref: "urn::id").
        r = self.provider_regions.get((args.provider or "").rsplit("::", 1)[-1], self.region)
        if t == "pulumi:providers:aws":
            rid = f"{name}-provider-{_hex(seed, 7)}"
            self.provider_regions[rid] = str(inputs.get("region") or self.region)
            return rid, {**inputs, "id": rid}
        auto = inputs.get("name") or f"{name}-{_hex(seed, 7)}"
        state: dict[str, Any] = {**inputs}
        mod = t.split(":")[1].split("/")[0] if t.count(":") >= 2 else ""
        kind = t.split(":")[1].split("/")[-1] if "/" in t else t
        rid = auto
        arn = f"arn:aws:{mod}:{r}:{acct}:{kind}/{auto}"

        if t == "awsx:ec2:Vpc":
            return self._vpc(name, inputs)
        if t == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or f"{name}-{_hex(seed, 7)}".lower()
            rid, arn = bucket, f"arn:aws:s3:::{bucket}"
            state.update(bucket=bucket, bucketDomainName=f"{bucket}.s3.amazonaws.com", region=r)
        elif mod == "s3":
            rid = str(inputs.get("bucket", auto))
        elif t == "aws:kms/key:Key":
            rid = _uuid(seed)
            arn = f"arn:aws:kms:{r}:{acct}:key/{rid}"
            state["keyId"] = rid
        elif t == "aws:kms/alias:Alias":
            arn = f"arn:aws:kms:{r}:{acct}:{auto}"
            rid = auto
            state["targetKeyArn"] = f"arn:aws:kms:{r}:{acct}:key/{inputs.get('targetKeyId', '')}"
        elif t in ("aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/user:User"):
            arn = f"arn:aws:iam::{acct}:{kind.lower()}/{auto}"
            state["uniqueId"] = "AROA" + _hex(seed, 16).upper()
        elif t == "aws:dynamodb/table:Table":
            arn = f"arn:aws:dynamodb:{r}:{acct}:table/{auto}"
            if inputs.get("streamEnabled"):
                state["streamArn"] = f"{arn}/stream/2026-11-26T00:00:00.000"
                state["streamLabel"] = "2026-11-26T00:00:00.000"
        elif t == "aws:ecs/cluster:Cluster":
            arn = f"arn:aws:ecs:{r}:{acct}:cluster/{auto}"
            rid = arn
        elif t == "aws:ecs/service:Service":
            cluster = str(inputs.get("cluster", "cluster")).rsplit("/", 1)[-1]
            arn = f"arn:aws:ecs:{r}:{acct}:service/{cluster}/{auto}"
            rid = arn
        elif t == "aws:ecs/taskDefinition:TaskDefinition":
            family: Any = inputs.get("family", auto)
            arn = f"arn:aws:ecs:{r}:{acct}:task-definition/{family}:1"
            state.update(revision=1, arnWithoutRevision=arn.rsplit(":", 1)[0])
            rid = family
        elif t in ("aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"):
            short = auto[:32]
            if t.endswith("LoadBalancer"):
                suffix = f"app/{short}/{_hex(seed, 16)}"
                state.update(
                    dnsName=f"{short}-{int(_hex(seed, 8), 16) % 10**9}.{r}.elb.amazonaws.com", zoneId="Z35SXDOTRQ7X7K"
                )
                arn = f"arn:aws:elasticloadbalancing:{r}:{acct}:loadbalancer/{suffix}"
            else:
                suffix = f"targetgroup/{short}/{_hex(seed, 16)}"
                arn = f"arn:aws:elasticloadbalancing:{r}:{acct}:{suffix}"
            state.update(arnSuffix=suffix, name=short)
            rid = arn
        elif t in ("aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"):
            arn = f"arn:aws:elasticloadbalancing:{r}:{acct}:listener/app/{name}/{_hex(seed, 16)}/{_hex(seed + 'l', 16)}"
            rid = arn
        elif t == "aws:cloudwatch/logGroup:LogGroup":
            arn = f"arn:aws:logs:{r}:{acct}:log-group:{auto}"
        elif t == "aws:sns/topic:Topic":
            arn = f"arn:aws:sns:{r}:{acct}:{auto}"
            rid = arn
        elif t == "aws:ecr/repository:Repository":
            arn = f"arn:aws:ecr:{r}:{acct}:repository/{auto}"
            state.update(repositoryUrl=f"{acct}.dkr.ecr.{r}.amazonaws.com/{auto}", registryId=acct)
        elif t in ("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"):
            rid = f"sg-{_hex(seed, 17)}"
            arn = f"arn:aws:ec2:{r}:{acct}:security-group/{rid}"
        elif t == "aws:cloudtrail/trail:Trail":
            arn = f"arn:aws:cloudtrail:{r}:{acct}:trail/{auto}"
        elif t == "aws:backup/vault:Vault":
            arn = f"arn:aws:backup:{r}:{acct}:backup-vault:{auto}"
        elif t == "aws:backup/plan:Plan":
            rid = _uuid(seed)
            arn = f"arn:aws:backup:{r}:{acct}:backup-plan:{rid}"
        elif t == "aws:codestarconnections/connection:Connection":
            rid = arn = f"arn:aws:codestar-connections:{r}:{acct}:connection/{_uuid(seed)}"
        elif t == "aws:codepipeline/pipeline:Pipeline":
            arn = f"arn:aws:codepipeline:{r}:{acct}:{auto}"
        elif t == "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
            arn = f"arn:aws:firehose:{r}:{acct}:deliverystream/{auto}"
        elif t == "aws:cloudwatch/metricAlarm:MetricAlarm":
            arn = f"arn:aws:cloudwatch:{r}:{acct}:alarm:{auto}"
        elif t == "aws:cloudwatch/dashboard:Dashboard":
            rid = str(inputs.get("dashboardName", auto))
            state["dashboardArn"] = f"arn:aws:cloudwatch::{acct}:dashboard/{rid}"
        elif t == "aws:acm/certificate:Certificate":
            rid = _uuid(seed)
            arn = f"arn:aws:acm:{r}:{acct}:certificate/{rid}"
            domain = inputs.get("domainName", "example.com")
            state["domainValidationOptions"] = [
                {
                    "domainName": domain,
                    "resourceRecordName": f"_{_hex(seed, 32)}.{domain}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": f"_{_hex(seed + 'v', 32)}.acm-validations.aws.",
                }
            ]
        elif t == "aws:ec2/flowLog:FlowLog":
            rid = f"fl-{_hex(seed, 17)}"
        elif t == "aws:ec2/vpcEndpoint:VpcEndpoint":
            rid = f"vpce-{_hex(seed, 17)}"
            state["prefixListId"] = f"pl-{_hex(seed, 8)}"
        elif t == "aws:ec2/eip:Eip":
            rid = f"eipalloc-{_hex(seed, 17)}"
            # Documentation range (RFC 5737 TEST-NET-3): looks like an address, routes nowhere.
            state.update(allocationId=rid, publicIp=f"203.0.113.{int(_hex(seed, 2), 16) % 254 + 1}", domain="vpc")
        elif t == "aws:guardduty/detector:Detector":
            rid = _hex(seed, 32)
        elif t == "aws:appautoscaling/target:Target":
            rid = str(inputs.get("resourceId", auto))
        elif not args.custom:
            return "", state

        state.setdefault("arn", arn)
        state.setdefault("name", auto)
        state["id"] = rid
        return rid, state

    def _vpc(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """awsx.ec2.Vpc is a remote component: return the outputs awsx computes."""
        azs = int(inputs.get("numberOfAvailabilityZones") or 3)
        vpc_id = f"vpc-{_hex(name, 17)}"
        cidr = ipaddress.IPv4Network(inputs.get("cidrBlock") or "10.0.0.0/16")
        subnets = list(cidr.subnets(new_prefix=min(cidr.prefixlen + 3, 28)))
        state = {
            "vpcId": vpc_id,
            "publicSubnetIds": [f"subnet-{_hex(name + 'pub' + str(i), 17)}" for i in range(azs)],
            "privateSubnetIds": [f"subnet-{_hex(name + 'priv' + str(i), 17)}" for i in range(azs)],
            "isolatedSubnetIds": [],
            "subnetLayout": [
                {"type": "Public", "cidrBlocks": [str(subnets[i]) for i in range(azs)]},
                {"type": "Private", "cidrBlocks": [str(subnets[azs + i]) for i in range(azs)]},
            ],
        }
        return "", state
