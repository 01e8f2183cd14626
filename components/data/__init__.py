"""Data layer: DynamoDB tables, AWS Backup and (optionally) cross-region DR. See docs/data-model.md."""

from components.data.component import DataTables
from components.data.contract import DataInputs, DataOutputs
from components.data.settings import DataSettings

__all__ = ["DataInputs", "DataOutputs", "DataSettings", "DataTables"]
