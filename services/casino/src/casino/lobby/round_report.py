"""The round report: how a round the provider played is reported to the tester, every
step as played (`casino play-round` prints it): bets, free rounds, rollbacks, payouts with
their kind (win, bonus, jackpot, promo) and campaign, and the end of the round.

The provider's `finalBalance` is only what it last heard; the casino database is the
authority on money, so the caller passes the wallet's balance read after the round.
"""

from uuid import UUID

from contracts.lobby import RoundTransaction, SimulateRoundReply
from contracts.provider import ActionResult, ProviderSimulateReply


def round_report(
    played: ProviderSimulateReply, session_id: UUID, final_balance: int, currency: str
) -> SimulateRoundReply:
    return SimulateRoundReply(
        session_id=session_id,
        round_id=played.round_id,
        transactions=[_transaction(result) for result in played.results],
        final_balance=final_balance,
        currency=currency,
    )


def _transaction(result: ActionResult) -> RoundTransaction:
    return RoundTransaction(
        type=result.type,
        transaction_id=result.transaction_id,
        amount=result.amount,
        balance_after=result.balance_after,
        status=result.status,
        code=result.code,
        attempts=result.attempts,
        bet_index=result.bet_index,
        kind=result.kind.value if result.kind else None,
        campaign_id=result.campaign_id,
    )
