"""`casino_currencies`: the currencies the casino supports, with their decimals
(migration 0007). A wallet's currency references it."""

from datetime import datetime

from sqlalchemy import DateTime, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from casino.models import Base

MAX_NAME_LENGTH = 100


class SupportedCurrency(Base):
    __tablename__ = "casino_currencies"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    decimals: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    added_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
