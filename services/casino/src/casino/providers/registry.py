"""The operator's changes to the provider registry, and what the running services read.

Every change is one transaction on the casino's database and needs no restart: the
gateway re-reads the registry every few seconds (`snapshot`, over RabbitMQ), the lobby
reads a provider's link at each call, and the wallet worker reads a provider's status
with the locks of every batch.

A secret is generated here and returned in clear exactly once, to be shown to the
operator; what is stored is sealed.
"""

import uuid
from dataclasses import dataclass

from pydantic import SecretStr
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casino.database import Database
from casino.models import Game, GameProvider
from casino.providers.tables import CallbackSecret, ProviderLink
from contracts.registry import ProviderRegistry, RegisteredProvider
from contracts.secret_box import SecretBox, new_secret


class RegistryError(Exception):
    """Raised when an operator's change to the registry cannot be made."""


class UnknownProviderError(RegistryError):
    """Raised when no provider has the code given."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no provider has the code {code!r}")


class ProviderExistsError(RegistryError):
    """Raised when a provider with the code given is already registered."""

    def __init__(self, code: str) -> None:
        super().__init__(f"a provider with the code {code!r} is already registered")


class GameExistsError(RegistryError):
    """Raised when the provider already has a game with the code given."""


@dataclass(frozen=True)
class NewProvider:
    code: str
    name: str
    endpoint: str
    callback_secret: SecretStr
    casino_secret: SecretStr


@dataclass(frozen=True)
class ProviderSummary:
    code: str
    name: str
    enabled: bool
    endpoint: str | None
    callback_secrets: int
    games: int


@dataclass(frozen=True)
class ProviderLinkInClear:
    """How the lobby reaches a provider: where, and the secret it signs with."""

    endpoint: str
    casino_secret: SecretStr


async def add_provider(
    database: Database, box: SecretBox, code: str, endpoint: str, name: str | None = None
) -> NewProvider:
    """Register an enabled provider with a fresh callback secret and casino secret."""
    callback_secret, casino_secret = new_secret(), new_secret()
    provider_id = uuid.uuid4()
    try:
        async with database.begin() as db:
            db.add(GameProvider(id=provider_id, code=code, name=name or code, is_enabled=True))
            await db.flush()
            db.add(
                ProviderLink(
                    provider_id=provider_id,
                    api_endpoint=endpoint,
                    casino_secret_sealed=box.seal(casino_secret),
                )
            )
            db.add(CallbackSecret(provider_id=provider_id, secret_sealed=box.seal(callback_secret)))
    except IntegrityError:
        raise ProviderExistsError(code) from None
    return NewProvider(code, name or code, endpoint, callback_secret, casino_secret)


async def register_provider(database: Database, box: SecretBox, provider: NewProvider) -> bool:
    """Register `provider` with the secrets it names, unless its code is taken: whether it
    was registered. For a world whose secrets are known in advance (the development
    seed); an operator's provider gets fresh ones from `add_provider`. A provider already
    there is left as it is, secrets, endpoint and status alike, so a second run changes
    nothing."""
    provider_id = uuid.uuid4()
    async with database.begin() as db:
        inserted = await db.scalar(
            insert(GameProvider)
            .values(id=provider_id, code=provider.code, name=provider.name, is_enabled=True)
            .on_conflict_do_nothing(index_elements=[GameProvider.code])
            .returning(GameProvider.id)
        )
        if inserted is None:
            return False
        db.add(
            ProviderLink(
                provider_id=provider_id,
                api_endpoint=provider.endpoint,
                casino_secret_sealed=box.seal(provider.casino_secret),
            )
        )
        db.add(
            CallbackSecret(
                provider_id=provider_id, secret_sealed=box.seal(provider.callback_secret)
            )
        )
    return True


async def rotate_secret(database: Database, box: SecretBox, code: str) -> SecretStr:
    """Add a new callback secret; the older ones keep verifying until retired."""
    secret = new_secret()
    async with database.begin() as db:
        provider_id = await _provider_id(db, code)
        db.add(CallbackSecret(provider_id=provider_id, secret_sealed=box.seal(secret)))
    return secret


async def retire_secrets(database: Database, code: str) -> int:
    """Remove every callback secret but the newest; how many were removed."""
    async with database.begin() as db:
        provider_id = await _provider_id(db, code)
        newest = (
            select(CallbackSecret.id)
            .where(CallbackSecret.provider_id == provider_id)
            .order_by(CallbackSecret.created_at.desc(), CallbackSecret.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        removed = await db.execute(
            delete(CallbackSecret).where(
                CallbackSecret.provider_id == provider_id, CallbackSecret.id != newest
            )
        )
    return int(removed.rowcount or 0)  # type: ignore[attr-defined]


async def set_enabled(database: Database, code: str, enabled: bool) -> None:
    async with database.begin() as db:
        changed = await db.execute(
            update(GameProvider).where(GameProvider.code == code).values(is_enabled=enabled)
        )
        if not changed.rowcount:  # type: ignore[attr-defined]
            raise UnknownProviderError(code)


async def add_game(database: Database, code: str, game_code: str, name: str) -> uuid.UUID:
    """Add an active game of the provider `code`; its id."""
    game_id = uuid.uuid4()
    try:
        async with database.begin() as db:
            provider_id = await _provider_id(db, code)
            db.add(
                Game(id=game_id, provider_id=provider_id, provider_game_code=game_code, name=name)
            )
    except IntegrityError:
        raise GameExistsError(f"{code!r} already has a game {game_code!r}") from None
    return game_id


async def list_providers(database: Database) -> list[ProviderSummary]:
    """Every provider with its status, endpoint and counts; never a secret."""
    secrets = (
        select(func.count())
        .where(CallbackSecret.provider_id == GameProvider.id)
        .correlate(GameProvider)
        .scalar_subquery()
    )
    games = (
        select(func.count())
        .where(Game.provider_id == GameProvider.id)
        .correlate(GameProvider)
        .scalar_subquery()
    )
    query = (
        select(GameProvider, ProviderLink.api_endpoint, secrets, games)
        .outerjoin(ProviderLink, ProviderLink.provider_id == GameProvider.id)
        .order_by(GameProvider.code)
    )
    async with database() as db:
        rows = (await db.execute(query)).all()
    return [
        ProviderSummary(p.code, p.name, p.is_enabled, endpoint, secret_count, game_count)
        for p, endpoint, secret_count, game_count in rows
    ]


async def snapshot(database: Database) -> ProviderRegistry:
    """The registry as the gateway needs it: codes, status and sealed callback secrets."""
    query = (
        select(GameProvider.code, GameProvider.is_enabled, CallbackSecret.secret_sealed)
        .outerjoin(CallbackSecret, CallbackSecret.provider_id == GameProvider.id)
        .order_by(GameProvider.code, CallbackSecret.created_at.desc(), CallbackSecret.id.desc())
    )
    async with database() as db:
        rows = (await db.execute(query)).all()
    providers: dict[str, RegisteredProvider] = {}
    for code, enabled, sealed in rows:
        entry = providers.setdefault(
            code, RegisteredProvider(code=code, enabled=enabled, callback_secrets=[])
        )
        if sealed is not None:
            entry.callback_secrets.append(sealed)
    return ProviderRegistry(providers=list(providers.values()))


async def link_of(
    database: Database, box: SecretBox, provider_id: uuid.UUID
) -> ProviderLinkInClear | None:
    """Where the provider is and the secret to sign with; None for a provider that has no
    link of its own (the default provider, reached through the settings)."""
    async with database() as db:
        link = await db.get(ProviderLink, provider_id)
    if link is None:
        return None
    return ProviderLinkInClear(link.api_endpoint, box.open(link.casino_secret_sealed))


async def _provider_id(db: AsyncSession, code: str) -> uuid.UUID:
    found = await db.scalar(select(GameProvider.id).where(GameProvider.code == code))
    if found is None:
        raise UnknownProviderError(code)
    return found
