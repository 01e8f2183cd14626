"""The HTTPS listener's certificate: an existing ACM ARN, or one issued for the domain with DNS validation."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.base import Component
from components.compute.settings import ComputeSettings


def build_certificate(
    c: Component, settings: ComputeSettings
) -> tuple[pulumi.Output[str], aws.acm.Certificate | None, aws.acm.CertificateValidation | None]:
    """Returns (certificate ARN usable by a listener, certificate, validation); the last two are None
    for an existing ARN. The ARN of an issued certificate comes from the validation, so listeners
    wait until ACM has issued it."""
    if settings.certificate_arn:
        return pulumi.Output.from_input(settings.certificate_arn), None, None
    assert settings.domain_name and settings.hosted_zone_id  # ComputeSettings guarantees one source
    cert = aws.acm.Certificate(
        c.child_name("certificate"),
        domain_name=settings.domain_name,
        validation_method="DNS",
        tags=c.tags_with(Name=settings.domain_name),
        opts=c.opts(),
    )
    option = cert.domain_validation_options.apply(lambda opts: opts[0])
    record = aws.route53.Record(
        c.child_name("certificate-validation-record"),
        zone_id=settings.hosted_zone_id,
        name=option.resource_record_name,
        type=option.resource_record_type,
        records=[option.resource_record_value],
        ttl=60,
        # ACM reuses the same CNAME on re-issue; overwriting it is what a renewal needs.
        allow_overwrite=True,
        opts=c.opts(),
    )
    validation = aws.acm.CertificateValidation(
        c.child_name("certificate-validation"),
        certificate_arn=cert.arn,
        validation_record_fqdns=[record.fqdn],
        opts=c.opts(),
    )
    return validation.certificate_arn, cert, validation


def build_alias(
    c: Component, settings: ComputeSettings, alb_dns_name: pulumi.Input[str], alb_zone_id: pulumi.Input[str]
) -> aws.route53.Record | None:
    """The domain's A (alias) record pointing at the ALB, when the stack issues the certificate."""
    if not (settings.domain_name and settings.hosted_zone_id):
        return None
    return aws.route53.Record(
        c.child_name("alias"),
        zone_id=settings.hosted_zone_id,
        name=settings.domain_name,
        type="A",
        aliases=[aws.route53.RecordAliasArgs(name=alb_dns_name, zone_id=alb_zone_id, evaluate_target_health=True)],
        opts=c.opts(),
    )
