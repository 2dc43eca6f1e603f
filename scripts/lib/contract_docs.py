"""The contract documents, generated from the code: the AsyncAPI document of the queue
contracts, the OpenAPI documents of the gateway and the provider, and the RabbitMQ
topology in the broker's definitions format.

`scripts/docs` writes them under docs/; tests/unit/test_contract_docs.py regenerates them
and compares, so the committed files stay true to the code.

Usage: python scripts/lib/contract_docs.py [ROOT]   (writes ROOT/docs/...)
"""

import json
import sys
from pathlib import Path
from typing import Any

from casino.tools.asyncapi import asyncapi_document
from contracts import topology
from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from provider.app import create_app as create_provider
from provider.settings import ProviderSettings


def documents() -> dict[str, dict[str, Any]]:
    """Each document by its path under the repository root. The settings are the
    development defaults, so the documents do not depend on this machine's environment."""
    gateway = create_gateway(GatewaySettings.model_validate({"simulate_round_enabled": True}))
    provider = create_provider(ProviderSettings.model_validate({}))
    return {
        "docs/asyncapi.json": asyncapi_document(),
        "docs/openapi/gateway.json": gateway.openapi(),
        "docs/openapi/provider.json": provider.openapi(),
        "deploy/rabbitmq/definitions.json": topology.definitions(),
    }


def rendered(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(root: Path) -> None:
    for relative, document in documents().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered(document))
        print(f"wrote {relative}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
