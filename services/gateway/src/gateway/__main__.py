"""`casino-gateway`: serve the gateway over HTTP on GATEWAY_PORT."""

import uvicorn

from gateway.app import create_app
from gateway.log import configure_logging
from gateway.settings import GatewaySettings


def main() -> None:
    configure_logging()
    settings = GatewaySettings()
    # log_config=None: uvicorn keeps the JSON logging configured above.
    uvicorn.run(create_app(settings), host="0.0.0.0", port=settings.gateway_port, log_config=None)


if __name__ == "__main__":
    main()
