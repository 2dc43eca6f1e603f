"""`casino-gateway`: serve the gateway over HTTP on GATEWAY_PORT."""

import uvicorn

from gateway.app import create_app
from gateway.log import configure_logging
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
        # Idle keep-alive connections outlive the callers' own pools (httpx drops them
        # after 5 s, uvicorn's default is also 5 s): otherwise a request sent just as the
        # server closes the connection fails with a connection reset.
        timeout_keep_alive=65,
    )


if __name__ == "__main__":
    main()
