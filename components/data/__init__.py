"""Data layer: DynamoDB tables, AWS Backup and (optionally) cross-region DR. See docs/data-model.md."""

from components.data.args import DataArgs
from components.data.component import DataTables

__all__ = ["DataArgs", "DataTables"]
