"""Text on the wire, bounded and storable: every text field of every request is one of
these types, so text the databases cannot hold is refused at validation (400
INVALID_REQUEST naming the field, `contracts.errors.ErrorBody.of_invalid`), before
anything is read or written, rather than failing in PostgreSQL as an outage.

What PostgreSQL cannot store, and where each is refused:

- A NUL character (U+0000): `text` and `varchar` cannot hold one, nor can `jsonb` (the
  casino keeps each reply, with its transactionId, as `jsonb`). `Storable` refuses it
  with its own error type, `unstorable_text`.
- A lone surrogate (U+D800-U+DFFF; JSON `"\\ud800"`): it has no UTF-8 encoding. pydantic
  refuses it already: in a JSON body as invalid JSON (I-JSON, RFC 7493, forbids
  unpaired surrogates), and in a Python `str` as `string_unicode`, naming the field.
  tests/unit/contracts/test_storable_text.py holds both, so an upgrade that changed it
  would be noticed.
- Bytes that are not UTF-8: the JSON parser refuses the body.
- Text longer than its column: each type's `max_length` is its column's length.

Other control characters (tab, newline, U+0001...) are storable and allowed: nothing in
the protocol gives them a meaning to forbid.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

UNSTORABLE_TEXT_ERROR = "unstorable_text"


@dataclass(frozen=True)
class Storable:
    """`Annotated` metadata for a `str`: refuses a NUL character, after the length checks
    written before it (so a too-long value is still told it is too long).

    The rule is in the JSON schema too (`pattern`), so the OpenAPI documents state it and a
    schema-driven fuzzer knows a NUL is invalid; the check itself is ours, so the message
    says what is wrong rather than quoting a regular expression."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_storable, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = "^[^\\u0000]*$"
        return json_schema


def _storable(text: str) -> str:
    if "\x00" in text:
        raise PydanticCustomError(
            UNSTORABLE_TEXT_ERROR, "must not contain a NUL character (U+0000)"
        )
    return text


Identifier = Annotated[str, Field(min_length=1, max_length=128), Storable()]
"""An id the other side chose: transactionId, roundId, casinoCode, playerId, gameId."""

SessionToken = Annotated[str, Field(min_length=1, max_length=256), Storable()]

Text = Annotated[str, Field(max_length=500), Storable()]
"""Free text for people: a description or a reason."""

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""ISO 4217: three capital letters, nothing else (so nothing unstorable either)."""
