"""Sending one casino command over RPC and turning its reply into the HTTP answer.

A `result` is the casino's success body, answered 200 as it came; an `error` is answered
with the catalogue's status for its code (`errors.CasinoRefusedError`), body unchanged.
"""

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway.correlation import correlation_id
from gateway.errors import CasinoRefusedError
from gateway.rpc import Rpc


async def send_command(
    rpc: Rpc, queue: str, command: BaseModel, reply_within: float
) -> JSONResponse:
    reply = await rpc.call(
        queue, command, reply_within=reply_within, correlation_id=correlation_id.get()
    )
    if reply.error is not None:
        raise CasinoRefusedError(reply.error)
    return JSONResponse(reply.result)
