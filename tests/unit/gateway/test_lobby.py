"""launchGame and simulateRound: the operator's key, the simulateRound switch, and the
lobby's own queue and timeout."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from contracts.rpc import LaunchGameCommand, SimulateRoundCommand
from tests.unit.gateway.conftest import OPERATOR_KEY, Gateway, open_gateway, settings

USER, GAME = "5f0c6a43-7a55-4a8e-9d0e-2f7d7b0e8d11", "0b6f8d9e-1c2a-4f3b-8e7d-6c5b4a3f2e1d"
ROUND = {"userId": USER, "gameId": GAME, "bets": [{"amount": 1000}], "wins": [{"amount": 2500}]}


@pytest_asyncio.fixture
async def keyed() -> AsyncIterator[Gateway]:
    async for gateway in open_gateway(settings(operator_api_key=OPERATOR_KEY)):
        yield gateway


@pytest.mark.parametrize(
    "key", [None, b"", b"wrong-key", OPERATOR_KEY.encode() + b"x", "ключ".encode()], ids=repr
)
@pytest.mark.parametrize("endpoint", ["launchGame", "simulateRound"])
async def test_without_the_configured_api_key_the_lobby_is_closed(
    key: bytes | None, endpoint: str, keyed: Gateway
) -> None:
    headers = {} if key is None else {b"x-api-key": key}

    response = await keyed.http.post(f"/casino/{endpoint}", json=ROUND, headers=headers)

    assert (response.status_code, response.json()["code"]) == (401, "API_KEY_INVALID")
    assert keyed.rpc.sent == []


async def test_with_the_key_launch_game_goes_to_the_lobby_queue(keyed: Gateway) -> None:
    response = await keyed.http.post(
        "/casino/launchGame",
        json={"userId": USER, "gameId": GAME},
        headers={"x-api-key": OPERATOR_KEY},
    )

    assert response.status_code == 200
    [sent] = keyed.rpc.sent
    assert (sent.queue, sent.reply_within) == ("unit.lobby", 30.0)
    assert isinstance(sent.command, LaunchGameCommand)
    assert sent.command.request.currency == "USD"


async def test_with_no_key_configured_the_lobby_needs_none(gateway: Gateway) -> None:
    response = await gateway.http.post("/casino/simulateRound", json=ROUND)

    assert response.status_code == 200
    [sent] = gateway.rpc.sent
    assert isinstance(sent.command, SimulateRoundCommand)
    assert [bet.amount for bet in sent.command.request.bets] == [1000]


async def test_simulate_round_is_refused_when_switched_off() -> None:
    async for gateway in open_gateway(settings(simulate_round_enabled=False)):
        response = await gateway.http.post("/casino/simulateRound", json=ROUND)
        assert (response.status_code, response.json()["code"]) == (403, "FEATURE_DISABLED")
        launched = await gateway.http.post(
            "/casino/launchGame", json={"userId": USER, "gameId": GAME}
        )
        assert launched.status_code == 200
        assert len(gateway.rpc.sent) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"bets": [{"amount": 10.5}]}, "INVALID_AMOUNT"),
        ({"wins": [{"amount": "100"}]}, "INVALID_AMOUNT"),
        ({"userId": "not-a-uuid"}, "INVALID_REQUEST"),
        ({"rollbacks": [{"betIndex": -1}]}, "INVALID_REQUEST"),
    ],
)
async def test_a_bad_round_is_refused_before_the_lobby(
    change: dict[str, Any], code: str, gateway: Gateway
) -> None:
    response = await gateway.http.post("/casino/simulateRound", json=ROUND | change)

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert gateway.rpc.sent == []
