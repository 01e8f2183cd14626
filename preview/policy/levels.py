"""Enforcement levels and severities: protobuf enum values and the names the reports use."""

from __future__ import annotations

from pulumi.runtime.proto import analyzer_pb2 as pb

SEVERITY_ORDER = ["critical", "high", "medium", "low", "unspecified"]
SEVERITY = {
    pb.POLICY_SEVERITY_CRITICAL: "critical",
    pb.POLICY_SEVERITY_HIGH: "high",
    pb.POLICY_SEVERITY_MEDIUM: "medium",
    pb.POLICY_SEVERITY_LOW: "low",
    pb.POLICY_SEVERITY_UNSPECIFIED: "unspecified",
}
LEVEL = {
    pb.ADVISORY: "advisory",
    pb.MANDATORY: "mandatory",
    pb.REMEDIATE: "remediate",
    pb.DISABLED: "disabled",
}
LEVEL_PB = {v: k for k, v in LEVEL.items()}
