"""Structured logs, the same shape in every service: one JSON object per line.

Each line has time, level, logger and message, every field passed in `extra=`
(transactionId, queue, attempt…), and, where the service knows one, the correlation id
of the call being served, so one grep follows a call from the gateway through the
RabbitMQ message to the wallet and the provider. Nothing is written until a service
calls `configure_logging` at start-up.

The correlation id travels in one header, `CORRELATION_HEADER`: on HTTP between the
services, and on the AMQP message from the gateway to the casino. An HTTP service keeps
the id of the request it serves in `correlation_id` (`contracts.http_serving` sets it);
a consumer passes the id of its message in `extra=` instead.
"""

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

import orjson

CORRELATION_HEADER = "x-correlation-id"

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")
"""The correlation id of the HTTP request being served; empty outside one."""

# Attributes every LogRecord has; anything else was passed in `extra=` and is logged.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}


class JsonFormatter(logging.Formatter):
    """A JSON line per record, with the correlation id of the request being served if any
    (`correlation_id`); one passed in `extra=` (a consumer's) takes precedence."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if current := correlation_id.get():
            line["correlation_id"] = current
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # orjson: a service logs a line per command, and the standard library's encoder
        # was most of the cost of a line.
        return orjson.dumps(line, default=str).decode()


def configure_logging(level: int = logging.INFO) -> None:
    """Send every logger's records (uvicorn's included) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
