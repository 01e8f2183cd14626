"""The one place policy documents are written."""

import json

import pulumi

from components.iam import policy_document, trust_policy


@pulumi.runtime.test
def test_trust_policy_with_and_without_condition():
    def check(docs):
        plain, guarded = (json.loads(d) for d in docs)
        assert plain == {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
        assert guarded["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}

    cond = {"StringEquals": {"aws:SourceAccount": pulumi.Output.from_input("123456789012")}}
    return pulumi.Output.all(trust_policy("backup.amazonaws.com"), trust_policy("x.amazonaws.com", cond)).apply(check)


@pulumi.runtime.test
def test_policy_document_resolves_outputs_inside_statements():
    def check(doc):
        assert json.loads(doc)["Statement"] == [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b"]},
            {"Effect": "Deny"},
        ]

    arn = pulumi.Output.from_input("arn:aws:s3:::b")
    return policy_document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": [arn]}, {"Effect": "Deny"}).apply(
        check
    )
