"""Rule modules, one per AWS service; importing them fills ``REGISTRY``."""

from . import (  # noqa: F401  (imported for their registrations)
    acm,
    backup,
    budgets,
    cloudtrail,
    cloudwatch,
    codebuild,
    codepipeline,
    dynamodb,
    ec2,
    ecr,
    ecs,
    elb,
    firehose,
    governance,
    iam,
    kms,
    s3,
    sns,
    tagging,
    waf,
)
