"""/docs documents every endpoint's body, success reply and error codes, and every
schema it references exists."""

from typing import Any

import pytest

from tests.unit.gateway.conftest import Gateway

BODIES = {
    "/casino/getBalance": ("GetBalanceRequest", "BalanceReply"),
    "/casino/debit": ("DebitRequest", "TransactionReply"),
    "/casino/credit": ("CreditRequest", "TransactionReply"),
    "/casino/rollback": ("RollbackRequest", "RollbackReply"),
    "/casino/launchGame": ("LaunchGameRequest", "LaunchGameReply"),
    "/casino/simulateRound": ("SimulateRoundRequest", "SimulateRoundReply"),
}


def refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(value) for value in node))
    return set()


@pytest.fixture
async def document(gateway: Gateway) -> dict[str, Any]:
    response = await gateway.http.get("/openapi.json")
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("path", list(BODIES))
async def test_each_casino_endpoint_documents_its_body_and_replies(
    path: str, document: dict[str, Any]
) -> None:
    request_model, reply_model = BODIES[path]
    operation = document["paths"][path]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]

    assert body == {"$ref": f"#/components/schemas/{request_model}"}
    assert ok == {"$ref": f"#/components/schemas/{reply_model}"}
    assert "422" not in operation["responses"]
    assert "INTERNAL_ERROR" in operation["responses"]["500"]["description"]


async def test_bodies_are_camel_case_with_their_nested_models(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert set(schemas["DebitRequest"]["required"]) == {
        "sessionToken",
        "transactionId",
        "roundId",
        "amount",
    }
    bets = schemas["SimulateRoundRequest"]["properties"]["bets"]
    assert bets["items"] == {"$ref": "#/components/schemas/BetSpec"}


async def test_every_reference_resolves(document: dict[str, Any]) -> None:
    names = {f"#/components/schemas/{name}" for name in document["components"]["schemas"]}

    assert refs(document) <= names


async def test_error_codes_are_listed_under_their_status(document: dict[str, Any]) -> None:
    debit = document["paths"]["/casino/debit"]["post"]["responses"]
    simulate = document["paths"]["/casino/simulateRound"]["post"]["responses"]

    assert "SIGNATURE_INVALID" in debit["401"]["description"]
    assert "INSUFFICIENT_FUNDS" in debit["400"]["description"]
    assert "DUPLICATE_TRANSACTION" in debit["409"]["description"]
    assert "WALLET_UNAVAILABLE" in debit["503"]["description"]
    assert "FEATURE_DISABLED" in simulate["403"]["description"]
    assert "API_KEY_INVALID" in simulate["401"]["description"]
    assert debit["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
