"""Bets and payouts against the real casino database: money, idempotency, database."""

import uuid

import pytest
from sqlalchemy import text

from casino import wallet
from casino.database import Database, LedgerPool
from casino.sessions import end_session, open_session
from casino.wallet.errors import (
    DuplicateTransactionError,
    InvalidSessionError,
    TransactionNotFoundError,
)
from contracts.errors import ErrorCode
from contracts.wallet import GetBalanceRequest
from tests.integration.casino.support import (
    NewSession,
    PlayerSession,
    accepted,
    balance_in,
    balance_of,
    bet,
    ledger_rows,
    new_id,
    payout,
    refusal,
)

pytestmark = pytest.mark.integration


async def test_get_balance_states_balance_and_currency(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1234, "EUR")
    reply = await wallet.get_balance(ledger, GetBalanceRequest(session_token=session.token))
    assert reply.result == {"success": True, "balance": 1234, "currency": "EUR"}


async def test_a_bet_takes_its_amount_and_a_payout_adds_it(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    placed_bet = bet(session, 300)
    placed = await wallet.debit(ledger, placed_bet)
    assert accepted(placed) == {
        "success": True,
        "transactionId": placed_bet.transaction_id,
        "balance": 700,
        "currency": "USD",
    }
    won = await wallet.credit(ledger, payout(session, 450))
    assert balance_in(won) == 1_150
    assert await balance_of(database, session.player) == 1_150


async def test_a_retry_gets_the_first_reply_with_the_balance_of_then(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    first_bet = bet(session, 100)
    first = await wallet.debit(ledger, first_bet)
    await wallet.debit(ledger, bet(session, 200))
    again = await wallet.debit(ledger, first_bet)
    assert again == first
    assert balance_in(again) == 900
    assert await balance_of(database, session.player) == 700
    assert len(await ledger_rows(database, first_bet.transaction_id)) == 1


async def test_the_same_id_with_another_payload_is_a_duplicate_and_moves_nothing(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(1_000)
    tx = new_id("bet")
    await wallet.debit(ledger, bet(session, 100, tx=tx))
    for other in (bet(session, 101, tx=tx), bet(session, 100, tx=tx, round_id="round-2")):
        with pytest.raises(DuplicateTransactionError):
            await wallet.debit(ledger, other)
    with pytest.raises(DuplicateTransactionError):
        await wallet.credit(ledger, payout(session, 100, tx=tx))
    assert await balance_of(database, session.player) == 900
    assert len(await ledger_rows(database, tx)) == 1


async def test_a_bet_above_the_balance_is_refused_recorded_and_refused_again(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(100)
    too_big = bet(session, 101)
    refused = await wallet.debit(ledger, too_big)
    assert refusal(refused) == ErrorCode.INSUFFICIENT_FUNDS
    await wallet.credit(ledger, payout(session, 1_000))
    # The first request decided: even now that the balance would cover it, it stays refused.
    assert await wallet.debit(ledger, too_big) == refused
    assert await balance_of(database, session.player) == 1_100
    [row] = await ledger_rows(database, too_big.transaction_id)
    assert (row["outcome"], row["error_code"]) == ("rejected", "INSUFFICIENT_FUNDS")


async def test_a_bet_of_the_whole_balance_empties_the_wallet(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(500)
    reply = await wallet.debit(ledger, bet(session, 500))
    assert balance_in(reply) == 0


async def test_a_zero_payout_closes_a_losing_round(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(500)
    reply = await wallet.credit(ledger, payout(session, 0))
    assert balance_in(reply) == 500


async def test_an_unknown_session_is_refused_and_nothing_recorded(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(500)
    stranger = bet(session, 10).model_copy(update={"session_token": "no-such-token"})
    with pytest.raises(InvalidSessionError):
        await wallet.debit(ledger, stranger)
    with pytest.raises(InvalidSessionError):
        await wallet.get_balance(ledger, GetBalanceRequest(session_token="no-such-token"))
    assert await ledger_rows(database, stranger.transaction_id) == []


async def test_an_ended_session_takes_no_bets_but_still_gets_payouts(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    session = await new_session(500)
    placed = bet(session, 100)
    await wallet.debit(ledger, placed)
    await end_session(database, session.opened.session_id)
    late_bet = bet(session, 100)
    with pytest.raises(InvalidSessionError):
        await wallet.debit(ledger, late_bet)
    assert await ledger_rows(database, late_bet.transaction_id) == []
    # A retry of the bet decided while the session was active still gets its reply.
    assert balance_in(await wallet.debit(ledger, placed)) == 400
    won = await wallet.credit(ledger, payout(session, 250))
    assert balance_in(won) == 650


async def test_a_payout_naming_another_players_bet_is_refused(
    ledger: LedgerPool, database: Database, new_session: NewSession
) -> None:
    alice, bob = await new_session(500), await new_session(500)
    alices_bet = bet(alice, 100)
    await wallet.debit(ledger, alices_bet)
    with pytest.raises(TransactionNotFoundError):
        await wallet.credit(ledger, payout(bob, 1_000, related=alices_bet.transaction_id))
    assert await balance_of(database, bob.player) == 500


async def test_transaction_ids_are_scoped_to_the_provider(
    ledger: LedgerPool, database: Database, new_session: NewSession, unique: str
) -> None:
    """The same transactionId from two providers is two transactions."""
    session = await new_session(1_000)
    other_game = await _game_of_another_provider(database, unique)
    other = PlayerSession(
        session.player, await open_session(database, session.player.user_id, other_game)
    )
    tx = new_id("bet")
    await wallet.debit(ledger, bet(session, 100, tx=tx))
    reply = await wallet.debit(ledger, bet(other, 200, tx=tx))
    assert balance_in(reply) == 700
    assert len(await ledger_rows(database, tx)) == 2


async def _game_of_another_provider(database: Database, unique: str) -> uuid.UUID:
    provider_id, game_id = uuid.uuid4(), uuid.uuid4()
    async with database.begin() as db:
        await db.execute(
            text("INSERT INTO casino_game_providers (id, code, name) VALUES (:id, :code, 'X')"),
            {"id": provider_id, "code": f"other-{unique}"},
        )
        await db.execute(
            text(
                "INSERT INTO casino_games (id, provider_id, provider_game_code, name)"
                " VALUES (:id, :provider, 'other-slots', 'Other Slots')"
            ),
            {"id": game_id, "provider": provider_id},
        )
    return game_id
