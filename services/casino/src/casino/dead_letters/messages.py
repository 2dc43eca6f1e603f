"""What an operator reads of a dead letter, and the command put back from it: pure, no I/O.

A dead letter is the command message as its caller published it, plus the headers RabbitMQ
added when it dead-lettered it: `x-death` (one entry per queue and reason, newest first,
each with its `time`, `count` and the message's `original-expiration`) and
`x-first-death-*`. RabbitMQ removed the message's own `expiration` on the way, so that it
does not expire again in the dead-letter queue.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from contracts import topology

# What a body that is not a JSON object is shown as: its first bytes, enough to recognise.
UNREADABLE_PREFIX_BYTES = 200
# The headers RabbitMQ writes when it dead-letters a message; a requeued command starts
# without them, so a second dead-lettering is recorded as a first one, not a wrong count.
DEATH_HEADERS = frozenset(
    {
        "x-death",
        "x-first-death-reason",
        "x-first-death-queue",
        "x-first-death-exchange",
        "x-last-death-reason",
        "x-last-death-queue",
        "x-last-death-exchange",
    }
)
# When a dead letter says nothing of its original expiration (a command published without
# one), the requeued copy still gets one: applied now, while the operator looks, or not at all.
DEFAULT_REQUEUE_EXPIRATION_MS = 30_000


def message_key(
    correlation_id: str | None, message_id: str | None, body: bytes, headers: Mapping[str, Any]
) -> str:
    """A stable name for one dead letter, the same at every reading.

    The `correlation_id` the gateway gives every command message (the id its worker logs),
    else the AMQP `message_id`, else a digest of the body and headers (`sha256:` and 16 hex
    digits): never the delivery tag or the position, which change each time the queue is read.
    """
    if correlation_id:
        return correlation_id
    if message_id:
        return message_id
    digest = hashlib.sha256(body)
    digest.update(json.dumps(json_safe(dict(headers)), sort_keys=True).encode())
    return f"sha256:{digest.hexdigest()[:16]}"


def deaths(headers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The `x-death` entries, newest first; none for a message that was never dead-lettered."""
    entries = headers.get("x-death")
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, Mapping)]


def death_reason(headers: Mapping[str, Any]) -> str:
    """Why the message is in the dead-letter queue now: `rejected` (it failed again after
    redelivery), `expired` (nobody took it within its caller's timeout), `maxlen`,
    `delivery_limit`; `unknown` when RabbitMQ's headers are missing."""
    for entry in deaths(headers):
        return _text(entry.get("reason")) or "unknown"
    return _text(headers.get("x-first-death-reason")) or "unknown"


def first_death_at(headers: Mapping[str, Any]) -> datetime | None:
    """When the message was first dead-lettered (UTC), if RabbitMQ recorded it."""
    times = [_utc(entry.get("time")) for entry in deaths(headers)]
    known = [time for time in times if time is not None]
    return min(known) if known else None


def original_expiration_ms(headers: Mapping[str, Any]) -> int | None:
    """The per-message expiration the caller published the command with (its timeout), which
    RabbitMQ keeps in `x-death` as `original-expiration` (milliseconds, as text)."""
    for entry in deaths(headers):
        value = _text(entry.get("original-expiration"))
        if value is not None and value.isdigit():
            return int(value)
    return None


def requeue_expiration_seconds(headers: Mapping[str, Any]) -> float:
    """The expiration of a requeued command: its caller's original timeout, or 30 seconds."""
    milliseconds = original_expiration_ms(headers)
    if milliseconds is None or milliseconds <= 0:
        milliseconds = DEFAULT_REQUEUE_EXPIRATION_MS
    return milliseconds / 1000


def requeued_headers(headers: Mapping[str, Any], requeued_at: datetime) -> dict[str, Any]:
    """The headers of the requeued command: the caller's own (its correlation header
    included), without RabbitMQ's death records, and with when an operator put it back."""
    kept = {name: value for name, value in headers.items() if name not in DEATH_HEADERS}
    kept["casino-requeued-at"] = requeued_at.astimezone(UTC).isoformat()
    return kept


def command_of(body: bytes) -> dict[str, Any]:
    """The command a body carries: its JSON object, or `{"unreadable": <first bytes>}` for a
    body that is not one (a poison message is often exactly that)."""
    try:
        command = json.loads(body)
    except ValueError:
        command = None
    if isinstance(command, dict):
        return command
    return {"unreadable": body[:UNREADABLE_PREFIX_BYTES].decode("utf-8", errors="replace")}


def command_queue_of(dead_letter_queue: str, headers: Mapping[str, Any] | None = None) -> str:
    """The command queue a dead letter came from: the queue its newest `x-death` entry names
    (RabbitMQ's own record, right even when several command queues share one dead-letter
    queue), else the one whose dead letters `dead_letter_queue` keeps
    (`casino.lobby.v2.dead` → `casino.lobby.v2`)."""
    for entry in deaths(headers or {}):
        if (queue := _text(entry.get("queue"))) is not None:
            return queue
    return dead_letter_queue.removesuffix(topology.DEAD_LETTER_SUFFIX)


def json_safe(value: Any) -> Any:
    """`value` with AMQP's header types made JSON's: times as ISO 8601 (UTC), bytes as text."""
    if isinstance(value, Mapping):
        return {str(name): json_safe(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, datetime):
        return _as_utc(value).isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _text(value: Any) -> str | None:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return value if isinstance(value, str) else None


def _utc(value: Any) -> datetime | None:
    return _as_utc(value) if isinstance(value, datetime) else None


def _as_utc(moment: datetime) -> datetime:
    # AMQP timestamps are seconds since the epoch in UTC; decoded without a zone, they are UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
