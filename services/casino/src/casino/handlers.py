"""The wallet worker's translation: message bytes in, exactly one `RpcReply` out.

An entry point only: it parses the command, makes one call into `casino.wallet`, and maps
the outcome. Every outcome is a reply value, never an exception: a handler that raised
would get its message rejected and leave the gateway waiting until its timeout.
"""

import logging
import time
from typing import TypeAlias

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from casino import metrics, wallet
from casino.database import SessionFactory
from casino.errors import (
    InvalidAmountError,
    InvalidCommandError,
    WalletError,
    WalletUnavailableError,
)
from contracts.errors import ErrorBody
from contracts.money import INVALID_AMOUNT_ERROR
from contracts.rpc import (
    CreditCommand,
    DebitCommand,
    GetBalanceCommand,
    RollbackCommand,
    RpcReply,
    WalletCommand,
)

log = logging.getLogger(__name__)

AnyWalletCommand: TypeAlias = GetBalanceCommand | DebitCommand | CreditCommand | RollbackCommand
_COMMAND: TypeAdapter[AnyWalletCommand] = TypeAdapter(WalletCommand)


async def answer(sessions: SessionFactory, body: bytes, correlation_id: str | None) -> RpcReply:
    """The reply to one wallet command message, whatever happens."""
    started = time.perf_counter()
    try:
        command = _COMMAND.validate_json(body)
    except ValidationError as error:
        log.warning("invalid wallet command", extra={"correlation_id": correlation_id})
        reply = RpcReply(error=_invalid(error))
        _count("invalid", reply, started)
        return reply
    logged = {
        "correlation_id": correlation_id,
        "command": command.command,
        "transaction_id": getattr(command.request, "transaction_id", None),
    }
    try:
        reply = await _apply(sessions, command)
    except WalletError as error:
        reply = RpcReply(error=error.body())
    except (SQLAlchemyError, OSError) as error:
        log.warning("wallet database failed: %r", error, extra=logged)
        reply = RpcReply(error=WalletUnavailableError().body())
    except Exception:
        log.exception("wallet command failed unexpectedly", extra=logged)
        reply = RpcReply(error=WalletError().body())
    outcome = _count(command.command, reply, started)
    log.info("wallet command answered", extra={**logged, "outcome": outcome})
    return reply


def _count(command: str, reply: RpcReply, started: float) -> str:
    """Record the command's outcome code (`ok` or the error code) and duration."""
    outcome = reply.error.code if reply.error else "ok"
    metrics.WALLET_OUTCOMES.labels(command=command, code=outcome).inc()
    metrics.COMMANDS.labels(consumer="wallet", command=command, outcome=outcome).inc()
    metrics.COMMAND_SECONDS.labels(consumer="wallet", command=command).observe(
        time.perf_counter() - started
    )
    return outcome


async def _apply(sessions: SessionFactory, command: AnyWalletCommand) -> RpcReply:
    match command:
        case GetBalanceCommand(request=request):
            return await wallet.get_balance(sessions, request)
        case DebitCommand(request=request):
            return await wallet.debit(sessions, request)
        case CreditCommand(request=request):
            return await wallet.credit(sessions, request)
        case RollbackCommand(request=request):
            return await wallet.rollback(sessions, request)


def _invalid(error: ValidationError) -> ErrorBody:
    """INVALID_AMOUNT for a bad amount, INVALID_REQUEST naming the field otherwise."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    kind = InvalidAmountError if first["type"] == INVALID_AMOUNT_ERROR else InvalidCommandError
    return kind(f"{field}: {first['msg']}").body()
