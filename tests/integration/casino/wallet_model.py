"""A reference model of the wallet protocol, for the stateful test `test_wallet_model.py`.

Plain Python, no I/O, written to be checked line by line against docs/PROTOCOL.md:
"Idempotency", "Rollback rules" 1-7, "Money", "Sessions and rounds" and, of "Rounds,
payouts and free rounds", that a cancelled bet cannot win. `Model.apply`
takes a request and the reply the real wallet gave, raises `UnexpectedReplyError` if the protocol
does not allow that reply there, and otherwise takes the decision in.

The model does not build reply bytes: the first reply to a transactionId is the wallet's
own, once its fields are checked, and every later retry must be that reply byte for byte.

Requests sent at once may be decided in any order; `serial_order` accepts their replies
if some order of them explains every one, and returns the model after that order.
"""

import copy
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias


@dataclass(frozen=True)
class Session:
    player: str
    currency: str
    provider: str

    @property
    def wallet(self) -> str:
        """A player has one wallet per currency."""
        return f"{self.player}:{self.currency}"


SESSIONS = {
    "A": Session("A", "USD", "P1"),
    "A2": Session("A", "USD", "P1"),  # the same wallet; the test ends this session
    "A@P2": Session("A", "USD", "P2"),  # the same wallet at another provider
    "A-EUR": Session("A", "EUR", "P1"),  # the same player, another currency
    "B": Session("B", "USD", "P1"),
}
UNKNOWN_SESSION = "nobody"
"""A session name whose token the casino never issued."""
WALLETS = sorted({session.wallet for session in SESSIONS.values()})
PROVIDERS = sorted({session.provider for session in SESSIONS.values()})


@dataclass(frozen=True)
class GetBalance:
    session: str


@dataclass(frozen=True)
class Debit:
    session: str
    tx: str
    round: str
    amount: int
    description: str | None = None


@dataclass(frozen=True)
class Credit:
    session: str
    tx: str
    round: str
    amount: int
    related: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Rollback:
    session: str
    tx: str
    original: str
    reason: str | None = None


MoneyRequest: TypeAlias = Debit | Credit | Rollback
Request: TypeAlias = GetBalance | MoneyRequest
Key: TypeAlias = tuple[str, str]
"""(provider, transactionId): a transactionId is scoped to the provider of its session."""


def fingerprint(request: MoneyRequest) -> tuple[object, ...]:
    """What makes two requests with one transactionId the same (Idempotency): type, session,
    amount, round and original transaction; description, reason and related do not count."""
    match request:
        case Debit() | Credit():
            return (type(request), request.session, request.amount, request.round, None)
        case Rollback():
            return (Rollback, request.session, None, None, request.original)


class UnexpectedReplyError(AssertionError):
    """The wallet gave a reply the protocol does not allow at this point."""


@dataclass
class Decided:
    """A transactionId's first decision, recorded for ever."""

    request: MoneyRequest
    wallet: str
    accepted: bool
    reply: bytes


@dataclass
class Model:
    balances: dict[str, int]
    ended: set[str] = field(default_factory=set)
    decided: dict[Key, Decided] = field(default_factory=dict)
    tombstones: set[Key] = field(default_factory=set)
    refunds: dict[Key, str] = field(default_factory=dict)
    """bet → the rollback that returned its amount"""
    paid_rounds: set[tuple[str, str, str]] = field(default_factory=set)
    """(provider, wallet, round) with an accepted payout"""

    def apply(self, request: Request, reply: bytes) -> None:
        body = json.loads(reply)
        session = SESSIONS.get(request.session)
        if session is None:
            refused(body, "INVALID_SESSION")
            return
        if isinstance(request, GetBalance):
            succeeded(body, balance=self.balances[session.wallet], currency=session.currency)
            return
        key = (session.provider, request.tx)
        if (first := self.decided.get(key)) is not None:
            if fingerprint(first.request) != fingerprint(request):
                refused(body, "DUPLICATE_TRANSACTION")
            elif reply != first.reply:
                raise UnexpectedReplyError(f"a retry got {reply!r}, not the first {first.reply!r}")
            return
        match request:
            case Debit():
                accepted = self.debit(session, request, body)
            case Credit():
                accepted = self.credit(session, request, body)
            case Rollback():
                accepted = self.rollback(session, request, body)
        if accepted is not None:  # a decision, not a refusal
            self.decided[key] = Decided(request, session.wallet, accepted, reply)

    def debit(self, session: Session, request: Debit, body: Any) -> bool | None:
        if request.session in self.ended:
            return refused(body, "INVALID_SESSION")
        if (session.provider, request.tx) in self.tombstones:  # rule 7
            return refused(body, "TRANSACTION_ROLLED_BACK", decision=True)
        if self.balances[session.wallet] < request.amount:
            return refused(body, "INSUFFICIENT_FUNDS", decision=True)
        self.balances[session.wallet] -= request.amount
        return self.moved(session, request, body)

    def credit(self, session: Session, request: Credit, body: Any) -> bool | None:
        related = self.decided.get((session.provider, request.related)) if request.related else None
        if related is not None and related.wallet != session.wallet:  # rule 6
            return refused(body, "TRANSACTION_NOT_FOUND")
        if request.related and (
            (session.provider, request.related) in self.tombstones
            or (session.provider, request.related) in self.refunds
        ):  # a cancelled bet cannot win
            return refused(body, "TRANSACTION_ROLLED_BACK", decision=True)
        self.balances[session.wallet] += request.amount
        self.paid_rounds.add((session.provider, session.wallet, request.round))
        return self.moved(session, request, body)

    def moved(self, session: Session, request: Debit | Credit, body: Any) -> bool:
        balance = self.balances[session.wallet]
        succeeded(body, transactionId=request.tx, balance=balance, currency=session.currency)
        return True

    def rollback(self, session: Session, request: Rollback, body: Any) -> bool | None:
        bet_key = (session.provider, request.original)
        bet = self.decided.get(bet_key)

        def answered(rolled_back: bool, message: str | None) -> bool:
            balance = self.balances[session.wallet]
            succeeded(
                body,
                message,
                transactionId=request.tx,
                rolledBack=rolled_back,
                balance=balance,
                currency=session.currency,
            )
            return True

        if bet is None:  # rule 5
            self.tombstones.add(bet_key)
            return answered(True, "tombstone")
        if bet.wallet != session.wallet:  # rule 6
            return refused(body, "TRANSACTION_NOT_FOUND")
        if not isinstance(bet.request, Debit):  # rule 1
            return refused(body, "CANNOT_ROLLBACK_PAYOUT", decision=True)
        if not bet.accepted:  # rule 4, a rejected bet
            return answered(False, "nothing to refund")
        if (refund := self.refunds.get(bet_key)) is not None:  # rule 4, refunded already
            return answered(True, refund)
        if (session.provider, session.wallet, bet.request.round) in self.paid_rounds:  # rule 2
            return refused(body, "ROLLBACK_NOT_ALLOWED", decision=True)
        self.balances[session.wallet] += bet.request.amount  # rule 3
        self.refunds[bet_key] = request.tx
        return answered(True, None)


def refused(body: Any, code: str, *, decision: bool = False) -> bool | None:
    """Check that `body` refuses with `code`, not retryable, in a sentence. A business
    rejection is a decision (recorded, and a rejection: False); other refusals record
    nothing (None)."""
    error = dict(body["error"]) if body.keys() == {"error"} else {}
    sentence = error.pop("error", None)
    if not sentence or error != {"success": False, "code": code, "retryable": False}:
        raise UnexpectedReplyError(f"expected a {code} refusal, got {body}")
    return False if decision else None


def succeeded(body: Any, mentions: str | None = None, **fields: object) -> None:
    """Check that `body` is a success with exactly `fields`, and a message that contains
    `mentions` if given (a rollback that moves nothing says why), else none."""
    result = dict(body["result"]) if body.keys() == {"result"} else {}
    message = result.pop("message", None)
    if result != {"success": True, **fields}:
        raise UnexpectedReplyError(f"expected a success with {fields}, got {body}")
    if mentions is None and message is not None:
        raise UnexpectedReplyError(f"expected no message, got {body}")
    if mentions is not None and mentions.lower() not in str(message).lower():
        raise UnexpectedReplyError(f"expected a message naming {mentions!r}, got {body}")


def serial_order(model: Model, sent: Sequence[tuple[Request, bytes]]) -> Model:
    """The model after requests sent at once, if some serial order of them explains all
    their replies; raises the first order's UnexpectedReplyError if none does."""
    orders = list(dict.fromkeys(itertools.permutations(sent)))
    first_failure: UnexpectedReplyError | None = None
    for order in orders:
        candidate = copy.deepcopy(model)
        try:
            for request, reply in order:
                candidate.apply(request, reply)
        except UnexpectedReplyError as failure:
            first_failure = first_failure or failure
            continue
        return candidate
    if len(orders) == 1 and first_failure is not None:
        raise first_failure
    raise UnexpectedReplyError(
        f"no order of the {len(sent)} requests sent at once explains their replies;"
        f" in the order sent: {first_failure}"
    )
