"""Structured logs, the same shape in every service: one JSON object per line.

Each line has time, level, logger and message, every field passed in `extra=`
(transactionId, queue, attempt…), and, where the service knows one, the correlation id
of the request being served, so one grep follows a call from the gateway through the
RabbitMQ message to the wallet and the provider. Nothing is written until a service
calls `configure_logging` at start-up.
"""

import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import orjson

# Attributes every LogRecord has; anything else was passed in `extra=` and is logged.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}


class JsonFormatter(logging.Formatter):
    """`correlation` tells the id of the request being served, if the service tracks one in
    a context (the gateway does); the consumers pass theirs in `extra=` instead."""

    def __init__(self, correlation: Callable[[], str | None] | None = None) -> None:
        super().__init__()
        self._correlation = correlation

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self._correlation is not None and (current := self._correlation()):
            line["correlation_id"] = current
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # orjson: a service logs a line per command, and the standard library's encoder
        # was most of the cost of a line.
        return orjson.dumps(line, default=str).decode()


def configure_logging(formatter: JsonFormatter | None = None, level: int = logging.INFO) -> None:
    """Send every logger's records (uvicorn's included) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter or JsonFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
