"""The wallet partition of a session: stable (the same in every process and release) and
spread evenly, so every gateway sends a session's commands to the same worker."""

import subprocess
import sys
from collections import Counter

import pytest
from pydantic import BaseModel

from contracts.rpc import GetBalanceCommand
from contracts.topology import partition_queues
from gateway.callbacks.partitions import (
    NO_SESSION_PARTITION,
    command_partition_queue,
    partition_of,
)

# Fixed points: if these change, sessions in flight during an upgrade would change
# partition, and their order would no longer be kept.
KNOWN = {"session-a": 2, "session-b": 0, "3f2c1a9e-token": 2, "": 0}


@pytest.mark.parametrize(("token", "partition"), sorted(KNOWN.items()))
def test_a_token_has_a_fixed_partition(token: str, partition: int) -> None:
    assert partition_of(token, 8) == partition


def test_the_partition_is_the_same_in_another_process() -> None:
    """Python's own `hash()` is salted per process; this hash is not."""
    tokens = [f"session-{n}" for n in range(50)]
    here = [partition_of(token, 16) for token in tokens]
    code = (
        "from gateway.callbacks.partitions import partition_of;"
        f"print([partition_of(t, 16) for t in {tokens!r}])"
    )
    there = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345"},
    ).stdout
    assert there.strip() == str(here)


@pytest.mark.parametrize("partitions", [2, 8, 16])
def test_sessions_spread_evenly_over_the_partitions(partitions: int) -> None:
    sessions = 20_000
    counts = Counter(partition_of(f"token-{n:08d}", partitions) for n in range(sessions))
    assert set(counts) == set(range(partitions))
    expected = sessions / partitions
    assert max(abs(count - expected) for count in counts.values()) < expected * 0.1


def test_one_partition_takes_everything() -> None:
    assert {partition_of(f"t{n}", 1) for n in range(100)} == {0}


def test_no_partition_count_below_one() -> None:
    with pytest.raises(ValueError, match="at least one partition"):
        partition_of("t", 0)


def test_a_command_goes_to_its_sessions_partition_queue() -> None:
    balance = GetBalanceCommand.model_validate({"request": {"sessionToken": "session-a"}})
    assert command_partition_queue("w", balance, 8) == "w.p2"
    assert partition_queues("w", 3) == ("w.p0", "w.p1", "w.p2")


def test_a_command_without_a_session_goes_to_the_fixed_partition() -> None:
    class NoSession(BaseModel):
        command: str = "somethingElse"

    assert command_partition_queue("w", NoSession(), 8) == f"w.p{NO_SESSION_PARTITION}"
