"""The wallet load's own provider, as the casino knows it: registered, with a callback
secret of its own, and the funded sessions it plays on.

A provider acts only on sessions of its own games, and signs with its own secret named
in `x-provider-code` (docs/PROTOCOL.md). The wallet load is not the provider service, so
it plays as another provider (`WALLET_LOAD_PROVIDER`): the reconciliation with the
provider service, which reads `demo-provider`'s rows, then covers exactly the rounds,
while the casino's own ledger check covers every wallet. The secret is made as the
operator's `rotate-secret` makes it and lives only in this process's memory.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from casino.database import make_database, make_engine
from casino.providers.registry import rotate_secret
from contracts.secret_box import DEVELOPMENT_KEY, SecretBox
from contracts.signing import PROVIDER_CODE_HEADER
from tests.benchmark.world import create_sessions
from tests.support.callbacks import WalletCallbacks
from tests.support.casino_world import CasinoWorld

WALLET_LOAD_PROVIDER = "soak-wallet-load"
KNOWN_WITHIN_S = 30.0


@dataclass(frozen=True)
class WalletLoadProvider:
    code: str
    secret: str = field(repr=False)
    tokens: list[str] = field(repr=False)


async def wallet_load_provider(
    world: CasinoWorld, casino_url: str, gateway_url: str, wallets: int, prefix: str
) -> WalletLoadProvider:
    """The provider registered with a fresh secret, `wallets` funded sessions at its
    game (the benchmark's, moved there), once the gateway knows the secret."""
    tokens = await create_sessions(casino_url, wallets, prefix)
    game = await world.game_of(provider_code=WALLET_LOAD_PROVIDER)
    await world.pool.execute(
        "UPDATE casino_game_sessions SET game_id = $1 WHERE token LIKE $2", game, f"{prefix}%"
    )
    engine = make_engine(casino_url, pool_size=1)
    try:
        box = SecretBox([DEVELOPMENT_KEY])
        secret = await rotate_secret(make_database(engine), box, WALLET_LOAD_PROVIDER)
    finally:
        await engine.dispose()
    provider = WalletLoadProvider(WALLET_LOAD_PROVIDER, secret.get_secret_value(), tokens)
    await _known_to_the_gateway(provider, gateway_url)
    return provider


async def _known_to_the_gateway(provider: WalletLoadProvider, gateway_url: str) -> None:
    """Wait until a getBalance signed with the new secret is answered (the gateway reads
    the registry every few seconds)."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as http:
        callbacks = WalletCallbacks(http, provider.secret)
        deadline = asyncio.get_running_loop().time() + KNOWN_WITHIN_S
        while True:
            answer = await callbacks.send(
                "getBalance",
                {"sessionToken": provider.tokens[0]},
                headers={PROVIDER_CODE_HEADER: provider.code},
            )
            if answer.status_code == 200:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the gateway never learned {provider.code}: {answer.text}")
            await asyncio.sleep(0.2)
