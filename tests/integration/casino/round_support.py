"""Helpers for the tests of rounds, reports and the ledger audit: a provider of the test's
own (so sums over it see only the test's rows), players at its game, and free-round
campaigns, set up with plain SQL and the service's own session helpers."""

import uuid
from dataclasses import dataclass

from sqlalchemy import text

from casino.database import Database
from casino.sessions import open_session
from casino.tools.seed import create_player
from contracts.wallet import CreditKind, CreditRequest, DebitRequest
from tests.integration.casino.support import PlayerSession, new_id


@dataclass(frozen=True)
class OwnProvider:
    """A provider registered for one test, with one game."""

    code: str
    provider_id: uuid.UUID
    game_id: uuid.UUID

    async def player(
        self, database: Database, balance: int, currency: str = "USD"
    ) -> PlayerSession:
        """A new funded player in a session at this provider's game."""
        player = await create_player(database, balance, currency)
        opened = await open_session(database, player.user_id, self.game_id, currency)
        return PlayerSession(player, opened)


async def own_provider(database: Database) -> OwnProvider:
    code = new_id("provider")
    provider_id, game_id = uuid.uuid4(), uuid.uuid4()
    async with database.begin() as db:
        await db.execute(
            text("INSERT INTO casino_game_providers (id, code, name) VALUES (:id, :code, :code)"),
            {"id": provider_id, "code": code},
        )
        await db.execute(
            text(
                "INSERT INTO casino_games (id, provider_id, provider_game_code, name)"
                " VALUES (:id, :provider_id, 'slots', 'Slots')"
            ),
            {"id": game_id, "provider_id": provider_id},
        )
    return OwnProvider(code, provider_id, game_id)


async def grant_free_rounds(
    database: Database, session: PlayerSession, *, rounds: int, bet_amount: int
) -> uuid.UUID:
    """A campaign of `rounds` free rounds of `bet_amount` for the session's player and game,
    valid for a day."""
    campaign_id = uuid.uuid4()
    async with database.begin() as db:
        await db.execute(
            text(
                "INSERT INTO casino_free_round_campaigns (id, user_id, wallet_id, game_id,"
                " currency, rounds, bet_amount, expires_at)"
                " SELECT :id, s.user_id, s.wallet_id, s.game_id, w.currency, :rounds, :bet,"
                " now() + interval '1 day'"
                " FROM casino_game_sessions s JOIN casino_wallets w ON w.id = s.wallet_id"
                " WHERE s.id = :session_id"
            ),
            {
                "id": campaign_id,
                "rounds": rounds,
                "bet": bet_amount,
                "session_id": session.opened.session_id,
            },
        )
    return campaign_id


def free_bet(
    session: PlayerSession, campaign_id: uuid.UUID, amount: int, round_id: str
) -> DebitRequest:
    return DebitRequest(
        session_token=session.token,
        transaction_id=new_id("free"),
        round_id=round_id,
        amount=amount,
        free_rounds_campaign_id=str(campaign_id),
    )


def paid(
    session: PlayerSession,
    amount: int,
    round_id: str,
    *,
    kind: CreditKind = CreditKind.WIN,
    campaign_id: uuid.UUID | None = None,
    closes: bool = False,
) -> CreditRequest:
    """A payout of `kind` (a bonus names its campaign)."""
    return CreditRequest(
        session_token=session.token,
        transaction_id=new_id(kind.value),
        round_id=round_id,
        amount=amount,
        kind=kind,
        free_rounds_campaign_id=str(campaign_id) if campaign_id else None,
        round_closed=closes,
    )


def staked(
    session: PlayerSession,
    amount: int,
    round_id: str,
    *,
    jackpot_contribution: int | None = None,
    closes: bool = False,
) -> DebitRequest:
    """A paid bet, perhaps feeding a jackpot or closing its round."""
    return DebitRequest(
        session_token=session.token,
        transaction_id=new_id("bet"),
        round_id=round_id,
        amount=amount,
        jackpot_contribution=jackpot_contribution,
        round_closed=closes,
    )
