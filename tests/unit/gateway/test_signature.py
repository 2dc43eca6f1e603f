"""Only bytes signed with a configured CASINO_SECRET reach the wallet queue."""

import json
import time
from typing import Any

import pytest

from contracts.rpc import DebitCommand
from contracts.signing import CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.unit.gateway.conftest import SECRET, Gateway, open_gateway, settings


async def test_a_signed_debit_is_sent_to_the_wallet_queue_and_its_result_answered(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    result = {"success": True, "transactionId": "bet-1", "balance": 900, "currency": "USD"}
    gateway.rpc.reply = gateway.rpc.reply.model_copy(update={"result": result})

    response = await gateway.signed("debit", debit_body)

    assert (response.status_code, response.json()) == (200, result)
    [sent] = gateway.rpc.sent
    assert sent.queue == "unit.wallet"
    assert sent.reply_within == 2.0
    assert isinstance(sent.command, DebitCommand)
    assert sent.command.request.transaction_id == "bet-1"
    assert sent.command.request.amount == 100


def _headers(kind: str, body: bytes) -> dict[str, str]:
    return {
        "missing": {},
        "empty": {CASINO_SIGNATURE_HEADER: ""},
        "wrong": {CASINO_SIGNATURE_HEADER: "0" * 64},
        "non-hex": {CASINO_SIGNATURE_HEADER: "z" * 64},
        "too-short": {CASINO_SIGNATURE_HEADER: sign(body, SECRET)[:-2]},
        "other-secret": {CASINO_SIGNATURE_HEADER: sign(body, "someone-else")},
        "other-bytes": {CASINO_SIGNATURE_HEADER: sign(body + b" ", SECRET)},
    }[kind]


@pytest.mark.parametrize(
    "kind", ["missing", "empty", "wrong", "non-hex", "too-short", "other-secret", "other-bytes"]
)
async def test_a_bad_signature_is_refused_and_nothing_is_sent(
    kind: str, gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    body = json.dumps(debit_body).encode()

    response = await gateway.http.post("/casino/debit", content=body, headers=_headers(kind, body))

    assert response.status_code == 401
    assert response.json() | {"error": ""} == {
        "success": False,
        "error": "",
        "code": "SIGNATURE_INVALID",
        "retryable": False,
    }
    assert gateway.rpc.sent == []


async def test_the_signature_is_checked_before_the_body_is_parsed(gateway: Gateway) -> None:
    response = await gateway.http.post("/casino/debit", content=b"not json at all")

    assert (response.status_code, response.json()["code"]) == (401, "SIGNATURE_INVALID")


async def test_pretty_printed_json_is_verified_on_its_own_bytes(
    gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    pretty = json.dumps(debit_body, indent=4, sort_keys=True).encode()

    response = await gateway.signed("debit", pretty)

    assert response.status_code == 200
    assert len(gateway.rpc.sent) == 1


async def test_any_configured_secret_verifies_so_secrets_can_rotate(
    debit_body: dict[str, Any],
) -> None:
    body = json.dumps(debit_body).encode()
    async for gateway in open_gateway(settings(casino_secret=("new-secret", SECRET))):
        for secret in ("new-secret", SECRET):
            headers = {CASINO_SIGNATURE_HEADER: sign(body, secret)}
            response = await gateway.http.post("/casino/debit", content=body, headers=headers)
            assert response.status_code == 200, secret
        assert len(gateway.rpc.sent) == 2


@pytest.mark.parametrize(("offset", "status"), [(0, 200), (-3_600, 401), (3_600, 401)])
async def test_a_timestamped_signature_is_accepted_only_within_the_tolerance(
    offset: int, status: int, gateway: Gateway, debit_body: dict[str, Any]
) -> None:
    body = json.dumps(debit_body).encode()
    stamp = int(time.time()) + offset
    headers = {CASINO_SIGNATURE_HEADER: sign(body, SECRET, stamp), TIMESTAMP_HEADER: str(stamp)}

    response = await gateway.http.post("/casino/debit", content=body, headers=headers)

    assert response.status_code == status
    assert len(gateway.rpc.sent) == (1 if status == 200 else 0)


async def test_a_signature_without_its_timestamp_is_refused_when_one_is_required(
    debit_body: dict[str, Any],
) -> None:
    async for gateway in open_gateway(settings(signature_timestamp_required=True)):
        response = await gateway.signed("debit", debit_body)
        assert (response.status_code, response.json()["code"]) == (401, "SIGNATURE_INVALID")
        assert "timestamp" in response.json()["error"]
        assert gateway.rpc.sent == []
