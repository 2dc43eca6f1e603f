"""What routes get injected: the settings and the resources the lifespan built.

Resources live on `app.state` (set in `app.lifespan`), so nothing connects at import
time and a test can build an app with its own settings, RPC client or HTTP client.

Each is `async def`: FastAPI runs a plain `def` dependency in a worker thread, a thread
hop per dependency per request for what is one attribute lookup.
"""

from typing import Annotated

import httpx
from fastapi import Depends, Request

from gateway.rpc import Rpc
from gateway.settings import GatewaySettings


async def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


async def get_rpc(request: Request) -> Rpc:
    rpc: Rpc = request.app.state.rpc
    return rpc


async def get_provider_http(request: Request) -> httpx.AsyncClient:
    client: httpx.AsyncClient = request.app.state.provider_http
    return client


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
RpcDep = Annotated[Rpc, Depends(get_rpc)]
ProviderHttpDep = Annotated[httpx.AsyncClient, Depends(get_provider_http)]
