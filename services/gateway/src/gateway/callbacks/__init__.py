"""The provider's signed wallet callbacks (POST /casino/getBalance, debit, credit,
rollback, endRound): the gateway's hot path, one per bet.

A debit passes through these modules, in this order:

1. `gateway.app`: `_GatewayApp.build_middleware_stack` puts the fast path in front of
   FastAPI's whole stack.
2. `gateway.callbacks.fast_path`: a POST to one of the four paths is answered here,
   without FastAPI's middleware, routing and dependency solving (they cost more CPU than
   the callback's own work); anything else goes on to FastAPI.
3. `contracts.http_serving` (`EveryRequest`): the correlation id (the caller's
   `x-correlation-id` or a new one) is set for the log lines and echoed on the answer; the
   request is timed and counted by route (`gateway.metrics`); an unhandled exception is
   logged once and answered 500.
4. `gateway.callbacks.signature`: the body is read within MAX_BODY_BYTES
   (`gateway.body`; 413 past it), then its `x-casino-signature` is verified over exactly
   those bytes (`contracts.signing`; 401) with the secrets of the provider that
   `x-provider-code` names (the default provider's without it), looked up in the registry
   this gateway keeps (`gateway.providers`), before anything is parsed; a disabled
   provider is refused then.
5. `gateway.callbacks.routes`: the endpoint parses the body against its contract model
   (`gateway.body.parse_body`; 400 INVALID_REQUEST or INVALID_AMOUNT naming the field)
   and makes it a wallet command naming that provider (`contracts.rpc.DebitCommand`).
6. `gateway.commands`: the command is sent; its round trip is timed, counted and logged
   with the correlation id.
7. `gateway.callbacks.batching`: it leaves at once, alone, if a message slot is free; else
   it waits and leaves with the commands that queued up meanwhile, in one `wallet.batch`
   message (`gateway.callbacks.batch_messages`: the bytes of a batch and of its reply).
8. `gateway.rpc`: the message is published to the wallet queue with `reply_to` and the
   correlation id, and its reply awaited; the casino's wallet worker answers it.
9. `gateway.commands` again: a success reply is answered 200 with the casino's body, an
   error reply is raised as `CasinoRefusedError`; the fast path answers any
   `GatewayError` met on the way through `gateway.errors.refusal_response`, with the
   catalogue's status.

Any other method on these paths, and every other route, goes through FastAPI instead:
`EveryRequest` → FastAPI's routing → the same endpoints or the lobby, forward and health
routes (`gateway.routes`) → the exception handlers of `gateway.errors`.
"""
