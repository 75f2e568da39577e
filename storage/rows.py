"""Flat export rows: plain values that CSV and JSON both write as they are."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

Row = dict[str, Any]


def flat(value: Any) -> Any:
    """Datetimes as ISO 8601, enums as their value, everything else unchanged."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
