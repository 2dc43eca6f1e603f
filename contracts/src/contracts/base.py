"""The base model of every body on the wire: camelCase on the wire, snake_case in Python.

Unknown fields are ignored (docs/PROTOCOL.md); missing or mistyped required fields fail
validation, which the entry points turn into 400 INVALID_REQUEST or INVALID_AMOUNT
(`contracts.errors.ErrorBody.of_invalid`).
"""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A JSON body in the seed's camelCase shape."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )

    def to_wire(self) -> dict[str, object]:
        """The JSON-ready dict, with camelCase keys, as it is sent."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
