"""The mix settles only accepted bets, each once, so a correct system answers it all
with success; the hot workload stays on its one wallet."""

from __future__ import annotations

from collections import Counter

from tests.benchmark.workload import MIX, Workload


def test_credits_and_rollbacks_name_accepted_bets_once_each() -> None:
    workload = Workload([f"t{n}" for n in range(50)], seed=7, prefix="x")
    settled: list[str] = []
    accepted: set[str] = set()
    kinds: Counter[str] = Counter()
    for _ in range(4000):
        operation = workload.next()
        kinds[operation.kind] += 1
        if operation.bet is not None:
            accepted.add(operation.bet.transaction_id)
            workload.accepted(operation.bet)
        elif operation.kind == "credit":
            settled.append(operation.body["relatedTransactionId"])
        elif operation.kind == "rollback":
            settled.append(operation.body["originalTransactionId"])
    assert len(settled) == len(set(settled))
    assert set(settled) <= accepted
    for kind, share in MIX.items():
        assert abs(kinds[kind] / 4000 - share) < 0.04


def test_a_credit_pays_the_round_of_its_bet_on_its_session() -> None:
    workload = Workload(["only"], seed=1, prefix="x")
    bet = None
    while bet is None:
        bet = workload.next().bet
    workload.accepted(bet)
    while (operation := workload.next()).kind not in ("credit", "rollback"):
        pass
    assert operation.body["sessionToken"] == "only"
    if operation.kind == "credit":
        assert operation.body["roundId"] == bet.round_id


def test_transaction_ids_are_unique() -> None:
    workload = Workload(["a", "b"], seed=3, prefix="x")
    ids = [workload.next().body.get("transactionId") for _ in range(2000)]
    present = [i for i in ids if i]
    assert len(present) == len(set(present))
