"""Who the provider is to the casino: PROVIDER_CODE in `x-provider-code` on every wallet
callback, and PROVIDER_GAME_CODE as the game its seed creates."""

import httpx
import pytest
from pydantic import ValidationError

from contracts.signing import PROVIDER_CODE_HEADER
from contracts.wallet import GetBalanceRequest
from provider.casino_client import CasinoClient, RetryPolicy
from provider.seed import demo_games
from provider.settings import ProviderSettings

POLICY = RetryPolicy(attempts=1, initial_backoff=0, max_backoff=0, attempt_timeout=1)
BALANCE = {"success": True, "balance": 1, "currency": "USD"}


async def _headers_sent(provider_code: str | None) -> httpx.Headers:
    sent: list[httpx.Request] = []

    def casino(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=BALANCE)

    async with httpx.AsyncClient(
        base_url="http://casino", transport=httpx.MockTransport(casino)
    ) as http:
        client = CasinoClient(http, "secret", POLICY, provider_code=provider_code)
        await client.get_balance(GetBalanceRequest(session_token="tok"))
        await client.send("/casino/credit", b"{}")
    return httpx.Headers([(k, v) for request in sent for k, v in request.headers.multi_items()])


async def test_every_callback_names_the_provider() -> None:
    headers = await _headers_sent("acme-games")
    assert headers.get_list(PROVIDER_CODE_HEADER) == ["acme-games", "acme-games"]


async def test_a_client_without_a_code_sends_no_header() -> None:
    assert PROVIDER_CODE_HEADER not in await _headers_sent(None)


def test_the_default_identity_is_the_casinos_default_provider() -> None:
    settings = ProviderSettings()
    assert (settings.provider_code, settings.provider_game_code) == ("demo-provider", "demo-slots")


@pytest.mark.parametrize("code", ["", "two words", "naïve", "x" * 65])
def test_a_code_that_cannot_travel_in_a_header_refuses_to_start(code: str) -> None:
    with pytest.raises(ValidationError):
        ProviderSettings(provider_code=code)


def test_the_seed_makes_the_providers_own_game_and_the_two_demo_ones() -> None:
    games = demo_games("acme-fruits")
    assert games[0] == {"code": "acme-fruits", "name": "Acme Fruits", "is_active": True}
    assert [game["code"] for game in games[1:]] == ["demo-roulette", "demo-retired"]
    assert demo_games("demo-slots")[0]["name"] == "Demo Slots"
