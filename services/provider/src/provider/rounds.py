"""The round-playing rules: one new round, its actions played in the order given.

- `balance_check` asks the casino for the balance; `bet` debits, `payout` credits (naming
  bet[betIndex] when given), `rollback` cancels bet[betIndex]. `betIndex` counts the bets
  played so far in this round (free rounds included); one that names no such bet is
  reported rejected (INVALID_REQUEST) and the round goes on, as it does after any
  rejection by the casino.
- `free_round` takes one round of a campaign the casino registered (`provider.campaigns`)
  and debits its `betAmount` naming the campaign; a campaign we do not hold, or that is
  cancelled, expired or used up, is reported rejected with the casino's codes
  (FREE_ROUNDS_NOT_FOUND / _EXPIRED / _EXHAUSTED) and nothing is sent. A `payout` naming a
  free round is its `bonus` win, naming the campaign.
- `jackpot_win` and `promo_win` are credits of kind `jackpot` and `promo`; they may name a
  bet, and need not.
- `end_round` closes the round at the casino (`/casino/endRound`); `roundClosed` on a bet
  or a payout closes it with that call. Whatever comes after is still sent, and the
  casino answers it (ROUND_CLOSED for a bet or a payout).
- Each call gets a fresh transactionId, recorded with its body before it is sent
  (`bets`).
- A debit whose outcome is still unknown after the client's retries may have taken the
  player's money: it is rolled back at once, by a rollback naming it, retried far longer,
  so the round never leaves an unsettled bet behind it.
- A payout, rollback or end_round whose outcome is still unknown must still reach the
  casino: it stays pending and the retry queue (`provider.resuming`) sends it again; the
  round is closed when its last call is settled.
- Structurally impossible actions are refused before the round starts
  (`provider.round_actions`), so they move no money.
"""

import uuid
from dataclasses import dataclass, field

from contracts.errors import ErrorCode
from contracts.provider import (
    ActionResult,
    ProviderSimulateReply,
    ProviderSimulateRequest,
    RoundAction,
)
from contracts.wallet import (
    CreditKind,
    CreditRequest,
    DebitRequest,
    EndRoundRequest,
    GetBalanceRequest,
    RollbackRequest,
)
from provider.bets import json_of, new_transaction_id
from provider.calls import Calls
from provider.campaigns import FreeRoundRefusal, give_back_round, take_round
from provider.database import SessionFactory
from provider.game_rounds import close_round_if_settled, open_round
from provider.kinds import BetStatus, BetType
from provider.models import Bet, FreeRoundCampaign, GameRound, PlayerSession
from provider.outcomes import CallOutcome
from provider.round_actions import check_actions
from provider.sessions import find_active_game, find_casino, find_session

PAYOUT_KINDS = {
    "payout": CreditKind.WIN,
    "jackpot_win": CreditKind.JACKPOT,
    "promo_win": CreditKind.PROMO,
}


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
    play = _Play(table, game_round, session, request.session_token, correlation_id)
    try:
        results = [await play.step(action) for action in request.actions]
    finally:
        # Even a round cut short (our database failing before a call was sent) is over,
        # once the retry queue has settled what it still holds.
        await close_round_if_settled(table.sessions, game_round.id)
    return ProviderSimulateReply(
        round_id=str(game_round.id), results=results, final_balance=play.balance
    )


@dataclass
class _Play:
    table: RoundTable
    game_round: GameRound
    session: PlayerSession
    token: str
    correlation_id: str | None
    # The round's bets in order; None for a free round we refused before sending it, which
    # still takes its place, so the betIndex of every later bet stays what it was meant.
    bets: list[Bet | None] = field(default_factory=list)
    balance: int | None = None
    # The campaign of each free round played, by the free round's row id.
    free_rounds: dict[uuid.UUID, FreeRoundCampaign] = field(default_factory=dict)

    async def step(self, action: RoundAction) -> ActionResult:
        if action.type == "balance_check":
            request = GetBalanceRequest(session_token=self.token)
            outcome = await self.table.calls.casino.get_balance(request, self.correlation_id)
            self._heard(outcome)
            return _result(action, outcome)
        if action.type == "bet":
            return await self._bet(action)
        if action.type == "free_round":
            return await self._free_round(action)
        if action.type == "end_round":
            return await self._end_round(action)
        if action.type != "rollback" and action.bet_index is None:
            return await self._payout(action, None)
        related = self._bet_at(action.bet_index)
        if related is None:
            return _no_such_bet(action, len(self.bets))
        if action.type != "rollback":
            return await self._payout(action, related)
        rollback, outcome = await self._rollback(related, "cancelled by the game")
        return _result(action, outcome, rollback)

    async def _bet(
        self, action: RoundAction, campaign: FreeRoundCampaign | None = None
    ) -> ActionResult:
        # check_actions: a bet has an amount of at least 1; a free round bets the campaign's.
        amount = campaign.bet_amount if campaign else action.amount or 0
        request = DebitRequest(
            session_token=self.token,
            transaction_id=new_transaction_id(BetType.BET),
            round_id=str(self.game_round.id),
            amount=amount,
            round_closed=action.round_closed,
            jackpot_contribution=action.jackpot_contribution,
            free_rounds_campaign_id=campaign.campaign_id if campaign else None,
        )
        bet = await self.calls.record(
            self.game_round.id, request, amount, campaign_id=campaign.id if campaign else None
        )
        self.bets.append(bet)
        if campaign:
            self.free_rounds[bet.id] = campaign
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

    async def _free_round(self, action: RoundAction) -> ActionResult:
        campaign_id = action.campaign_id or ""  # check_actions: a free round names one
        async with self.table.sessions() as db:
            taken = await take_round(db, self.session, campaign_id)
        if isinstance(taken, FreeRoundRefusal):
            self.bets.append(None)
            return _refused(action, taken.code, taken.error)
        result = await self._bet(action, taken)
        if result.status == BetStatus.REJECTED.value:
            await give_back_round(self.table.sessions, taken)
        return result

    async def _end_round(self, action: RoundAction) -> ActionResult:
        request = EndRoundRequest(
            session_token=self.token,
            transaction_id=new_transaction_id(BetType.END_ROUND),
            round_id=str(self.game_round.id),
        )
        end = await self.calls.record(self.game_round.id, request, 0)
        outcome = await self.calls.send(end, self.correlation_id)
        await self._write(end, outcome)
        return _result(action, outcome, end)

    async def _payout(self, action: RoundAction, related: Bet | None) -> ActionResult:
        """A credit of the action's kind; a `payout` naming a free round is its bonus win."""
        amount = action.amount or 0  # check_actions: a payout has an amount
        campaign = self.free_rounds.get(related.id) if related else None
        kind = PAYOUT_KINDS[action.type]
        if campaign and kind is CreditKind.WIN:
            kind = CreditKind.BONUS
        else:
            campaign = None  # a jackpot or a promotion is no free round's win
        request = CreditRequest(
            session_token=self.token,
            transaction_id=new_transaction_id(BetType.PAYOUT),
            round_id=str(self.game_round.id),
            amount=amount,
            related_transaction_id=related.transaction_id if related else None,
            round_closed=action.round_closed,
            kind=kind,
            free_rounds_campaign_id=campaign.campaign_id if campaign else None,
        )
        payout = await self.calls.record(
            self.game_round.id,
            request,
            amount,
            related,
            campaign_id=campaign.id if campaign else None,
        )
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
    index = action.bet_index
    why = (
        f"the round has {bets_so_far} so far"
        if index is None or index >= bets_so_far
        else "it is a free round that was not played"
    )
    return _refused(action, ErrorCode.INVALID_REQUEST, f"betIndex {index} names no bet: {why}")


def _refused(action: RoundAction, code: ErrorCode, error: str) -> ActionResult:
    """An action refused by us before any call was made (attempts 0)."""
    return ActionResult(
        type=action.type,
        amount=action.amount,
        bet_index=action.bet_index,
        campaign_id=action.campaign_id,
        status="rejected",
        code=code.value,
        error=error,
        attempts=0,
    )


def _result(
    action: RoundAction, outcome: CallOutcome, bet: Bet | None = None, note: str | None = None
) -> ActionResult:
    sent = json_of(bet) if bet else {}
    return ActionResult(
        type=action.type,
        transaction_id=bet.transaction_id if bet else None,
        amount=bet.amount if bet else None,
        bet_index=action.bet_index,
        kind=bet.kind if bet else None,
        campaign_id=sent.get("freeRoundsCampaignId"),
        status=outcome.status.value,
        code=outcome.code,
        error="; ".join(part for part in (outcome.error, note) if part) or None,
        balance_after=outcome.balance,
        attempts=outcome.attempts,
    )
