"""The committed contract documents (docs/asyncapi.json, docs/openapi/*.json) are what the
code generates now: regenerate with `scripts/docs` when this fails."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _contract_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "contract_docs", ROOT / "scripts" / "lib" / "contract_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contract_docs = _contract_docs()
DOCUMENTS = contract_docs.documents()


@pytest.mark.parametrize("relative", sorted(DOCUMENTS))
def test_the_committed_document_is_the_generated_one(relative: str) -> None:
    committed = (ROOT / relative).read_text()
    assert committed == contract_docs.rendered(DOCUMENTS[relative]), (
        f"{relative} is stale: run scripts/docs and commit the result"
    )


def test_the_asyncapi_document_has_both_queues_with_their_payloads_and_reply() -> None:
    document = DOCUMENTS["docs/asyncapi.json"]
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {"casino.wallet.v2", "casino.lobby.v2", "casino.lobby.v2.registry"}
    schemas = document["components"]["schemas"]
    debit = schemas["DebitRequest"]["properties"]
    assert {"sessionToken", "transactionId", "roundId", "amount"} <= set(debit)
    assert {"WalletCommand", "WalletBatch", "LobbyCommand", "RpcReply"} <= set(schemas)
    assert {"WalletBatchReply", "BatchedWalletCommand"} <= set(schemas)
    assert {"RegistryCommand", "ProviderRegistry"} <= set(schemas)
    for name, operation in document["operations"].items():
        replies = [message["$ref"].rsplit("/", 1)[1] for message in operation["reply"]["messages"]]
        wallet = name.startswith("casino.wallet.v2")
        assert replies == (["RpcReply", "WalletBatchReply"] if wallet else ["RpcReply"])
    json.dumps(document)  # serialisable as written
