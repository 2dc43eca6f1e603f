"""`casino-gateway`: serve the gateway over HTTP on GATEWAY_PORT."""

import logging

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = GatewaySettings()
    uvicorn.run(create_app(settings), host="0.0.0.0", port=settings.gateway_port)


if __name__ == "__main__":
    main()
