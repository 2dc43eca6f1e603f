"""Which wallet partition a command goes to (`contracts.topology.partition_queues`).

The partition of a command is a stable hash of its session token: CRC-32 of the token's
UTF-8 bytes, modulo WALLET_PARTITIONS. Stable across processes, restarts and machines
(unlike Python's `hash()`, salted per process), so every gateway sends a session's
commands to the same partition, where one worker applies them in the order sent. CRC-32
spreads tokens evenly and costs well under a microsecond; nothing here needs a
cryptographic hash, since a player cannot choose their token. A command without a session
token (none of today's wallet commands) goes to partition 0.

Changing WALLET_PARTITIONS moves sessions to other partitions: do it with the gateways
and workers stopped, and the partition queues drained.
"""

import zlib

from pydantic import BaseModel

from contracts.topology import partition_queue

NO_SESSION_PARTITION = 0


def partition_of(session_token: str | None, partitions: int) -> int:
    """The partition (0..partitions-1) of a session's commands."""
    if partitions < 1:
        raise ValueError(f"the wallet needs at least one partition, not {partitions}")
    if session_token is None:
        return NO_SESSION_PARTITION
    return zlib.crc32(session_token.encode()) % partitions


def session_token_of(command: BaseModel) -> str | None:
    """The session token a wallet command names, if any."""
    token = getattr(getattr(command, "request", None), "session_token", None)
    return token if isinstance(token, str) else None


def command_partition_queue(wallet_queue: str, command: BaseModel, partitions: int) -> str:
    """The partition queue of `wallet_queue` that `command` is published to."""
    return partition_queue(wallet_queue, partition_of(session_token_of(command), partitions))
