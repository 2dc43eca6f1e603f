"""The gateway's log lines carry the correlation id of the request being served.

The id comes from the request context (`correlation.correlation_id`), so every line
logged while serving a request can be joined with the wallet worker's lines for the
same command. The line format itself is shared: `contracts.logs`.
"""

from contracts.logs import JsonFormatter
from contracts.logs import configure_logging as _configure_logging
from gateway.correlation import correlation_id


def formatter() -> JsonFormatter:
    return JsonFormatter(correlation=correlation_id.get)


def configure_logging() -> None:
    _configure_logging(formatter())
