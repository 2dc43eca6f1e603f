"""How the casino's replies, and failures to get one, become HTTP answers."""

import logging
import uuid
from typing import Any

import pytest
from starlette.requests import ClientDisconnect

from contracts.errors import ErrorBody, ErrorCode
from contracts.rpc import RpcReply
from gateway.errors import WalletUnavailableError
from tests.unit.gateway.conftest import Gateway


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (ErrorCode.INSUFFICIENT_FUNDS, 400),
        (ErrorCode.INVALID_SESSION, 401),
        (ErrorCode.DUPLICATE_TRANSACTION, 409),
        (ErrorCode.TRANSACTION_ROLLED_BACK, 409),
        (ErrorCode.WALLET_UNAVAILABLE, 503),
    ],
)
async def test_an_error_reply_gets_the_catalogue_status_and_its_body_unchanged(
    code: ErrorCode, status: int, gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    error = ErrorBody.of(code, "as the wallet put it")
    gateway.rpc.reply = RpcReply(error=error)

    response = await gateway.signed("debit", debit_body)

    assert response.status_code == status
    assert response.json() == error.model_dump(mode="json")


async def test_a_result_reply_is_answered_as_it_came(gateway: Gateway) -> None:
    result = {
        "success": True,
        "transactionId": "rb",
        "rolledBack": True,
        "balance": 0,
        "currency": "EUR",
        "message": "tombstone",
    }
    gateway.rpc.reply = RpcReply(result=result)

    response = await gateway.signed(
        "rollback", {"sessionToken": "t", "transactionId": "rb", "originalTransactionId": "b"}
    )

    assert (response.status_code, response.json()) == (200, result)


async def test_no_reply_in_time_is_a_retryable_wallet_unavailable(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    gateway.rpc.error = WalletUnavailableError("The casino did not answer within 2s")

    response = await gateway.signed("debit", debit_body)

    assert response.status_code == 503
    assert response.json() == {
        "success": False,
        "error": "The casino did not answer within 2s",
        "code": "WALLET_UNAVAILABLE",
        "retryable": True,
    }


async def test_an_unexpected_error_is_a_500_without_a_trace_and_is_logged(
    gateway: Gateway, debit_body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    gateway.rpc.error = RuntimeError("secret internals")

    with caplog.at_level(logging.ERROR, logger="gateway"):
        response = await gateway.signed("debit", debit_body)

    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert any(record.exc_info for record in caplog.records)
    assert response.headers["x-correlation-id"]


async def test_the_callers_correlation_id_travels_with_the_command_and_comes_back(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    response = await gateway.signed("debit", debit_body, headers={"x-correlation-id": "corr-42"})

    assert response.headers["x-correlation-id"] == "corr-42"
    assert gateway.rpc.sent[0].correlation_id == "corr-42"


async def test_without_a_correlation_id_one_is_made_up(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    first = await gateway.signed("debit", debit_body)
    second = await gateway.signed("debit", debit_body)

    ids = [first.headers["x-correlation-id"], second.headers["x-correlation-id"]]
    assert ids == [sent.correlation_id for sent in gateway.rpc.sent]
    assert ids[0] != ids[1]
    assert all(uuid.UUID(value) for value in ids)


async def test_unknown_routes_and_methods_answer_in_the_error_shape(gateway: Gateway) -> None:
    unknown = await gateway.http.post("/casino/transfer", content=b"{}")
    wrong_method = await gateway.http.get("/casino/debit")

    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert wrong_method.json()["success"] is False
    assert "POST" in wrong_method.headers["allow"]


async def test_readiness_follows_the_broker_connection(gateway: Gateway) -> None:
    assert (await gateway.http.get("/health")).status_code == 200
    assert (await gateway.http.get("/ready")).status_code == 200
    gateway.rpc.ready = False
    assert (await gateway.http.get("/ready")).status_code == 503
    assert (await gateway.http.get("/health")).status_code == 200


async def test_a_caller_that_disconnects_mid_body_is_not_an_internal_error(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.rpc.error = ClientDisconnect()

    with caplog.at_level(logging.INFO):
        response = await gateway.signed("getBalance", {"sessionToken": "t"})

    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("disconnected" in r.getMessage() for r in caplog.records)
