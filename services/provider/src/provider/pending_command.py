"""`game-provider pending`: the operator's view of the retry queue, and their hand on it.

    game-provider pending [--json]              every call still pending, and its state
    game-provider pending retry ID              send it now, by the queue's own rules
    game-provider pending settle ID --reason TEXT [--outcome unknown|accepted|rejected]

ID is the call's id or its transactionId. Both actions are logged with who (`--by`, the
login name by default), when and, for a settlement, why; a settlement sends nothing and
deletes nothing: it records the operator's ruling (`unknown` unless told what the casino
decided, so the ledger check still sees whether money moved).
"""

import argparse
import asyncio
import getpass
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

from provider.backoff import RetrySchedule
from provider.call_queue import QueueError, claim, pending_calls, settle_by_hand
from provider.calls import open_calls
from provider.database import SessionFactory, make_engine, make_session_factory
from provider.game_rounds import close_round_if_settled
from provider.kinds import BetStatus
from provider.resuming import Resumer
from provider.settings import ProviderSettings

T = TypeVar("T")
SETTLED_AS = [BetStatus.UNKNOWN.value, BetStatus.ACCEPTED.value, BetStatus.REJECTED.value]


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    pending = commands.add_parser(
        "pending", help="list the calls still pending; retry or settle one by hand"
    )
    pending.add_argument("--json", action="store_true", help="print the list as JSON")
    actions = pending.add_subparsers(dest="action")
    retry = actions.add_parser("retry", help="send a pending call now (the queue's rules)")
    retry.add_argument("id", help="the call's id or transactionId")
    settle = actions.add_parser("settle", help="mark a pending call settled, with a reason")
    settle.add_argument("id", help="the call's id or transactionId")
    settle.add_argument("--reason", required=True, help="why (kept with the call)")
    settle.add_argument(
        "--outcome",
        choices=SETTLED_AS,
        default=BetStatus.UNKNOWN.value,
        help="what the casino decided, when known (default: unknown)",
    )
    for action in (retry, settle):
        action.add_argument("--by", default=_login(), help="who is acting (default: login)")


def run(arguments: argparse.Namespace, settings: ProviderSettings) -> int:
    """The exit status: 0 done, 1 refused (no such pending call, or it is being sent)."""
    try:
        if arguments.action == "retry":
            print(_with_sessions(settings, lambda s: _retry(s, settings, arguments)))
        elif arguments.action == "settle":
            print(_with_sessions(settings, lambda s: _settle(s, arguments)))
        else:
            print(_with_sessions(settings, lambda s: _listing(s, arguments.json)))
    except QueueError as refusal:
        print(f"refused: {refusal}")
        return 1
    return 0


async def _listing(sessions: SessionFactory, as_json: bool) -> str:
    calls = await pending_calls(sessions)
    if as_json:
        return json.dumps([call.to_json() for call in calls], indent=2)
    lines = [f"{len(calls)} pending call(s)"]
    for pending in calls:
        fields = pending.to_json()
        lines.append(
            f"{fields['id']} {fields['type']} {fields['transactionId']}"
            f" amount={fields['amount']} round={fields['roundId']}"
            f" written={fields['writtenAt']} attempts={fields['attempts']}"
            f" resends={fields['resends']} {fields['state']}"
            f" next={fields['nextAttemptAt']} last error={fields['lastError']}"
        )
    return "\n".join(lines)


async def _retry(
    sessions: SessionFactory, settings: ProviderSettings, arguments: argparse.Namespace
) -> str:
    async with open_calls(settings, sessions) as calls:
        call = await claim(sessions, arguments.id, calls.in_flight_seconds)
        queue = Resumer(calls, RetrySchedule.from_settings(settings))
        resumed = await queue.resume(call, actor=f"operator {arguments.by}")
    outcome = resumed.outcome
    told = f"{outcome.status.value} {outcome.code or ''}".strip()
    if resumed.rollback is not None:
        return f"{call.transaction_id}: rolled back by {resumed.rollback.transaction_id}: {told}"
    after = (
        f"; next attempt {resumed.next_attempt_at.isoformat()}" if resumed.next_attempt_at else ""
    )
    return f"{call.transaction_id}: {told} after {outcome.attempts} attempt(s){after}"


async def _settle(sessions: SessionFactory, arguments: argparse.Namespace) -> str:
    call = await settle_by_hand(
        sessions,
        arguments.id,
        BetStatus(arguments.outcome),
        f"operator {arguments.by}",
        arguments.reason,
    )
    await close_round_if_settled(sessions, call.round_id)
    return f"{call.transaction_id}: settled by hand as {call.status} ({arguments.reason})"


def _with_sessions(settings: ProviderSettings, use: Callable[[SessionFactory], Awaitable[T]]) -> T:
    async def go() -> T:
        engine = make_engine(settings.provider_database_url.get_secret_value())
        try:
            return await use(make_session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _login() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no login name in this environment (a container without a user)
        return "unknown"
