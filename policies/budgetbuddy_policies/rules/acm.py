"""ACM certificates (the API's public certificate)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import dig
from ..registry import REGISTRY

# pulumi-aws acm.Certificate keyAlgorithm values of 2048 bits (RSA) or more, and the EC curves.
STRONG_KEYS = ("RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")


@REGISTRY.resource(
    name="aws-acm-certificate-configure-key-algorithm",
    resource_types=("aws:acm/certificate:Certificate",),
    description="ACM-issued certificates must use an RSA key of at least 2048 bits or an EC key.",
    severity=Severity.MEDIUM,
    remediation="Leave keyAlgorithm unset (RSA_2048) or choose one of " + ", ".join(STRONG_KEYS) + ".",
    controls=("fsbp:ACM.2", "pci-dss-4.0:4.2.1", "soc2:CC6.7"),
)
def key_algorithm(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    algorithm = dig(args.props, "keyAlgorithm")
    if algorithm is not None and algorithm not in STRONG_KEYS:
        yield f"keyAlgorithm {algorithm} is weaker than RSA 2048."
