"""What every request leaves behind: its HTTP metrics by route template and status, the
command's metrics, and one log line (the command's, or the refusal's)."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY

from contracts.errors import ErrorBody, ErrorCode
from contracts.rpc import RpcReply
from tests.unit.gateway.conftest import Gateway, open_gateway, settings


def counter(name: str, **labels: str) -> Callable[[], float]:
    """Reads a metric of the process-wide registry (tests compare before and after)."""
    return lambda: REGISTRY.get_sample_value(name, labels) or 0.0


async def test_each_request_is_counted_by_route_template_and_status(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    answered = counter(
        "gateway_http_requests_total", method="POST", route="/casino/debit", status="200"
    )
    refused = counter(
        "gateway_http_requests_total", method="POST", route="/casino/debit", status="401"
    )
    unmatched = counter(
        "gateway_http_requests_total", method="POST", route="unmatched", status="404"
    )
    failed = counter(
        "gateway_http_requests_total", method="POST", route="/casino/debit", status="500"
    )
    timed = counter("gateway_http_request_seconds_count", method="POST", route="/casino/debit")
    before = [answered(), refused(), unmatched(), failed(), timed()]

    await gateway.signed("debit", debit_body)
    await gateway.signed("debit", debit_body)
    await gateway.http.post("/casino/debit", content=b"{}")
    await gateway.http.post("/casino/nowhere", content=b"{}")
    gateway.rpc.error = RuntimeError("a bug")
    await gateway.signed("debit", debit_body)

    after = [answered(), refused(), unmatched(), failed(), timed()]
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 1, 1, 1, 4]


async def test_each_wallet_command_is_counted_by_its_outcome(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    ok = counter("gateway_wallet_outcomes_total", command="debit", code="ok")
    broke = counter("gateway_wallet_outcomes_total", command="debit", code="INSUFFICIENT_FUNDS")
    timed = counter("gateway_rpc_seconds_count", queue="unit.wallet", command="debit", outcome="ok")
    before = [ok(), broke(), timed()]

    await gateway.signed("debit", debit_body)
    gateway.rpc.reply = RpcReply(error=ErrorBody.of(ErrorCode.INSUFFICIENT_FUNDS))
    await gateway.signed("debit", debit_body)

    assert [ok() - before[0], broke() - before[1], timed() - before[2]] == [1, 1, 1]


async def test_an_answered_callback_is_logged_once_with_its_command(
    gateway: Gateway, debit_body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await gateway.signed("debit", debit_body)

    [line] = [r for r in caplog.records if r.name.startswith("gateway")]
    assert line.getMessage() == "casino command answered"
    assert (line.command, line.transaction_id, line.outcome) == ("debit", "bet-1", "ok")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "code"),
    [("/casino/debit", "SIGNATURE_INVALID"), ("/casino/nowhere", "NOT_FOUND")],
)
async def test_a_request_refused_before_the_casino_is_logged_once_with_its_code(
    gateway: Gateway, caplog: pytest.LogCaptureFixture, path: str, code: str
) -> None:
    with caplog.at_level(logging.INFO):
        await gateway.http.post(path, content=b"{}")

    [line] = [r for r in caplog.records if r.name.startswith("gateway")]
    assert line.getMessage() == "request refused"
    assert (line.path, line.code) == (path, code)  # type: ignore[attr-defined]


async def test_without_log_every_command_a_success_is_logged_at_debug_and_a_refusal_at_info(
    debit_body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    async for quiet in open_gateway(settings(log_every_command=False)):
        with caplog.at_level(logging.DEBUG, logger="gateway"):
            await quiet.signed("debit", debit_body)
            quiet.rpc.reply = RpcReply(error=ErrorBody.of(ErrorCode.INSUFFICIENT_FUNDS))
            await quiet.signed("debit", debit_body)

    answered = [r for r in caplog.records if r.getMessage() == "casino command answered"]
    assert [(r.levelno, r.outcome) for r in answered] == [  # type: ignore[attr-defined]
        (logging.DEBUG, "ok"),
        (logging.INFO, "INSUFFICIENT_FUNDS"),
    ]
