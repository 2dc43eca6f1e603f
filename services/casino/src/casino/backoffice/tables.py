"""`casino_back_office_audit`: every change made in the back office (migration 0010).

Appended to only: who (the operator's name), when (the database's clock), what action,
on what subject, and its details (the values asked for, and how it ended).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from casino.models import Base
from casino.operators.tables import MAX_NAME_LENGTH

MAX_SUBJECT_LENGTH = 300


class AuditEntry(Base):
    __tablename__ = "casino_back_office_audit"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("clock_timestamp()"), index=True
    )
    operator_name: Mapped[str] = mapped_column(
        String(MAX_NAME_LENGTH), ForeignKey("casino_operators.name")
    )
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT_LENGTH))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
