"""The round-playing rules: one new round, its actions played in the order given.

- `balance_check` asks the casino for the balance; `bet` debits, `payout` credits (naming
  bet[betIndex] when given), `rollback` cancels bet[betIndex]. `betIndex` counts the bets
  played so far in this round; one that names no such bet is reported rejected
  (INVALID_REQUEST) and the round goes on, as it does after any rejection by the casino.
- Each money call gets a fresh transactionId, recorded with its body before it is sent
  (`bets`).
- A debit whose outcome is still unknown after the client's retries may have taken the
  player's money: it is rolled back at once, by a rollback naming it, retried far longer,
  so the round never leaves an unsettled bet behind it.
- A payout or rollback whose outcome is still unknown must still reach the casino: it
  stays pending and the retry queue (`provider.resuming`) sends it again; the round is
  closed when its last call is settled.
- Structurally impossible actions (a bet without an amount, a rollback naming no bet) are
  refused before the round starts, so they move no money.
"""

from dataclasses import dataclass, field

from contracts.errors import ErrorCode
from contracts.provider import (
    ActionResult,
    ProviderSimulateReply,
    ProviderSimulateRequest,
    RoundAction,
)
from contracts.wallet import CreditRequest, DebitRequest, GetBalanceRequest, RollbackRequest
from provider.bets import new_transaction_id
from provider.calls import Calls
from provider.database import SessionFactory
from provider.errors import InvalidAmountError, InvalidRequestError
from provider.game_rounds import close_round_if_settled, open_round
from provider.kinds import BetStatus, BetType
from provider.models import Bet, GameRound
from provider.outcomes import CallOutcome
from provider.sessions import find_active_game, find_casino, find_session


@dataclass
class RoundTable:
    """What playing a round needs: our database (for the sessions) and the money calls."""

    calls: Calls

    @property
    def sessions(self) -> SessionFactory:
        return self.calls.sessions


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
        # Even a round cut short (our database failing before a call was sent) is over,
        # once the retry queue has settled what it still holds.
        await close_round_if_settled(table.sessions, game_round.id)
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
            outcome = await self.table.calls.casino.get_balance(request, self.correlation_id)
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
        request = DebitRequest(
            session_token=self.token,
            transaction_id=new_transaction_id(BetType.BET),
            round_id=str(self.game_round.id),
            amount=amount,
        )
        bet = await self.calls.record(self.game_round.id, request, amount)
        self.bets.append(bet)
        outcome = await self.calls.send(bet, self.correlation_id)
        if outcome.status is not BetStatus.UNKNOWN:
            await self._write(bet, outcome)
            return _result(action, outcome, bet)
        # The debit may have taken the money; cancel it rather than leave it unsettled.
        reason = f"debit outcome unknown after {outcome.attempts} attempt(s)"
        rollback, cancelled = await self.calls.roll_back(bet, outcome, reason, self.correlation_id)
        self._heard(cancelled)
        note = (
            f"{reason}; rolled back by {rollback.transaction_id}: {cancelled.status.value}"
            f" after {cancelled.attempts} attempt(s)"
        )
        if cancelled.status is BetStatus.UNKNOWN:
            note += "; the retry queue goes on with it"
        return _result(action, outcome, bet, note)

    async def _payout(self, action: RoundAction, related: Bet | None) -> ActionResult:
        amount = action.amount or 0  # check_actions: a payout has an amount
        request = CreditRequest(
            session_token=self.token,
            transaction_id=new_transaction_id(BetType.PAYOUT),
            round_id=str(self.game_round.id),
            amount=amount,
            related_transaction_id=related.transaction_id if related else None,
        )
        payout = await self.calls.record(self.game_round.id, request, amount, related)
        outcome = await self.calls.send(payout, self.correlation_id)
        await self._write(payout, outcome)
        return _result(action, outcome, payout)

    async def _rollback(self, bet: Bet, reason: str) -> tuple[Bet, CallOutcome]:
        request = RollbackRequest(
            session_token=self.token,
            transaction_id=new_transaction_id(BetType.ROLLBACK),
            original_transaction_id=bet.transaction_id,
            reason=reason,
        )
        rollback = await self.calls.record(self.game_round.id, request, bet.amount, bet, reason)
        outcome = await self.calls.send(rollback, self.correlation_id)
        await self._write(rollback, outcome)
        return rollback, outcome

    async def _write(self, call: Bet, outcome: CallOutcome) -> None:
        """Record the call's outcome on its row; learn the balance it tells."""
        await self.calls.write(call, outcome)
        self._heard(outcome)

    @property
    def calls(self) -> Calls:
        return self.table.calls

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
