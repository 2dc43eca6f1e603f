"""What routes get injected: the settings and the resources the lifespan built.

Resources live on `app.state` (set in `app.lifespan`), so nothing connects at import
time and a test can build an app with its own settings, RPC client or HTTP client.
"""

from typing import Annotated

import httpx
from fastapi import Depends, Request

from gateway.rpc import Rpc
from gateway.settings import GatewaySettings


def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def get_rpc(request: Request) -> Rpc:
    rpc: Rpc = request.app.state.rpc
    return rpc


def get_wallet_rpc(request: Request) -> Rpc:
    """Wallet commands go through the batcher (`gateway.batching`), lobby ones do not."""
    rpc: Rpc = request.app.state.wallet_rpc
    return rpc


def get_provider_http(request: Request) -> httpx.AsyncClient:
    client: httpx.AsyncClient = request.app.state.provider_http
    return client


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
RpcDep = Annotated[Rpc, Depends(get_rpc)]
WalletRpcDep = Annotated[Rpc, Depends(get_wallet_rpc)]
ProviderHttpDep = Annotated[httpx.AsyncClient, Depends(get_provider_http)]
