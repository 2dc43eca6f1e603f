"""The casino's wallet callbacks, as the provider calls them: signed, then validated, then
sent to the wallet worker over RPC, batched with whatever else waits at that moment
(`gateway.batching`). Nothing unsigned or malformed reaches the queue.
"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.errors import ErrorCode
from contracts.rpc import CreditCommand, DebitCommand, GetBalanceCommand, RollbackCommand
from contracts.wallet import (
    BalanceReply,
    CreditRequest,
    DebitRequest,
    GetBalanceRequest,
    RollbackReply,
    RollbackRequest,
    TransactionReply,
)
from gateway.body import parse_body
from gateway.commands import send_command
from gateway.dependencies import SettingsDep, WalletRpcDep
from gateway.openapi import error_responses, json_body
from gateway.security import VerifiedBodyDep

router = APIRouter(prefix="/casino", tags=["wallet callbacks (signed by the provider)"])

_EVERY_CALLBACK = (
    ErrorCode.INVALID_REQUEST,
    ErrorCode.SIGNATURE_INVALID,
    ErrorCode.INVALID_SESSION,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.INTERNAL_ERROR,
    ErrorCode.WALLET_UNAVAILABLE,
)
_MONEY_MOVING = (
    *_EVERY_CALLBACK,
    ErrorCode.INVALID_AMOUNT,
    ErrorCode.DUPLICATE_TRANSACTION,
)


@router.post(
    "/getBalance",
    response_model=BalanceReply,
    openapi_extra=json_body(GetBalanceRequest),
    responses=error_responses(_EVERY_CALLBACK),
)
async def get_balance(
    body: VerifiedBodyDep, rpc: WalletRpcDep, settings: SettingsDep
) -> JSONResponse:
    """The balance of the session player's wallet."""
    command = GetBalanceCommand(request=parse_body(GetBalanceRequest, body))
    return await send_command(rpc, settings.wallet_queue, command, settings.rpc_timeout_seconds)


@router.post(
    "/debit",
    response_model=TransactionReply,
    openapi_extra=json_body(DebitRequest),
    responses=error_responses(
        (*_MONEY_MOVING, ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.TRANSACTION_ROLLED_BACK)
    ),
)
async def debit(body: VerifiedBodyDep, rpc: WalletRpcDep, settings: SettingsDep) -> JSONResponse:
    """A bet. Idempotent by transactionId: a retry gets the first reply again."""
    command = DebitCommand(request=parse_body(DebitRequest, body))
    return await send_command(rpc, settings.wallet_queue, command, settings.rpc_timeout_seconds)


@router.post(
    "/credit",
    response_model=TransactionReply,
    openapi_extra=json_body(CreditRequest),
    responses=error_responses((*_MONEY_MOVING, ErrorCode.TRANSACTION_NOT_FOUND)),
)
async def credit(body: VerifiedBodyDep, rpc: WalletRpcDep, settings: SettingsDep) -> JSONResponse:
    """A payout (0 closes a losing round). Idempotent by transactionId."""
    command = CreditCommand(request=parse_body(CreditRequest, body))
    return await send_command(rpc, settings.wallet_queue, command, settings.rpc_timeout_seconds)


@router.post(
    "/rollback",
    response_model=RollbackReply,
    openapi_extra=json_body(RollbackRequest),
    responses=error_responses(
        (
            *_EVERY_CALLBACK,
            ErrorCode.DUPLICATE_TRANSACTION,
            ErrorCode.TRANSACTION_NOT_FOUND,
            ErrorCode.ROLLBACK_NOT_ALLOWED,
            ErrorCode.CANNOT_ROLLBACK_PAYOUT,
        )
    ),
)
async def rollback(body: VerifiedBodyDep, rpc: WalletRpcDep, settings: SettingsDep) -> JSONResponse:
    """Cancels a bet; an unknown bet leaves a tombstone. Idempotent by transactionId."""
    command = RollbackCommand(request=parse_body(RollbackRequest, body))
    return await send_command(rpc, settings.wallet_queue, command, settings.rpc_timeout_seconds)
