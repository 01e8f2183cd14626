"""Data layer: DynamoDB tables, AWS Backup and (optionally) cross-region DR. See docs/data-model.md."""

from typing import TYPE_CHECKING

from components.exports import lazy

if TYPE_CHECKING:  # at run time each name is imported on first use (components/exports.py)
    from components.data.component import DataTables
    from components.data.contract import DataInputs, DataOutputs
    from components.data.settings import DataSettings

__all__ = ["DataInputs", "DataOutputs", "DataSettings", "DataTables"]
__getattr__, __dir__ = lazy(
    __name__, component=["DataTables"], contract=["DataInputs", "DataOutputs"], settings=["DataSettings"]
)
