"""Acceptance 5: only the exact bytes sent, signed with a configured casino secret, get
in; everything else is 401 SIGNATURE_INVALID and touches nothing."""

import json
import time

import pytest

from contracts.signing import CASINO_SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.e2e.conftest import CASINO_SECRET, PREVIOUS_CASINO_SECRET, PROVIDER_SECRET
from tests.support.callbacks import WalletCallbacks, new_id
from tests.support.casino_world import CasinoWorld

pytestmark = pytest.mark.e2e


def debit_body(token: str, tx: str) -> bytes:
    return json.dumps(
        {"sessionToken": token, "transactionId": tx, "roundId": "r", "amount": 100}
    ).encode()


@pytest.mark.parametrize(
    "signature",
    ["missing", "wrong", "non-hex", "too-short", "provider-secret", "other-bytes"],
)
async def test_a_bad_signature_is_refused_and_moves_nothing(
    signature: str, callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    tx = new_id("bet")
    body = debit_body(session.token, tx)
    headers = {
        "missing": {},
        "wrong": {CASINO_SIGNATURE_HEADER: "0" * 64},
        "non-hex": {CASINO_SIGNATURE_HEADER: "z" * 64},
        "too-short": {CASINO_SIGNATURE_HEADER: sign(body, CASINO_SECRET)[:-2]},
        "provider-secret": {CASINO_SIGNATURE_HEADER: sign(body, PROVIDER_SECRET)},
        "other-bytes": {CASINO_SIGNATURE_HEADER: sign(body + b" ", CASINO_SECRET)},
    }[signature]

    response = await callbacks.send("debit", body, signed=False, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "SIGNATURE_INVALID"
    assert response.json()["retryable"] is False
    assert await world.balance(player) == 1_000
    assert await world.rows_for(tx) == 0


async def test_either_of_two_configured_secrets_verifies(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    for secret in (CASINO_SECRET, PREVIOUS_CASINO_SECRET):
        response = await callbacks.send(
            "getBalance", {"sessionToken": session.token}, secret=secret
        )
        assert response.status_code == 200


async def test_a_timestamped_signature_is_accepted_only_within_the_tolerance(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    body = json.dumps({"sessionToken": session.token}).encode()
    now = int(time.time())
    for stamp, status in [(now, 200), (now - 3_600, 401), (now + 3_600, 401)]:
        headers = {
            CASINO_SIGNATURE_HEADER: sign(body, CASINO_SECRET, stamp),
            TIMESTAMP_HEADER: str(stamp),
        }
        response = await callbacks.send("getBalance", body, signed=False, headers=headers)
        assert response.status_code == status, stamp


async def test_pretty_printed_json_is_verified_on_its_own_bytes(
    callbacks: WalletCallbacks, world: CasinoWorld
) -> None:
    player = await world.player(1_000)
    session = await world.session(player, await world.game())
    pretty = json.dumps(
        {
            "sessionToken": session.token,
            "transactionId": new_id("bet"),
            "roundId": "r",
            "amount": 250,
        },
        indent=4,
        sort_keys=True,
    ).encode()
    response = await callbacks.send("debit", pretty)
    assert response.status_code == 200
    assert await world.balance(player) == 750
