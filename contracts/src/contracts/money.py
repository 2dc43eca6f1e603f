"""Money on the wire: integers in minor units (cents), never floats, strings or booleans.

docs/PROTOCOL.md: floats (`10.5`, and `10.0` too), strings (`"100"`), booleans, null, negatives and
values above 10^15 are 400 INVALID_AMOUNT. The validators raise a custom pydantic error
of type `invalid_amount`, so an entry point can map it to that code by type, whatever the
field is called.
"""

from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

MAX_AMOUNT = 10**15
INVALID_AMOUNT_ERROR = "invalid_amount"


def _minor_units(minimum: int) -> BeforeValidator:
    def check(value: Any) -> int:
        # bool is a subclass of int, so the type check is exact on purpose.
        if type(value) is not int:
            raise PydanticCustomError(
                INVALID_AMOUNT_ERROR,
                "amount must be a whole number of minor units (cents), got {kind}",
                {"kind": type(value).__name__ if value is not None else "null"},
            )
        if not minimum <= value <= MAX_AMOUNT:
            raise PydanticCustomError(
                INVALID_AMOUNT_ERROR,
                "amount must be between {minimum} and {maximum} minor units",
                {"minimum": minimum, "maximum": MAX_AMOUNT},
            )
        return value

    return BeforeValidator(check)


Amount = Annotated[int, _minor_units(0)]
"""Zero or more minor units: a credit may be 0 (a losing round is closed with a 0 win)."""

BetAmount = Annotated[int, _minor_units(1)]
"""At least one minor unit: a debit of nothing is not a bet."""

MAX_BALANCE = 10**18
"""The most a wallet may hold, in minor units: a balance is a different quantity from an
amount, with its own bound. It leaves room below PostgreSQL's bigint (about 9.2 * 10^18)
for one more amount, so no arithmetic on a balance can overflow the ledger's columns; a
credit or refund that would pass it is refused (BALANCE_LIMIT_EXCEEDED)."""


def _balance(value: Any) -> int:
    if type(value) is not int or not 0 <= value <= MAX_BALANCE:
        raise PydanticCustomError(
            "invalid_balance",
            "balance must be a whole number of minor units between 0 and {maximum}",
            {"maximum": MAX_BALANCE},
        )
    return value


Balance = Annotated[int, BeforeValidator(_balance)]
"""A wallet's balance on the wire: whole minor units from 0 to MAX_BALANCE."""
