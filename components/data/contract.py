"""The DataTables contract: what it takes from other components."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class DataInputs:
    """kms_key_arn: the data CMK (tables, backup vault)."""

    kms_key_arn: pulumi.Input[str]
