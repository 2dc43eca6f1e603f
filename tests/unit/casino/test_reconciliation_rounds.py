"""The reconciliation of the casino's ledger with the provider's calls
(`casino.audit.reconciliation`) knows the calls rounds brought: an end of round is a call
like the others, a payout's kind must agree, and the new refusals are recorded decisions."""

from types import SimpleNamespace
from typing import Any

from casino.audit.reconciliation import _disagreements, _Ledger


def _call(**fields: Any) -> Any:
    base = {"round_id": "r-1", "error_code": None, "kind": None, "amount": 0}
    return SimpleNamespace(**(base | fields))


def _row(**fields: Any) -> Any:
    base = {"round_id": "r-1", "error_code": None, "kind": None, "amount": 0}
    return SimpleNamespace(**(base | fields))


def _ledger(*rows: Any) -> _Ledger:
    return _Ledger({row.transaction_id: row for row in rows}, set())


def test_an_end_of_round_agrees_with_its_ledger_row() -> None:
    call = _call(transaction_id="end-1", type="end_round", status="accepted")
    row = _row(transaction_id="end-1", type="end_round", outcome="accepted")
    assert _disagreements(call, _ledger(row)) == []


def test_a_payout_of_another_kind_differs() -> None:
    call = _call(transaction_id="w-1", type="payout", status="accepted", amount=5, kind="jackpot")
    row = _row(transaction_id="w-1", type="credit", outcome="accepted", amount=5, kind="win")
    [found] = _disagreements(call, _ledger(row))
    assert found.rule == "decision_differs"
    assert found.detail.endswith("jackpot / win")
    # Sent without a kind, a payout is a win.
    plain = _call(transaction_id="w-1", type="payout", status="accepted", amount=5)
    assert _disagreements(plain, _ledger(row)) == []


def test_a_refused_bet_into_a_closed_round_must_be_in_the_ledger() -> None:
    call = _call(transaction_id="b-1", type="bet", status="rejected", error_code="ROUND_CLOSED")
    [missing] = _disagreements(call, _ledger())
    assert missing.rule == "missing_in_casino"
    # A refusal that is not a decision leaves no row, rightly.
    unknown = _call(
        transaction_id="b-2", type="bet", status="rejected", error_code="INVALID_SESSION"
    )
    assert _disagreements(unknown, _ledger()) == []
