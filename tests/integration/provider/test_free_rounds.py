"""Free-round campaigns at the provider: the casino's signed registration and
cancellation (idempotent, stored in the provider's database), and the free rounds the
provider plays only of a campaign it holds for that player and game that is neither
cancelled, expired nor used up."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from tests.integration.provider.conftest import CASINO_SECRET, Provider, ProviderFactory
from tests.integration.provider.round_rules_casino import RoundRulesCasino
from tests.integration.provider.test_rounds import launched

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(loop_scope="session")
async def played(start_provider: ProviderFactory) -> AsyncIterator[Provider]:
    async with start_provider(casino=RoundRulesCasino(CASINO_SECRET)) as running:
        yield running


def grant(unique: str, **changes: Any) -> dict[str, Any]:
    """A campaign for the player `launched(provider, unique)` plays as."""
    expires = datetime.now(UTC) + timedelta(days=7)
    return {
        "casinoCode": "demo-casino",
        "campaignId": f"campaign-{unique}",
        "playerId": f"player-{unique}",
        "gameId": "demo-slots",
        "currency": "USD",
        "rounds": 2,
        "betAmount": 50,
        "expiresAt": expires.isoformat(),
        **changes,
    }


async def register(provider: Provider, body: dict[str, Any]) -> dict[str, Any]:
    response = await provider.post("/provider/freeRounds", body)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


async def cancel(provider: Provider, campaign_id: str) -> httpx.Response:
    return await provider.post(
        "/provider/freeRounds/cancel", {"casinoCode": "demo-casino", "campaignId": campaign_id}
    )


def free_round(unique: str, **more: Any) -> dict[str, Any]:
    return {"type": "free_round", "campaignId": f"campaign-{unique}", **more}


async def test_registering_twice_holds_one_campaign_and_answers_it_as_it_stands(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    body = grant(unique)
    first, again = await register(provider, body), await register(provider, body)
    assert first == again
    assert (first["success"], first["campaignId"], first["status"]) == (
        True,
        f"campaign-{unique}",
        "active",
    )
    assert (first["rounds"], first["roundsPlayed"]) == (2, 0)
    rows = await db.fetch(
        "SELECT c.rounds, c.bet_amount, c.currency, u.casino_player_id, g.code"
        " FROM provider_free_round_campaigns c"
        " JOIN provider_casino_users u ON u.id = c.casino_user_id"
        " JOIN provider_games g ON g.id = c.game_id WHERE c.campaign_id = $1",
        f"campaign-{unique}",
    )
    assert [tuple(r) for r in rows] == [(2, 50, "USD", f"player-{unique}", "demo-slots")]


async def test_the_same_campaign_id_with_other_terms_is_refused(
    provider: Provider, unique: str
) -> None:
    await register(provider, grant(unique))
    response = await provider.post("/provider/freeRounds", grant(unique, rounds=3))
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["retryable"]) == (
        "DUPLICATE_TRANSACTION",
        False,
    )


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"gameId": "no-such-game"}, 404, "GAME_NOT_FOUND"),
        ({"gameId": "demo-retired"}, 404, "GAME_INACTIVE"),
        ({"casinoCode": "no-such-casino"}, 404, "CASINO_NOT_FOUND"),
        ({"rounds": 0}, 400, "INVALID_REQUEST"),
        ({"betAmount": 0}, 400, "INVALID_AMOUNT"),
        ({"betAmount": 1.5}, 400, "INVALID_AMOUNT"),
        ({"expiresAt": "2026-12-24T10:00:00"}, 400, "INVALID_REQUEST"),  # no time zone
        ({"playerId": "nul\u0000"}, 400, "INVALID_REQUEST"),
    ],
)
async def test_a_registration_that_cannot_be_held_is_refused_with_a_code(
    provider: Provider,
    db: asyncpg.Connection,
    unique: str,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    response = await provider.post("/provider/freeRounds", grant(unique, **changes))
    assert response.status_code == status, response.text
    assert (response.json()["code"], response.json()["retryable"]) == (code, False)
    held = "SELECT count(*) FROM provider_free_round_campaigns WHERE campaign_id = $1"
    assert await db.fetchval(held, f"campaign-{unique}") == 0


async def test_campaign_calls_must_be_signed_with_the_provider_secret(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    for path, body in (
        ("/provider/freeRounds", grant(unique)),
        ("/provider/freeRounds/cancel", {"casinoCode": "demo-casino", "campaignId": "x"}),
    ):
        forged = await provider.post(path, body, secret="not-the-provider-secret")
        unsigned = await provider.http.post(path, json=body)
        assert forged.status_code == unsigned.status_code == 401
        assert forged.json()["code"] == unsigned.json()["code"] == "SIGNATURE_INVALID"
    held = "SELECT count(*) FROM provider_free_round_campaigns WHERE campaign_id = $1"
    assert await db.fetchval(held, f"campaign-{unique}") == 0


async def test_cancelling_is_idempotent_and_an_unknown_campaign_answers_unknown(
    provider: Provider, db: asyncpg.Connection, unique: str
) -> None:
    body = grant(unique)
    await register(provider, body)
    first = (await cancel(provider, f"campaign-{unique}")).json()
    cancelled_at = await db.fetchval(
        "SELECT cancelled_at FROM provider_free_round_campaigns WHERE campaign_id = $1",
        f"campaign-{unique}",
    )
    again = (await cancel(provider, f"campaign-{unique}")).json()
    assert first["status"] == again["status"] == "cancelled"
    assert cancelled_at is not None
    assert cancelled_at == await db.fetchval(
        "SELECT cancelled_at FROM provider_free_round_campaigns WHERE campaign_id = $1",
        f"campaign-{unique}",
    )
    # Registering it again does not bring it back.
    assert (await register(provider, body))["status"] == "cancelled"

    unknown = await cancel(provider, f"never-registered-{unique}")
    assert unknown.status_code == 200
    answer = unknown.json()
    assert (answer["success"], answer["campaignId"], answer["status"]) == (
        True,
        f"never-registered-{unique}",
        "unknown",
    )
    assert answer["rounds"] is None


async def test_free_rounds_are_played_as_free_bets_with_bonus_wins_up_to_the_grant(
    played: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    await register(played, grant(unique))
    reply = (
        await played.simulate(
            token,
            [
                free_round(unique),
                {"type": "payout", "amount": 120, "betIndex": 0},
                free_round(unique),
                {"type": "payout", "amount": 0, "betIndex": 1, "roundClosed": True},
                free_round(unique),
            ],
        )
    ).json()
    results = [
        (r["type"], r["status"], r["code"], r["amount"], r.get("kind"), r.get("campaignId"))
        for r in reply["results"]
    ]
    campaign = f"campaign-{unique}"
    assert results == [
        ("free_round", "accepted", None, 50, None, campaign),
        ("payout", "accepted", None, 120, "bonus", campaign),
        ("free_round", "accepted", None, 50, None, campaign),
        ("payout", "accepted", None, 0, "bonus", campaign),
        ("free_round", "rejected", "FREE_ROUNDS_EXHAUSTED", None, None, campaign),
    ]
    assert played.casino.balances[token] == 1_120  # the free bets cost nothing

    casino = played.casino
    assert isinstance(casino, RoundRulesCasino)
    debits = [(d["amount"], d["freeRoundsCampaignId"]) for d in casino.sent("debit")]
    assert debits == [(50, campaign), (50, campaign)]  # the refused round was never sent
    credits = [(c["kind"], c["freeRoundsCampaignId"]) for c in casino.sent("credit")]
    assert credits == [("bonus", campaign), ("bonus", campaign)]

    rows = await db.fetch(
        "SELECT b.type, b.kind, c.campaign_id FROM provider_bets b"
        " JOIN provider_free_round_campaigns c ON c.id = b.campaign_id"
        " WHERE b.round_id = $1::uuid ORDER BY b.created_at",
        reply["roundId"],
    )
    assert [tuple(r) for r in rows] == [
        ("bet", None, campaign),
        ("payout", "bonus", campaign),
        ("bet", None, campaign),
        ("payout", "bonus", campaign),
    ]
    played_rounds = "SELECT rounds_played FROM provider_free_round_campaigns WHERE campaign_id = $1"
    assert await db.fetchval(played_rounds, campaign) == 2


@pytest.mark.parametrize("why", ["cancelled", "expired", "unknown", "another player's"])
async def test_no_free_round_is_played_of_a_campaign_it_may_not_play(
    played: Provider, unique: str, why: str
) -> None:
    token = await launched(played, unique, 1_000)
    if why == "cancelled":
        await register(played, grant(unique))
        await cancel(played, f"campaign-{unique}")
    elif why == "expired":
        await register(played, grant(unique, expiresAt=datetime.now(UTC).isoformat()))
    elif why == "another player's":
        await register(played, grant(unique, playerId=f"someone-else-{unique}"))
    code = {
        "cancelled": "FREE_ROUNDS_EXPIRED",
        "expired": "FREE_ROUNDS_EXPIRED",
        "unknown": "FREE_ROUNDS_NOT_FOUND",
        "another player's": "FREE_ROUNDS_NOT_FOUND",
    }[why]
    reply = (await played.simulate(token, [free_round(unique)])).json()
    (result,) = reply["results"]
    assert (result["status"], result["code"], result["attempts"]) == ("rejected", code, 0)
    assert played.casino.processed["/casino/debit"] == 0


async def test_a_free_round_the_casino_refuses_gives_its_round_back(
    played: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    await register(played, grant(unique, rounds=1))
    closed = await played.simulate(
        token, [{"type": "end_round"}, free_round(unique)]
    )  # the casino refuses a bet into a closed round
    assert [r["code"] for r in closed.json()["results"]] == [None, "ROUND_CLOSED"]
    played_rounds = "SELECT rounds_played FROM provider_free_round_campaigns WHERE campaign_id = $1"
    assert await db.fetchval(played_rounds, f"campaign-{unique}") == 0
    again = (await played.simulate(token, [free_round(unique)])).json()
    assert again["results"][0]["status"] == "accepted"


async def test_racing_free_rounds_never_pass_the_grant(
    played: Provider, db: asyncpg.Connection, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    await register(played, grant(unique, rounds=3))
    replies = await asyncio.gather(
        *(played.simulate(token, [free_round(unique)]) for _ in range(8))
    )
    codes = sorted(str(reply.json()["results"][0]["code"]) for reply in replies)
    assert codes == ["FREE_ROUNDS_EXHAUSTED"] * 5 + ["None"] * 3
    assert played.casino.processed["/casino/debit"] == 3
    played_rounds = "SELECT rounds_played FROM provider_free_round_campaigns WHERE campaign_id = $1"
    assert await db.fetchval(played_rounds, f"campaign-{unique}") == 3


async def test_a_refused_free_round_keeps_its_place_among_the_bets(
    played: Provider, unique: str
) -> None:
    token = await launched(played, unique, 1_000)
    await register(played, grant(unique, rounds=1))
    reply = (
        await played.simulate(
            token,
            [
                free_round(unique),
                free_round(unique),  # past the grant: bet 1, never sent
                {"type": "bet", "amount": 100},  # bet 2
                {"type": "payout", "amount": 70, "betIndex": 1},
                {"type": "payout", "amount": 80, "betIndex": 0},
                {"type": "payout", "amount": 90, "betIndex": 2},
            ],
        )
    ).json()
    results = [(r["status"], r["code"], r.get("kind")) for r in reply["results"]]
    assert results == [
        ("accepted", None, None),
        ("rejected", "FREE_ROUNDS_EXHAUSTED", None),
        ("accepted", None, None),
        ("rejected", "INVALID_REQUEST", None),
        ("accepted", None, "bonus"),
        ("accepted", None, "win"),
    ]
    assert "a free round that was not played" in reply["results"][3]["error"]
    assert played.casino.balances[token] == 1_000 - 100 + 80 + 90
