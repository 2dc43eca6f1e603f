"""The lobby's failures, each carrying the error code its reply gives the caller.

They are raised anywhere below the handler and turned into an `ErrorBody` in one place
(`handlers.py`), so every lobby command is answered and none is silently dropped.
"""

from contracts.errors import CATALOGUE, ErrorBody, ErrorCode


class LobbyError(Exception):
    """Raised when a lobby command cannot be carried out; `code` tells the caller why."""

    def __init__(self, code: ErrorCode, message: str | None = None) -> None:
        self.code = code
        self.message = message or CATALOGUE[code].message
        super().__init__(self.message)

    def body(self) -> ErrorBody:
        return ErrorBody.of(self.code, self.message)


class ProviderUnavailableError(LobbyError):
    """Raised when the game provider cannot be reached, times out, refuses or garbles a call."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.PROVIDER_UNAVAILABLE, message)
