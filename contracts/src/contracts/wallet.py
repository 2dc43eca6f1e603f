"""The casino's wallet callbacks, as the provider calls them (POST /casino/<name>).

Each request model is also the payload of the matching RPC command (see `rpc.py`). Every
text field is a `contracts.text` type, so nothing the database cannot store reaches the
wallet; every balance is a `contracts.money.Balance`.
"""

from typing import Literal

from contracts.base import WireModel
from contracts.money import Amount, Balance, BetAmount
from contracts.text import Identifier, SessionToken, Text


class GetBalanceRequest(WireModel):
    session_token: SessionToken


class DebitRequest(WireModel):
    """A bet: takes `amount` from the wallet of the session's player."""

    session_token: SessionToken
    transaction_id: Identifier
    round_id: Identifier
    amount: BetAmount
    description: Text | None = None


class CreditRequest(WireModel):
    """A payout: adds `amount` (0 closes a losing round) to the session player's wallet."""

    session_token: SessionToken
    transaction_id: Identifier
    round_id: Identifier
    amount: Amount
    related_transaction_id: Identifier | None = None
    description: Text | None = None


class RollbackRequest(WireModel):
    """Cancels the bet `original_transaction_id`, returning its amount to the wallet."""

    session_token: SessionToken
    transaction_id: Identifier
    original_transaction_id: Identifier
    reason: Text | None = None


class BalanceReply(WireModel):
    success: Literal[True] = True
    balance: Balance
    currency: str


class TransactionReply(WireModel):
    """The reply to a debit or credit; a retry gets exactly the first one again."""

    success: Literal[True] = True
    transaction_id: str
    balance: Balance
    currency: str


class RollbackReply(WireModel):
    success: Literal[True] = True
    transaction_id: str
    rolled_back: bool
    balance: Balance
    currency: str
    message: str | None = None
