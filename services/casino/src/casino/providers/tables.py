"""The provider registry's own tables, beside `casino_game_providers` (`casino.models`).

- `casino_provider_links`: how the casino reaches a provider: its API endpoint and the
  secret the casino signs its calls to it with (sealed, `contracts.secret_box`).
- `casino_provider_callback_secrets`: the secrets a provider signs its wallet callbacks
  with, sealed, several at once while one is rotated; the newest signs on the provider's
  side, any one verifies.

Only sealed secrets are stored: a dump of the database shows no secret in clear.
"""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from casino.models import Base

MAX_ENDPOINT_LENGTH = 500


class ProviderLink(Base):
    __tablename__ = "casino_provider_links"

    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casino_game_providers.id"), primary_key=True
    )
    api_endpoint: Mapped[str] = mapped_column(String(MAX_ENDPOINT_LENGTH))
    casino_secret_sealed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class CallbackSecret(Base):
    __tablename__ = "casino_provider_callback_secrets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casino_game_providers.id"), index=True
    )
    secret_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("clock_timestamp()")
    )
