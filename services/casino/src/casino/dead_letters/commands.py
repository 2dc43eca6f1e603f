"""`casino dead-letters list [--limit N] [--json]`, `casino dead-letters requeue QUEUE KEY`
and `casino dead-letters discard QUEUE KEY --reason TEXT`.

The queues are the dead-letter queues of the configured wallet and lobby queues
(`WALLET_QUEUE`, `LOBBY_QUEUE`). Listing leaves every message where it is; a requeue or a
discard names the message by the queue and key the listing printed. Exit status: 0 done,
1 no such message, 2 refused (an unknown queue, the broker not taking the command back).
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from casino.dead_letters.inspect import (
    DeadLetter,
    RequeueFailedError,
    UnknownDeadLetterQueueError,
    discard,
    list_dead_letters,
    requeue,
)
from casino.settings import CasinoSettings
from contracts.logs import configure_logging

NAMES: tuple[str, ...] = ("dead-letters",)
"""The subcommands this module adds and answers."""

NOT_FOUND, REFUSED = 1, 2
# How much of a command a line of the listing shows; --json shows it whole.
COMMAND_PREVIEW_CHARS = 160


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands to the `casino` parser."""
    dead = commands.add_parser(
        "dead-letters", help="commands kept in the dead-letter queues: list, requeue, discard"
    )
    actions = dead.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="every dead letter, left in its queue")
    listing.add_argument("--limit", type=_positive, default=100, help="at most this many")
    listing.add_argument("--json", action="store_true", help="print JSON")
    again = actions.add_parser(
        "requeue", help="send the command back to its command queue (applied now or expired)"
    )
    drop = actions.add_parser("discard", help="remove the dead letter for good")
    for parser in (again, drop):
        parser.add_argument("queue", metavar="QUEUE", help="the dead-letter queue, e.g. X.dead")
        parser.add_argument("key", metavar="KEY", help="the message key the listing printed")
    drop.add_argument("--reason", required=True, help="why: printed and logged")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    """Answer `casino dead-letters ACTION`; the exit status."""
    amqp_url = settings.amqp_url.get_secret_value()
    queues = (settings.wallet_queue, settings.lobby_queue)
    if args.action == "list":
        letters = asyncio.run(list_dead_letters(amqp_url, args.limit, command_queues=queues))
        print(json.dumps([_fields(x) for x in letters], indent=2) if args.json else _table(letters))
        return 0
    # A requeue and a discard are logged (JSON lines on stderr), the discard with its reason.
    configure_logging()
    try:
        if args.action == "requeue":
            done = asyncio.run(requeue(amqp_url, args.queue, args.key, command_queues=queues))
            what = f"requeued to {args.queue.removesuffix('.dead')}"
        else:
            if not args.reason.strip():
                print("refused: a discard needs a reason", file=sys.stderr)
                return REFUSED
            done = asyncio.run(
                discard(amqp_url, args.queue, args.key, reason=args.reason, command_queues=queues)
            )
            what = f"discarded (reason: {args.reason})"
    except (UnknownDeadLetterQueueError, RequeueFailedError) as refused:
        print(f"refused ({refused.code}): {refused}", file=sys.stderr)
        return REFUSED
    if not done:
        print(f"no dead letter {args.key!r} in {args.queue}", file=sys.stderr)
        return NOT_FOUND
    print(f"{args.queue} {args.key}: {what}")
    return 0


def _fields(letter: DeadLetter) -> dict[str, object]:
    return {
        "queue": letter.queue,
        "messageKey": letter.message_key,
        "reason": letter.reason,
        "firstDeathAt": letter.first_death_at.isoformat() if letter.first_death_at else None,
        "command": letter.command,
        "headers": letter.headers,
    }


def _table(letters: Sequence[DeadLetter]) -> str:
    if not letters:
        return "no dead letters"
    lines: list[str] = []
    for letter in letters:
        when = letter.first_death_at.isoformat(timespec="seconds") if letter.first_death_at else "?"
        command = json.dumps(letter.command, sort_keys=True)
        if len(command) > COMMAND_PREVIEW_CHARS:
            command = command[: COMMAND_PREVIEW_CHARS - 1] + "…"
        lines.append(f"{letter.queue}  {letter.message_key}  {letter.reason}  since {when}")
        lines.append(f"    {command}")
    lines.append(f"{len(letters)} dead letter{'s' if len(letters) != 1 else ''}")
    return "\n".join(lines)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value
