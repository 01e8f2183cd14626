"""Key policy of the DR-region CMK (replica tables and the DR backup vault).

The same shape as the AWS-managed ``aws/dynamodb`` key: principals of this account may use the key
only through DynamoDB or AWS Backup in the DR region (``kms:ViaService`` + ``kms:CallerAccount``),
which covers the DynamoDB replication service-linked role and the backup role without naming
them (a key policy naming a principal that does not exist yet is rejected by KMS). Key
administration is listed action by action: no ``kms:*`` Allow.
"""

from __future__ import annotations

import json

import pulumi

from components.kms import KEY_ADMIN_ACTIONS as ADMIN_ACTIONS
from components.kms import USE_ACTIONS as _KEY_USE

# Replica tables and backup copies need grants on top of the platform keys' use actions.
USE_ACTIONS = [*_KEY_USE, "kms:CreateGrant"]


def dr_key_policy(partition: str, account_id: pulumi.Input[str], region: str) -> pulumi.Output[str]:
    def doc(account: str) -> str:
        root = f"arn:{partition}:iam::{account}:root"

        def via(service: str, sid: str) -> dict[str, object]:
            return {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": USE_ACTIONS,
                # In a key policy "*" means "this key".
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": f"{service}.{region}.amazonaws.com",
                        "kms:CallerAccount": account,
                    }
                },
            }

        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "KeyAdministration",
                        "Effect": "Allow",
                        "Principal": {"AWS": root},
                        "Action": ADMIN_ACTIONS,
                        "Resource": "*",
                    },
                    via("dynamodb", "DynamoDBReplicas"),
                    via("backup", "AwsBackupDrVault"),
                ],
            }
        )

    return pulumi.Output.from_input(account_id).apply(doc)
