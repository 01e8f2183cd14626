"""Unknown inputs during preview: a mandatory rule reports them, never passes silently."""

from __future__ import annotations

import os
import subprocess
import sys

import budgetbuddy_policies as bp
import pytest
from budgetbuddy_policies import UNKNOWN_MARKER
from policy_fixtures import UNKNOWN, baseline, edited

from preview.policy.engine import evaluate
from preview.policy.load import PACK_DIR, PolicyConfigError


@pytest.mark.parametrize(
    ("name", "inputs", "rule"),
    [
        (
            "trail",
            {"enableLogFileValidation": UNKNOWN},
            "aws-cloudtrail-trail-enable-log-validation",
        ),
        (
            "task",
            {"containerDefinitions": UNKNOWN},
            "aws-ecs-taskdefinition-require-readonly-rootfs",
        ),
        ("https", {"sslPolicy": UNKNOWN}, "aws-elb-listener-configure-tls-policy"),
        (
            "app-logs",
            {"retentionInDays": UNKNOWN},
            "aws-cloudwatch-loggroup-configure-retention",
        ),
        (
            "task-policy",
            {"policy": UNKNOWN},
            "aws-iam-policy-disallow-wildcard-actions",
        ),
        ("artifacts-policy", {"policy": UNKNOWN}, "aws-s3-bucketpolicy-require-tls"),
        (
            "budgetbuddy-users",
            {"pointInTimeRecovery": {"enabled": UNKNOWN}},
            "aws-dynamodb-table-enable-pitr",
        ),
        ("alarms", {"tags": UNKNOWN}, "aws-tagging-resource-require-tags"),
        (
            "alb-in-443",
            {"cidrIpv4": UNKNOWN},
            "aws-ec2-securitygroup-disallow-public-ingress",
        ),
    ],
)
def test_unknown_input_is_a_mandatory_report(name: str, inputs: dict, rule: str) -> None:
    report = evaluate(edited(baseline("production"), name, **inputs), stack="production")
    hits = [v for v in report.violations if v.rule == rule]
    assert hits, f"{rule} passed silently on an unknown input"
    hit = hits[0]
    assert hit.unknown and UNKNOWN_MARKER in hit.message and "can't be known during preview" in hit.message
    assert hit.enforcement == "mandatory"
    assert hit.resource_name == name  # reported against the resource, not anonymously
    assert hit in report.unknowns


@pytest.mark.parametrize(
    ("name", "inputs"),
    [
        (
            "budgetbuddy-users",
            {"serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN}},
        ),
        ("trail", {"kmsKeyId": UNKNOWN, "cloudWatchLogsGroupArn": UNKNOWN}),
        ("ecs-cpu-high-alarm", {"alarmActions": [UNKNOWN]}),
        ("vault", {"kmsKeyArn": UNKNOWN}),
        ("alarms", {"kmsMasterKeyId": UNKNOWN}),
        (
            "monthly",
            {
                "notifications": [
                    {
                        "comparisonOperator": "GREATER_THAN",
                        "threshold": th,
                        "thresholdType": "PERCENTAGE",
                        "notificationType": "ACTUAL",
                        "subscriberSnsTopicArns": UNKNOWN,
                    }
                    for th in (80, 100)
                ]
            },
        ),
    ],
)
def test_unknown_reference_to_a_new_resource_counts_as_set(name: str, inputs: dict) -> None:
    # A key or topic created in the same update has an unknown ARN: it is still a CMK/topic.
    report = evaluate(edited(baseline("production"), name, **inputs), stack="production")
    assert report.violations == []


def test_stack_rules_match_by_property_dependencies_when_ids_are_unknown() -> None:
    resources = baseline("production")
    for r in resources:
        if "bucket" in r["inputs"] and r["type"] != "aws:s3/bucket:Bucket":
            r["inputs"]["bucket"] = UNKNOWN  # a new bucket's id during a real preview
    assert evaluate(resources, stack="production").violations == []


def test_secret_inputs_are_unwrapped_like_the_engine_does() -> None:
    from policy_fixtures import SECRET

    resources = edited(
        baseline("production"),
        "trail",
        enableLogFileValidation={**SECRET, "value": False},
    )
    assert "aws-cloudtrail-trail-enable-log-validation" in evaluate(resources, stack="production").failed_rules


def test_first_deploy_mode_reports_unknowns_as_advisory_naming_the_resource(monkeypatch) -> None:
    monkeypatch.setenv("BUDGETBUDDY_POLICY_UNKNOWN", "advisory")
    report = evaluate(edited(baseline("production"), "task", containerDefinitions=UNKNOWN), stack="production")
    assert not report.has_mandatory_violations  # the preview of a first `pulumi up` can proceed ...
    notes = [d for d in report.diagnostics if UNKNOWN_MARKER in d["message"]]
    assert notes and all(d["enforcementLevel"] == "advisory" for d in notes)  # ... but says so, loudly
    assert any(
        ":task" in d["message"] and "aws-ecs-taskdefinition-require-readonly-rootfs" in d["policyName"] for d in notes
    )


def test_first_deploy_mode_still_enforces_known_values(monkeypatch) -> None:
    monkeypatch.setenv("BUDGETBUDDY_POLICY_UNKNOWN", "advisory")
    report = evaluate(edited(baseline("production"), "trail", enableLogFileValidation=False), stack="production")
    assert "aws-cloudtrail-trail-enable-log-validation" in {v.rule for v in report.mandatory}


def test_first_deploy_mode_leaves_the_update_strict(monkeypatch) -> None:
    # The engine runs the pack with PULUMI_DRY_RUN=false for the update itself: the mode only
    # relaxes previews, so exporting it for the whole first deployment is safe.
    monkeypatch.setenv("BUDGETBUDDY_POLICY_UNKNOWN", "advisory")
    monkeypatch.delenv("PULUMI_PROJECT", raising=False)  # keep pulumi's runtime settings untouched
    resources = edited(baseline("production"), "task", containerDefinitions=UNKNOWN)
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    assert not evaluate(resources, stack="production").has_mandatory_violations
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    report = evaluate(resources, stack="production")
    assert "aws-ecs-taskdefinition-require-readonly-rootfs" in {v.rule for v in report.mandatory if v.unknown}


@pytest.mark.parametrize("value", ["", "violation"])
def test_unknown_mode_default_is_strict(monkeypatch, value: str) -> None:
    monkeypatch.setenv("BUDGETBUDDY_POLICY_UNKNOWN", value)
    report = evaluate(edited(baseline("production"), "trail", enableLogFileValidation=UNKNOWN), stack="production")
    assert [v.rule for v in report.mandatory if v.unknown] == ["aws-cloudtrail-trail-enable-log-validation"]


@pytest.mark.parametrize("value", ["lenient", "Advisory", " advisory", "true", "0"])
def test_unknown_mode_rejects_other_values_offline(monkeypatch, value: str) -> None:
    monkeypatch.setenv("BUDGETBUDDY_POLICY_UNKNOWN", value)
    with pytest.raises(PolicyConfigError) as caught:
        evaluate(baseline("production"), stack="production")
    message = str(caught.value)
    assert f"BUDGETBUDDY_POLICY_UNKNOWN={value!r}" in message
    assert "'violation'" in message and "'advisory'" in message and "unset or empty" in message


def test_unknown_mode_rejected_when_the_pack_is_built(monkeypatch) -> None:
    # Under the real engine the pack is built at start-up: the error comes before any Analyze.
    monkeypatch.setenv("BUDGETBUDDY_POLICY_UNKNOWN", "lenient")
    with pytest.raises(bp.PackConfigError, match=r"BUDGETBUDDY_POLICY_UNKNOWN='lenient'.*Allowed values"):
        bp.pack_arguments(exemptions=())


def test_the_real_plugin_refuses_a_bad_mode_at_start_up() -> None:
    env = {
        **os.environ,
        "BUDGETBUDDY_POLICY_UNKNOWN": "lenient",
        "PULUMI_STACK": "production",
        "PULUMI_DRY_RUN": "true",
    }
    proc = subprocess.run(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=PACK_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1 and proc.stdout == ""  # no port printed: the pack never served
    assert proc.stderr.startswith(
        "policy pack budgetbuddy-aws cannot start: BUDGETBUDDY_POLICY_UNKNOWN='lenient' is not a valid unknown-input mode."
    )
    assert "Traceback" not in proc.stderr
