"""The casino consumers' Prometheus metrics (wallet worker and lobby), served on /metrics
by `casino.consuming.probes`.

Names say what an operator asks: how many commands, with which outcome (the wallet's
error code, or `ok`), how long they took, how many failed on their own and were isolated
from their batch, how many came back redelivered, were requeued or dead-lettered, and how
deep the queues are (refreshed when scraped).
"""

from prometheus_client import Counter, Gauge, Histogram

COMMANDS = Counter(
    "casino_commands_total",
    "Commands answered, by consumer (wallet, lobby), command and outcome code (ok or error).",
    ["consumer", "command", "outcome"],
)
WALLET_OUTCOMES = Counter(
    "casino_wallet_outcomes_total",
    "Wallet commands answered, by command and outcome code (ok, INSUFFICIENT_FUNDS, ...).",
    ["command", "code"],
)
COMMAND_SECONDS = Histogram(
    "casino_command_seconds",
    "Time from a command's delivery to its reply, by consumer and command.",
    ["consumer", "command"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
ISOLATED_FAILURES = Counter(
    "casino_wallet_isolated_failures_total",
    "Wallet commands that failed on their own in a batch and were answered"
    " COMMAND_NOT_APPLICABLE while the rest of the batch went on, by command and cause"
    " (the exception's type).",
    ["command", "cause"],
)
REDELIVERED = Counter(
    "casino_redelivered_total",
    "Commands that arrived redelivered (their first consumer did not acknowledge them).",
    ["queue"],
)
REQUEUED = Counter(
    "casino_requeued_total", "Commands that failed once and were requeued.", ["queue"]
)
DEAD_LETTERED = Counter(
    "casino_dead_lettered_total",
    "Commands that failed again after redelivery and were dead-lettered.",
    ["queue"],
)
QUEUE_MESSAGES = Gauge(
    "casino_queue_messages",
    "Messages ready in a queue (its depth), as RabbitMQ reports it when scraped.",
    ["queue"],
)
