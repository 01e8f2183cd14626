"""Operations tool: the runbook's procedures (status, rollback, scale, backup, restore, drill) run against the
live platform with boto3 (docs/operations.md). ``ops/platform.py`` is its only link to the Pulumi program."""
