"""The casino's ledger held against the provider's record of its calls, round by round.

An operator's audit tool, not part of either service: the protocol (docs/PROTOCOL.md)
says no service reads the other's tables, so this runs apart from both, given both
database URLs, read-only. The provider records every money call before sending it
(`provider_bets`), with the casino's final answer once it has one; the casino's ledger
is the authority on money.
They agree when, for each provider round:

- `round_not_final` / `call_not_final`: the round is closed and no call is still pending;
- `missing_in_casino`: every call the provider heard decided has its casino row (a
  refusal that is not a decision, such as INVALID_SESSION, is not recorded by the
  casino, docs/PROTOCOL.md "Idempotency", and must have no row: it moved nothing);
- `decision_differs`: with the same type, outcome, error code, (bets and payouts)
  amount and (payouts) kind; an end of round is a call like the others;
- `unknown_call_applied`: a call whose outcome the provider never heard left no money
  moved behind it (an unheard bet must have been refunded; an unheard payout or refund
  must not have been applied);

and `unknown_to_provider`: the casino holds no row for this provider that the provider
never sent.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Row

from casino.audit.findings import AuditReport, Violation
from casino.audit.readonly import read_only_engine
from contracts.errors import ErrorCode

Record = Row[Any]
# The business rejections the protocol calls decisions: the casino records them.
RECORDED_REJECTIONS = {
    ErrorCode.INSUFFICIENT_FUNDS,
    ErrorCode.ROLLBACK_NOT_ALLOWED,
    ErrorCode.CANNOT_ROLLBACK_PAYOUT,
    ErrorCode.TRANSACTION_ROLLED_BACK,
    ErrorCode.BALANCE_LIMIT_EXCEEDED,
    ErrorCode.ROUND_CLOSED,
    ErrorCode.FREE_ROUNDS_EXHAUSTED,
    ErrorCode.FREE_ROUNDS_EXPIRED,
    ErrorCode.BET_LIMIT_EXCEEDED,
    ErrorCode.LOSS_LIMIT_EXCEEDED,
    ErrorCode.SESSION_TIME_EXCEEDED,
    ErrorCode.PLAYER_EXCLUDED,
}
CASINO_TYPE = {"bet": "debit", "payout": "credit", "rollback": "rollback", "end_round": "end_round"}

PROVIDER_CALLS = """
SELECT b.transaction_id, b.type, b.amount, b.status, b.error_code, b.kind,
       b.round_id::text AS round_id, r.status AS round_status
FROM provider_bets AS b JOIN provider_game_rounds AS r ON r.id = b.round_id
"""
PROVIDER_ROUNDS = "SELECT id::text AS round_id, status FROM provider_game_rounds"
CASINO_ROWS = """
SELECT t.transaction_id, t.type, t.outcome, t.error_code, t.amount, t.round_id,
       t.original_transaction_id, t.kind
FROM casino_transactions AS t JOIN casino_game_providers AS p ON p.id = t.provider_id
WHERE p.code = :provider_code
"""


@dataclass(frozen=True)
class _Ledger:
    """The casino's rows of one provider, by transactionId, and the bets refunded."""

    rows: dict[str, Record]
    refunded: set[str]

    def charged(self, bet_id: str) -> bool:
        row = self.rows.get(bet_id)
        accepted_bet = row is not None and row.type == "debit" and row.outcome == "accepted"
        return accepted_bet and bet_id not in self.refunded


async def reconcile(
    casino_database_url: str, provider_database_url: str, *, provider_code: str
) -> AuditReport:
    """Every disagreement between the casino's ledger (rows of `provider_code`) and the
    provider's calls; the report counts the provider's rounds and calls."""
    casino_rows = await _read(casino_database_url, CASINO_ROWS, provider_code=provider_code)
    calls = await _read(provider_database_url, PROVIDER_CALLS)
    rounds = await _read(provider_database_url, PROVIDER_ROUNDS)
    ledger = _Ledger(
        {row.transaction_id: row for row in casino_rows},
        {
            row.original_transaction_id
            for row in casino_rows
            if row.type == "rollback" and row.outcome == "accepted" and row.amount > 0
        },
    )
    report = AuditReport(provider_rounds=len(rounds), provider_calls=len(calls))
    calls_by_round: dict[str, list[Record]] = defaultdict(list)
    for call in calls:
        calls_by_round[call.round_id].append(call)
    for game_round in rounds:
        if game_round.status != "closed":
            report.violations.append(
                Violation("round_not_final", f"round {game_round.round_id}", game_round.status)
            )
        for call in calls_by_round[game_round.round_id]:
            report.violations += _disagreements(call, ledger)
    sent = {call.transaction_id for call in calls}
    for transaction_id, row in ledger.rows.items():
        if transaction_id not in sent:
            report.violations.append(
                Violation(
                    "unknown_to_provider",
                    f"round {row.round_id}",
                    f"{row.outcome} {row.type} {transaction_id} of {row.amount}",
                )
            )
    return report


def _disagreements(call: Record, ledger: _Ledger) -> list[Violation]:
    subject = f"round {call.round_id}"
    row = ledger.rows.get(call.transaction_id)
    what = f"{call.type} {call.transaction_id}"
    if call.status == "pending":
        return [Violation("call_not_final", subject, f"{what} is still pending")]
    if call.status == "unknown":
        if _applied(call, row, ledger):
            assert row is not None
            detail = f"{what}: the provider never heard, the casino {row.outcome} it"
            return [Violation("unknown_call_applied", subject, detail)]
        return []
    if row is None:
        if call.status == "rejected" and call.error_code not in RECORDED_REJECTIONS:
            return []
        return [Violation("missing_in_casino", subject, f"{what} ({call.status})")]
    expected = (CASINO_TYPE.get(call.type, call.type), call.status, call.error_code)
    found = (row.type, row.outcome, row.error_code)
    amount_counts = call.type != "rollback" and call.status == "accepted"
    # A payout sent without a kind is a win (the wire's default).
    kind_differs = call.type == "payout" and (call.kind or "win") != row.kind
    if expected != found or (amount_counts and call.amount != row.amount) or kind_differs:
        kinds = f" {call.kind or 'win'} / {row.kind}" if kind_differs else ""
        detail = (
            f"{what}: provider {call.status} {call.error_code or ''} {call.amount},"
            f" casino {row.outcome} {row.error_code or ''} {row.type} {row.amount}{kinds}"
        )
        return [Violation("decision_differs", subject, detail)]
    return []


def _applied(call: Record, row: Record | None, ledger: _Ledger) -> bool:
    """Whether a call the provider never heard the end of moved money that stands."""
    if row is None or row.outcome != "accepted":
        return False
    if call.type == "bet":
        return ledger.charged(call.transaction_id)
    return bool(row.amount > 0)


async def _read(database_url: str, query: str, **params: str) -> list[Record]:
    engine = read_only_engine(database_url)
    try:
        async with engine.connect() as db:
            return list(await db.execute(text(query), params))
    finally:
        await engine.dispose()
