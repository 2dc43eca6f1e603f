"""`casino_operators`: who may sign in to the back office (migration 0010).

A row keeps the password's Argon2 hash only. An operator is disabled, never deleted, so
the back office's audit log always names someone who existed.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from casino.models import Base

MAX_NAME_LENGTH = 64


class Role(StrEnum):
    VIEWER = "viewer"  # reads every page, changes nothing
    OPERATOR = "operator"  # may change things too


class Operator(Base):
    __tablename__ = "casino_operators"

    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:  # never the hash
        return f"Operator(name={self.name!r}, role={self.role!r})"
