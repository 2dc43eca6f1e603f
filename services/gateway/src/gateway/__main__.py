"""`casino-gateway`: serve the gateway over HTTP on GATEWAY_PORT.

uvloop and httptools are named, not left to uvicorn's "auto" (which falls back silently
to asyncio and h11 when they are missing): both cut the CPU each request costs below
the application. uvicorn's access log is off unless ACCESS_LOG is set: it is a second
JSON line per request beside "casino command answered", which already carries the
correlation id, command, outcome and time (at DEBUG for a success unless
LOG_EVERY_COMMAND, `gateway.commands`); refusals are logged as "request refused".
"""

import uvicorn

from contracts.logs import configure_logging
from gateway.app import create_app
from gateway.settings import GatewaySettings


def main() -> None:
    configure_logging()
    settings = GatewaySettings()
    uvicorn.run(
        create_app(settings),
        host="0.0.0.0",
        port=settings.gateway_port,
        # Keep the JSON logging configured above.
        log_config=None,
        access_log=settings.access_log,
        loop="uvloop",
        http="httptools",
        # Idle keep-alive connections outlive the callers' own pools (httpx drops them
        # after 5 s, uvicorn's default is also 5 s): otherwise a request sent just as the
        # server closes the connection fails with a connection reset.
        timeout_keep_alive=65,
    )


if __name__ == "__main__":
    main()
