"""Launching a game for a casino's player, and finding that launch again for a round.

A launch maps the casino's player to one of our players (made on first sight, once per
casino) and records the casino's session token: our wallet callbacks quote it, and a
round may only be played on a session launched here. Launching the same token again (a
retried launch) returns the same session rather than a second one.
"""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.provider import ProviderLaunchReply, ProviderLaunchRequest
from provider.errors import (
    CasinoNotFoundError,
    GameInactiveError,
    GameNotFoundError,
    InvalidSessionError,
)
from provider.models import Casino, CasinoUser, Game, PlayerSession


async def find_casino(db: AsyncSession, code: str) -> Casino:
    casino = await db.scalar(select(Casino).where(Casino.code == code, Casino.is_enabled))
    if casino is None:
        raise CasinoNotFoundError(f"casinoCode {code!r} is not a partner of this provider")
    return casino


async def find_active_game(db: AsyncSession, code: str) -> Game:
    game = await db.scalar(select(Game).where(Game.code == code))
    if game is None:
        raise GameNotFoundError(f"gameId {code!r} is not in this provider's catalogue")
    if not game.is_active:
        raise GameInactiveError(f"gameId {code!r} is not offered any more")
    return game


async def find_session(db: AsyncSession, casino: Casino, token: str, game: Game) -> PlayerSession:
    session = await db.scalar(
        select(PlayerSession).where(
            PlayerSession.casino_id == casino.id, PlayerSession.session_token == token
        )
    )
    if session is None:
        raise InvalidSessionError("this sessionToken was never launched with this provider")
    if session.game_id != game.id:
        raise InvalidSessionError("this session was launched for another game")
    return session


async def launch(
    db: AsyncSession, request: ProviderLaunchRequest, game_url_base: str
) -> ProviderLaunchReply:
    casino = await find_casino(db, request.casino_code)
    game = await find_active_game(db, request.game_id)
    player = await player_of(db, casino, request.player_id)
    await db.execute(
        insert(PlayerSession)
        .values(
            casino_id=casino.id,
            casino_user_id=player.id,
            game_id=game.id,
            session_token=request.session_token,
            currency=request.currency,
            opening_balance=request.balance,
        )
        .on_conflict_do_nothing()
    )
    # Inserted above, or already there from an earlier launch of the same token.
    session = (
        await db.scalars(
            select(PlayerSession).where(
                PlayerSession.casino_id == casino.id,
                PlayerSession.session_token == request.session_token,
            )
        )
    ).one()
    if session.casino_user_id != player.id or session.game_id != game.id:
        raise InvalidSessionError("this sessionToken was launched for another player or game")
    await db.commit()
    return ProviderLaunchReply(
        provider_session_id=str(session.id),
        game_url=f"{game_url_base.rstrip('/')}/{game.code}?session={session.id}",
        player_id=str(player.id),
    )


async def player_of(db: AsyncSession, casino: Casino, casino_player_id: str) -> CasinoUser:
    """Our player for the casino's one, made on first sight (race-free: ON CONFLICT)."""
    await db.execute(
        insert(CasinoUser)
        .values(casino_id=casino.id, casino_player_id=casino_player_id)
        .on_conflict_do_nothing()
    )
    return (
        await db.scalars(
            select(CasinoUser).where(
                CasinoUser.casino_id == casino.id, CasinoUser.casino_player_id == casino_player_id
            )
        )
    ).one()
