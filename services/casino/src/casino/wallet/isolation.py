"""Isolation: a failure that belongs to one command of a batch never decides another's outcome.

A batch shares one database transaction, so anything that fails in it rolls back every
command in it. Two kinds of failure are told apart:

- **the database's**: it is unreachable, shutting down, out of resources, read-only, or
  not the schema this code expects (`is_the_databases`). Every command would fail alike
  and a retry later may succeed, so the batch is answered WALLET_UNAVAILABLE (retryable)
  at once: nothing is bisected into round trips against a database that is down.
- **one command's**: anything else, such as a value the database cannot take that
  validation missed (a data exception, a CHECK or trigger refusing a row), or an
  unexpected error while deciding a command. Its culprit is found and answered
  COMMAND_NOT_APPLICABLE (not retryable: nothing was stored, and the same command fails
  the same way again); every other command of the batch is decided without it, in order.

Finding the culprit. When deciding a command raised (`CommandFailedError`), the culprit is
known: the batch runs once more without it (one more transaction). When the database
refused the batch, the error does not say which command was at fault: the batch is
bisected, each half applied (and committed) on its own in order, until the failing
commands stand alone. One culprit among N costs about 2·log2(N) more transactions; a
batch that fails in every command costs 2N - 1. Only a failing batch pays: a batch that
succeeds runs exactly as before, with no extra round trip.

A culprit is logged with what identifies its command (never the session token, which
is a bearer secret; a database error's message can quote a parameter, so only its
SQLSTATE and constraint are logged) and counted in `casino_wallet_isolated_failures_total`.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeAlias

import asyncpg

from casino.consuming import metrics
from casino.wallet.errors import CommandNotApplicableError, WalletError
from contracts.rpc import AnyWalletCommand, RpcReply

log = logging.getLogger(__name__)

Outcome: TypeAlias = RpcReply | WalletError
"""What a command comes to: its reply, or the refusal that recorded nothing."""
Run: TypeAlias = Callable[[Sequence[AnyWalletCommand]], Awaitable[list[Outcome]]]
"""Apply commands in one transaction and return their outcomes, or raise."""

# SQLSTATE classes of a database that cannot serve any command now, whatever its values:
# connection exception, invalid transaction state (a read-only standby), invalid
# authorization, invalid catalog name, transaction rollback (serialization, deadlock),
# syntax error or access rule violation (a schema the code does not expect), insufficient
# resources, object not in prerequisite state (lock not available), operator
# intervention (shutdown, query cancelled), system error, configuration file error,
# internal error. Everything else (data exceptions, integrity violations, a trigger's
# RAISE) is about the values of the rows a command brings.
_THE_DATABASES = frozenset({"08", "25", "28", "3D", "40", "42", "53", "55", "57", "58", "F0", "XX"})


class CommandFailedError(Exception):
    """Raised inside a batch's transaction when deciding one of its commands raised
    unexpectedly: it names that command, so the batch can run again without it."""

    def __init__(self, position: int, error: Exception) -> None:
        super().__init__(f"deciding command {position} of the batch failed")
        self.position = position
        self.error = error


def is_the_databases(error: BaseException) -> bool:
    """Whether `error` is a failure of the database itself, not of one command's values."""
    if isinstance(error, asyncpg.PostgresError):
        return (error.sqlstate or "")[:2] in _THE_DATABASES
    return isinstance(error, OSError | asyncpg.InterfaceError | asyncpg.InternalClientError)


async def apply_isolated(run: Run, commands: Sequence[AnyWalletCommand]) -> list[Outcome]:
    """The outcomes of `run(commands)`; if it fails for one command's sake, each command's
    own outcome and COMMAND_NOT_APPLICABLE for the culprits. Raises the database's failures."""
    if not commands:
        return []
    try:
        return await run(commands)
    except Exception as error:
        if is_the_databases(error):
            raise
        failure = error
    # Outside the except block, so a later failure is not chained to this one in the logs.
    return await _without_the_culprits(run, commands, failure)


async def _without_the_culprits(
    run: Run, commands: Sequence[AnyWalletCommand], failure: Exception
) -> list[Outcome]:
    if isinstance(failure, CommandFailedError):
        culprit = failure.position
        others = await apply_isolated(run, [*commands[:culprit], *commands[culprit + 1 :]])
        return [
            *others[:culprit],
            _not_applicable(commands[culprit], failure.error),
            *others[culprit:],
        ]
    if len(commands) == 1:
        return [_not_applicable(commands[0], failure)]
    middle = len(commands) // 2
    earlier = await apply_isolated(run, commands[:middle])
    return [*earlier, *await apply_isolated(run, commands[middle:])]


def _not_applicable(command: AnyWalletCommand, error: Exception) -> CommandNotApplicableError:
    """The culprit's answer, logged and counted."""
    cause = type(error).__name__
    request = command.request
    logged: dict[str, object] = {
        "command": command.command,
        "transaction_id": _loggable(getattr(request, "transaction_id", None)),
        "round_id": _loggable(getattr(request, "round_id", None)),
        "original_transaction_id": _loggable(getattr(request, "original_transaction_id", None)),
        "amount": getattr(request, "amount", None),
        "cause": cause,
    }
    if isinstance(error, asyncpg.PostgresError):
        logged |= {"sqlstate": error.sqlstate, "constraint": error.constraint_name}
        log.error("wallet command not applicable: the database refused it", extra=logged)
    else:
        log.error(
            "wallet command not applicable: deciding it failed",
            extra=logged,
            exc_info=(type(error), error, error.__traceback__),
        )
    metrics.ISOLATED_FAILURES.labels(command=command.command, cause=cause).inc()
    return CommandNotApplicableError()


def _loggable(text: str | None) -> str | None:
    """`text` as a log line can carry it: a value the database could not take may hold
    what a JSON encoder refuses too (a lone surrogate), and is escaped instead."""
    return None if text is None else text.encode("utf-8", "backslashreplace").decode()
