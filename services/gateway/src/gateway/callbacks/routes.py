"""The casino's wallet callbacks, as the provider calls them: each endpoint parses its
signed body against the contract (`gateway.body.parse_body`: 400 INVALID_REQUEST or
INVALID_AMOUNT naming the field), makes it a wallet command that names the provider who
signed it, and sends it on. Nothing unsigned or malformed reaches the queue.

`callbacks.fast_path` answers a POST to these paths by calling the endpoints below itself,
in front of FastAPI, so each takes a `SignedCallback` (`callbacks.signature`) and nothing
else; FastAPI still documents them (OpenAPI) and answers any other method on their paths.
"""

from fastapi import APIRouter
from fastapi.responses import Response

from contracts.errors import ErrorCode
from contracts.rpc import (
    CreditCommand,
    DebitCommand,
    EndRoundCommand,
    GetBalanceCommand,
    RollbackCommand,
)
from contracts.wallet import (
    BalanceReply,
    CreditRequest,
    DebitRequest,
    EndRoundReply,
    EndRoundRequest,
    GetBalanceRequest,
    RollbackReply,
    RollbackRequest,
    TransactionReply,
)
from gateway.body import parse_body
from gateway.callbacks.signature import SignedCallbackDep
from gateway.openapi import error_responses, signed_json_body

router = APIRouter(prefix="/casino", tags=["wallet callbacks (signed by the provider)"])

_EVERY_CALLBACK = (
    ErrorCode.INVALID_REQUEST,
    ErrorCode.SIGNATURE_INVALID,
    ErrorCode.PROVIDER_DISABLED,
    ErrorCode.INVALID_SESSION,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.INTERNAL_ERROR,
    ErrorCode.WALLET_UNAVAILABLE,
    ErrorCode.COMMAND_NOT_APPLICABLE,
)
_MONEY_MOVING = (
    *_EVERY_CALLBACK,
    ErrorCode.INVALID_AMOUNT,
    ErrorCode.DUPLICATE_TRANSACTION,
)


@router.post(
    "/getBalance",
    response_model=BalanceReply,
    openapi_extra=signed_json_body(GetBalanceRequest),
    responses=error_responses(_EVERY_CALLBACK),
)
async def get_balance(callback: SignedCallbackDep) -> Response:
    """The balance of the session player's wallet."""
    command = GetBalanceCommand(
        request=parse_body(GetBalanceRequest, callback.body), provider=callback.provider
    )
    return await callback.send(command)


@router.post(
    "/debit",
    response_model=TransactionReply,
    openapi_extra=signed_json_body(DebitRequest),
    responses=error_responses(
        (
            *_MONEY_MOVING,
            ErrorCode.INSUFFICIENT_FUNDS,
            ErrorCode.TRANSACTION_ROLLED_BACK,
            ErrorCode.ROUND_CLOSED,
            ErrorCode.FREE_ROUNDS_NOT_FOUND,
            ErrorCode.FREE_ROUNDS_EXHAUSTED,
            ErrorCode.FREE_ROUNDS_EXPIRED,
            ErrorCode.BET_LIMIT_EXCEEDED,
            ErrorCode.LOSS_LIMIT_EXCEEDED,
            ErrorCode.SESSION_TIME_EXCEEDED,
            ErrorCode.PLAYER_EXCLUDED,
        )
    ),
)
async def debit(callback: SignedCallbackDep) -> Response:
    """A bet (a free round when it names its campaign). Idempotent by transactionId: a
    retry gets the first reply again."""
    command = DebitCommand(
        request=parse_body(DebitRequest, callback.body), provider=callback.provider
    )
    return await callback.send(command)


@router.post(
    "/credit",
    response_model=TransactionReply,
    openapi_extra=signed_json_body(CreditRequest),
    responses=error_responses(
        (
            *_MONEY_MOVING,
            ErrorCode.TRANSACTION_NOT_FOUND,
            ErrorCode.BALANCE_LIMIT_EXCEEDED,
            ErrorCode.TRANSACTION_ROLLED_BACK,
            ErrorCode.ROUND_CLOSED,
            ErrorCode.FREE_ROUNDS_NOT_FOUND,
        )
    ),
)
async def credit(callback: SignedCallbackDep) -> Response:
    """A payout (0 closes a losing round) of a kind: win, bonus, jackpot or promo.
    Idempotent by transactionId."""
    command = CreditCommand(
        request=parse_body(CreditRequest, callback.body), provider=callback.provider
    )
    return await callback.send(command)


@router.post(
    "/rollback",
    response_model=RollbackReply,
    openapi_extra=signed_json_body(RollbackRequest),
    responses=error_responses(
        (
            *_EVERY_CALLBACK,
            ErrorCode.DUPLICATE_TRANSACTION,
            ErrorCode.TRANSACTION_NOT_FOUND,
            ErrorCode.BALANCE_LIMIT_EXCEEDED,
            ErrorCode.ROLLBACK_NOT_ALLOWED,
            ErrorCode.CANNOT_ROLLBACK_PAYOUT,
        )
    ),
)
async def rollback(callback: SignedCallbackDep) -> Response:
    """Cancels a bet; an unknown bet leaves a tombstone. Idempotent by transactionId."""
    command = RollbackCommand(
        request=parse_body(RollbackRequest, callback.body), provider=callback.provider
    )
    return await callback.send(command)


@router.post(
    "/endRound",
    response_model=EndRoundReply,
    openapi_extra=signed_json_body(EndRoundRequest),
    responses=error_responses((*_EVERY_CALLBACK, ErrorCode.DUPLICATE_TRANSACTION)),
)
async def end_round(callback: SignedCallbackDep) -> Response:
    """Closes a round, known or not: nothing is bet or paid into it afterwards (its bets
    can still be rolled back). Idempotent by transactionId."""
    command = EndRoundCommand(
        request=parse_body(EndRoundRequest, callback.body), provider=callback.provider
    )
    return await callback.send(command)
