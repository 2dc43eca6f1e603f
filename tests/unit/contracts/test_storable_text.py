"""Issue 17: text PostgreSQL cannot store is refused at validation, in every text field of
every request, as INVALID_REQUEST naming the field: a NUL character, a lone surrogate,
bytes that are not UTF-8. Everything else that is text (other control characters, emoji,
noncharacters) is storable and accepted as it was sent.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from contracts.errors import ErrorBody, ErrorCode
from contracts.lobby import LaunchGameRequest, SimulateRoundRequest
from contracts.provider import ProviderLaunchRequest, ProviderSimulateRequest
from contracts.wallet import CreditRequest, DebitRequest, GetBalanceRequest, RollbackRequest

USER, GAME = "6f1c1f5e-8a55-4b1e-9d0e-2f7a0e6f8b11", "0b7e6a52-3c1d-4f7e-8a9b-1c2d3e4f5a6b"

VALID: dict[type[BaseModel], dict[str, Any]] = {
    GetBalanceRequest: {"sessionToken": "token"},
    DebitRequest: {
        "sessionToken": "token",
        "transactionId": "bet-1",
        "roundId": "round-1",
        "amount": 100,
        "description": "a spin",
    },
    CreditRequest: {
        "sessionToken": "token",
        "transactionId": "win-1",
        "roundId": "round-1",
        "amount": 100,
        "relatedTransactionId": "bet-1",
        "description": "a win",
    },
    RollbackRequest: {
        "sessionToken": "token",
        "transactionId": "rb-1",
        "originalTransactionId": "bet-1",
        "reason": "cancelled",
    },
    LaunchGameRequest: {"userId": USER, "gameId": GAME, "currency": "USD"},
    SimulateRoundRequest: {"userId": USER, "gameId": GAME, "currency": "USD"},
    ProviderLaunchRequest: {
        "casinoCode": "demo-casino",
        "playerId": "player-1",
        "gameId": "demo-slots",
        "sessionToken": "token",
        "currency": "USD",
        "balance": 100,
    },
    ProviderSimulateRequest: {
        "casinoCode": "demo-casino",
        "sessionToken": "token",
        "gameId": "demo-slots",
        "actions": [{"type": "bet", "amount": 100}],
    },
}

# Fields whose text has a strict form of its own: a UUID, or three capital letters.
FORMATTED = {"userId", "gameId", "currency"}
LOBBY = (LaunchGameRequest, SimulateRoundRequest)

TEXT_FIELDS = [
    pytest.param(model, field, id=f"{model.__name__}.{field}")
    for model, body in VALID.items()
    for field, value in body.items()
    if isinstance(value, str)
]
FREE_TEXT_FIELDS = [
    param
    for param in TEXT_FIELDS
    if not (
        param.values[1] == "currency" or (param.values[0] in LOBBY and param.values[1] in FORMATTED)
    )
]


def refusal(model: type[BaseModel], raw: bytes) -> ErrorBody:
    with pytest.raises(ValidationError) as caught:
        model.model_validate_json(raw)
    return ErrorBody.of_invalid(caught.value.errors(include_input=False))


def with_field(model: type[BaseModel], field: str, value: str) -> bytes:
    """The model's valid body with `field` set to `value`, as JSON escapes it (NUL as
    \\u0000, a lone surrogate as \\ud800)."""
    return json.dumps({**VALID[model], field: value}).encode()


def test_the_valid_bodies_are_valid() -> None:
    for model, body in VALID.items():
        model.model_validate_json(json.dumps(body))


@pytest.mark.parametrize("text", ["\x00", "bet-\x00-1", "bet-1\x00", "\x00" * 3], ids=repr)
@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_a_nul_character_is_refused_naming_the_field(
    model: type[BaseModel], field: str, text: str
) -> None:
    body = refusal(model, with_field(model, field, text))

    assert (body.code, body.status, body.retryable) == (ErrorCode.INVALID_REQUEST, 400, False)
    assert body.error.startswith(f"{field}: ")


@pytest.mark.parametrize(("model", "field"), FREE_TEXT_FIELDS)
def test_the_refusal_of_a_nul_says_why(model: type[BaseModel], field: str) -> None:
    body = refusal(model, with_field(model, field, "a\x00b"))

    assert body.error == f"{field}: must not contain a NUL character (U+0000)"


# Built with chr(): a linter cannot tell lone surrogates apart in a literal.
LONE_SURROGATES = [chr(0xD800), f"a{chr(0xDBFF)}b", chr(0xDC00), chr(0xDFFF) + chr(0xD800)]


@pytest.mark.parametrize("text", LONE_SURROGATES, ids=repr)
@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_a_lone_surrogate_in_a_json_body_is_refused(
    model: type[BaseModel], field: str, text: str
) -> None:
    """The JSON parser refuses the body (I-JSON forbids unpaired surrogates), so it never
    becomes a `str` that cannot be encoded."""
    raw = with_field(model, field, text)
    assert b"\\ud" in raw  # escaped, as a JSON encoder sends it

    body = refusal(model, raw)

    assert (body.code, body.status, body.retryable) == (ErrorCode.INVALID_REQUEST, 400, False)
    assert body.error == "the body is not valid JSON"


@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_a_lone_surrogate_in_a_python_str_is_refused_naming_the_field(
    model: type[BaseModel], field: str
) -> None:
    """What the casino and the provider build in code (a wallet call, a launch) is
    validated too; a `str` holding a lone surrogate never reaches a database."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**VALID[model], field: "a\ud800"})

    body = ErrorBody.of_invalid(caught.value.errors(include_input=False))
    assert (body.code, body.retryable) == (ErrorCode.INVALID_REQUEST, False)
    assert body.error.startswith(f"{field}: ")


@pytest.mark.parametrize(
    "raw_text",
    [b"\xff", b"a\xc3", b"\xed\xa0\x80", b"\xc0\x80", b"\x00"],
    ids=["not UTF-8", "truncated", "an encoded surrogate", "overlong NUL", "a raw NUL byte"],
)
@pytest.mark.parametrize(("model", "field"), TEXT_FIELDS)
def test_text_that_is_not_utf8_or_not_escaped_is_refused(
    model: type[BaseModel], field: str, raw_text: bytes
) -> None:
    raw = with_field(model, field, "PLACE").replace(b"PLACE", raw_text)

    body = refusal(model, raw)

    assert (body.code, body.retryable) == (ErrorCode.INVALID_REQUEST, False)


@pytest.mark.parametrize(
    "text",
    ["tab\tnewline\ncarriage\r", "\x01\x1f\x7f", "\U0001f3b0 jackpot", "\uffff\ufffe", "\u200b"],
    ids=["whitespace", "other control characters", "emoji", "noncharacters", "zero width"],
)
@pytest.mark.parametrize(("model", "field"), FREE_TEXT_FIELDS)
def test_storable_text_is_accepted_as_it_was_sent(
    model: type[BaseModel], field: str, text: str
) -> None:
    request = model.model_validate_json(with_field(model, field, text))

    assert request.model_dump(by_alias=True)[field] == text


@pytest.mark.parametrize(
    ("model", "field", "longest"),
    [
        (DebitRequest, "transactionId", 128),
        (DebitRequest, "roundId", 128),
        (GetBalanceRequest, "sessionToken", 256),
        (DebitRequest, "description", 500),
        (RollbackRequest, "reason", 500),
        (ProviderLaunchRequest, "playerId", 128),
    ],
)
def test_the_length_limits_stay(model: type[BaseModel], field: str, longest: int) -> None:
    model.model_validate_json(with_field(model, field, "x" * longest))

    too_long = refusal(model, with_field(model, field, "\x00" * (longest + 1)))

    assert too_long.error.startswith(f"{field}: String should have at most {longest} characters")


@pytest.mark.parametrize("model", list(VALID))
def test_every_string_of_every_request_schema_excludes_a_nul(model: type[BaseModel]) -> None:
    """A text field added later without a `contracts.text` type fails here: every string
    in the request's JSON schema is a UUID, a closed set of values, or has a pattern."""
    unconstrained = [
        path
        for path, schema in strings(model.model_json_schema())
        if not ({"pattern", "enum", "const"} & schema.keys() or schema.get("format") == "uuid")
    ]

    assert unconstrained == []


def strings(node: object, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string schema under `node` (definitions included), with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            yield path, node
        for key, value in node.items():
            yield from strings(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{path}/{index}")
