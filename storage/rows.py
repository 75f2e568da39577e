"""Flat export rows: plain values that CSV and JSON both write as they are."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from sqlmodel import SQLModel
from sqlmodel.sql.expression import SelectOfScalar

Row = dict[str, Any]
StatementT = TypeVar("StatementT", bound=SelectOfScalar[Any] | Any)


def flat(value: Any) -> Any:
    """Datetimes as ISO 8601, enums as their value, everything else unchanged."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def flat_row(row: Row) -> Row:
    """A row for CSV: lists one item per line (an item may hold "|", as a question's
    [green|amber|red] does), documents as `key: value` pairs."""
    return {column: _flat_value(value) for column, value in row.items()}


def _flat_value(value: Any) -> Any:
    if isinstance(value, list):
        return "\n".join(str(_flat_value(item)) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_flat_value(item)}" for key, item in value.items())
    return flat(value)


def in_workspace(statement: StatementT, table: type[SQLModel],
                 workspace_id: int | None) -> StatementT:
    """The statement narrowed to one workspace's rows of `table`, or unchanged for all."""
    if workspace_id is None:
        return statement
    return statement.where(table.workspace_id == workspace_id)  # type: ignore[attr-defined]
