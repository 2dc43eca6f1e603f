"""The round-playing rules: one new round, its actions played in the order given.

- `balance_check` asks the casino for the balance; `bet` debits, `payout` credits (naming
  bet[betIndex] when given), `rollback` cancels bet[betIndex]. `betIndex` counts the bets
  played so far in this round; one that names no such bet is reported rejected
  (INVALID_REQUEST) and the round goes on, as it does after any rejection by the casino.
- Each money call gets a fresh transactionId, recorded before it is sent (`bets`).
- A debit whose outcome is still unknown after the client's retries may have taken the
  player's money: it is rolled back at once, by a rollback naming it, retried far longer,
  so the round never leaves an unsettled bet behind it.
- Structurally impossible actions (a bet without an amount, a rollback naming no bet) are
  refused before the round starts, so they move no money.
"""

from collections.abc import Awaitable
from dataclasses import dataclass, field

from contracts.errors import ErrorCode
from contracts.provider import (
    ActionResult,
    ProviderSimulateReply,
    ProviderSimulateRequest,
    RoundAction,
)
from contracts.wallet import CreditRequest, DebitRequest, GetBalanceRequest, RollbackRequest
from provider.bets import close_round, open_round, record_call, record_outcome
from provider.casino_client import CasinoClient
from provider.database import SessionFactory
from provider.errors import InvalidAmountError, InvalidRequestError
from provider.kinds import BetStatus, BetType
from provider.models import Bet, GameRound
from provider.outcomes import CallOutcome
from provider.sessions import find_active_game, find_casino, find_session


@dataclass
class RoundTable:
    """What playing a round needs: our database, the casino, and how hard to insist."""

    sessions: SessionFactory
    casino: CasinoClient
    unknown_debit_rollback_attempts: int


async def play_round(
    table: RoundTable, request: ProviderSimulateRequest, correlation_id: str | None = None
) -> ProviderSimulateReply:
    check_actions(request.actions)
    async with table.sessions() as db:
        casino = await find_casino(db, request.casino_code)
        game = await find_active_game(db, request.game_id)
        session = await find_session(db, casino, request.session_token, game)
    game_round = await open_round(table.sessions, session)
    play = _Play(table, game_round, request.session_token, correlation_id)
    try:
        results = [await play.step(action) for action in request.actions]
    finally:
        # Even a round cut short (our database failing before a call was sent) is over.
        await close_round(table.sessions, game_round.id)
    return ProviderSimulateReply(
        round_id=str(game_round.id), results=results, final_balance=play.balance
    )


def check_actions(actions: list[RoundAction]) -> None:
    for position, action in enumerate(actions):
        if action.type in ("bet", "payout") and action.amount is None:
            raise InvalidRequestError(
                f"actions[{position}].amount: a {action.type} needs an amount"
            )
        if action.type == "bet" and action.amount == 0:
            raise InvalidAmountError(f"actions[{position}].amount: a bet is at least 1 minor unit")
        if action.type == "rollback" and action.bet_index is None:
            raise InvalidRequestError(f"actions[{position}].betIndex: a rollback names a bet")


@dataclass
class _Play:
    table: RoundTable
    game_round: GameRound
    token: str
    correlation_id: str | None
    bets: list[Bet] = field(default_factory=list)
    balance: int | None = None

    async def step(self, action: RoundAction) -> ActionResult:
        if action.type == "balance_check":
            request = GetBalanceRequest(session_token=self.token)
            outcome = await self.table.casino.get_balance(request, self.correlation_id)
            self._heard(outcome)
            return _result(action, outcome)
        if action.type == "bet":
            return await self._bet(action)
        if action.type == "payout" and action.bet_index is None:
            return await self._payout(action, None)
        related = self._bet_at(action.bet_index)
        if related is None:
            return _no_such_bet(action, len(self.bets))
        if action.type == "payout":
            return await self._payout(action, related)
        rollback, outcome = await self._rollback(related, "cancelled by the game")
        return _result(action, outcome, rollback)

    async def _bet(self, action: RoundAction) -> ActionResult:
        amount = action.amount or 0  # check_actions: a bet has an amount of at least 1
        bet = await record_call(self.table.sessions, self.game_round.id, BetType.BET, amount)
        self.bets.append(bet)
        request = DebitRequest(
            session_token=self.token,
            transaction_id=bet.transaction_id,
            round_id=str(self.game_round.id),
            amount=amount,
        )
        outcome = await self._settle(bet, self.table.casino.debit(request, self.correlation_id))
        if outcome.status is not BetStatus.UNKNOWN:
            return _result(action, outcome, bet)
        # The debit may have taken the money; cancel it rather than leave it unsettled.
        reason = f"debit outcome unknown after {outcome.attempts} attempt(s)"
        rollback, cancelled = await self._rollback(
            bet, reason, self.table.unknown_debit_rollback_attempts
        )
        note = (
            f"{reason}; rolled back by {rollback.transaction_id}: {cancelled.status.value}"
            f" after {cancelled.attempts} attempt(s)"
        )
        return _result(action, outcome, bet, note)

    async def _payout(self, action: RoundAction, related: Bet | None) -> ActionResult:
        amount = action.amount or 0  # check_actions: a payout has an amount
        payout = await record_call(
            self.table.sessions, self.game_round.id, BetType.PAYOUT, amount, related
        )
        request = CreditRequest(
            session_token=self.token,
            transaction_id=payout.transaction_id,
            round_id=str(self.game_round.id),
            amount=amount,
            related_transaction_id=related.transaction_id if related else None,
        )
        outcome = await self._settle(payout, self.table.casino.credit(request, self.correlation_id))
        return _result(action, outcome, payout)

    async def _rollback(
        self, bet: Bet, reason: str, attempts: int | None = None
    ) -> tuple[Bet, CallOutcome]:
        rollback = await record_call(
            self.table.sessions, self.game_round.id, BetType.ROLLBACK, bet.amount, bet, reason
        )
        request = RollbackRequest(
            session_token=self.token,
            transaction_id=rollback.transaction_id,
            original_transaction_id=bet.transaction_id,
            reason=reason,
        )
        call = self.table.casino.rollback(request, self.correlation_id, attempts=attempts)
        return rollback, await self._settle(rollback, call)

    async def _settle(self, bet: Bet, call: Awaitable[CallOutcome]) -> CallOutcome:
        """Wait for the call's outcome and record it on the bet's row."""
        outcome = await call
        await record_outcome(self.table.sessions, bet, outcome)
        self._heard(outcome)
        return outcome

    def _heard(self, outcome: CallOutcome) -> None:
        if outcome.balance is not None:
            self.balance = outcome.balance

    def _bet_at(self, index: int | None) -> Bet | None:
        if index is None or index >= len(self.bets):
            return None
        return self.bets[index]


def _no_such_bet(action: RoundAction, bets_so_far: int) -> ActionResult:
    return ActionResult(
        type=action.type,
        amount=action.amount,
        bet_index=action.bet_index,
        status="rejected",
        code=ErrorCode.INVALID_REQUEST.value,
        error=f"betIndex {action.bet_index} names no bet: the round has {bets_so_far} so far",
        attempts=0,
    )


def _result(
    action: RoundAction, outcome: CallOutcome, bet: Bet | None = None, note: str | None = None
) -> ActionResult:
    return ActionResult(
        type=action.type,
        transaction_id=bet.transaction_id if bet else None,
        amount=bet.amount if bet else None,
        bet_index=action.bet_index,
        status=outcome.status.value,
        code=outcome.code,
        error="; ".join(part for part in (outcome.error, note) if part) or None,
        balance_after=outcome.balance,
        attempts=outcome.attempts,
    )
