"""Log lines are JSON and carry the correlation id of the request being served."""

import json
import logging

from contracts.logs import JsonFormatter, correlation_id


def test_a_line_carries_the_correlation_id_and_extras() -> None:
    record = logging.LogRecord("gateway.rpc", logging.WARNING, "", 0, "no reply", None, None)
    record.queue = "casino.wallet"
    token = correlation_id.set("corr-9")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        correlation_id.reset(token)

    assert line["message"] == "no reply"
    assert line["correlation_id"] == "corr-9"
    assert line["queue"] == "casino.wallet"
    assert line["level"] == "WARNING"


def test_a_line_outside_a_request_carries_the_id_passed_in_extra() -> None:
    record = logging.LogRecord("casino.wallet", logging.INFO, "", 0, "applied", None, None)
    record.correlation_id = "from-the-message"

    line = json.loads(JsonFormatter().format(record))

    assert line["correlation_id"] == "from-the-message"
