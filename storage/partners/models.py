"""Tables of partners."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Partner(SQLModel, table=True):
    """A reseller, VAR, MSP, integrator or distributor the vendor sells through."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime
