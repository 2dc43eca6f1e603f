"""The wallet's refusals, each carrying the error code its reply gives the caller.

Raised below the handler and turned into an `ErrorBody` in exactly one place,
`WalletError.body()`: the handler uses it for refusals, the wallet for the rejections it
records (so a retry replays the very same body).
"""

from contracts.errors import CATALOGUE, ErrorBody, ErrorCode


class WalletError(Exception):
    """Raised when a wallet command is refused; `code` tells the caller why. Raised as
    such (INTERNAL_ERROR) only for a failure nobody foresaw."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(self, message: str | None = None) -> None:
        self.message = message or CATALOGUE[self.code].message
        super().__init__(self.message)

    def body(self) -> ErrorBody:
        return ErrorBody.of(self.code, self.message)


class InvalidCommandError(WalletError):
    """Raised when a message is not a well-formed wallet command."""

    code = ErrorCode.INVALID_REQUEST


class InvalidSessionError(WalletError):
    """Raised when the session token is unknown, or a bet names an ended session."""

    code = ErrorCode.INVALID_SESSION


class DuplicateTransactionError(WalletError):
    """Raised when a transactionId already decided is sent again with another payload."""

    code = ErrorCode.DUPLICATE_TRANSACTION


class TransactionNotFoundError(WalletError):
    """Raised when a credit or rollback names another player's transaction."""

    code = ErrorCode.TRANSACTION_NOT_FOUND


class InsufficientFundsError(WalletError):
    """Raised when a bet is larger than the wallet's balance."""

    code = ErrorCode.INSUFFICIENT_FUNDS


class BalanceLimitExceededError(WalletError):
    """Raised when a payout or refund would take the balance past `MAX_BALANCE`."""

    code = ErrorCode.BALANCE_LIMIT_EXCEEDED


class TransactionRolledBackError(WalletError):
    """Raised when a bet arrives after a rollback already cancelled it (a tombstone)."""

    code = ErrorCode.TRANSACTION_ROLLED_BACK


class CannotRollbackPayoutError(WalletError):
    """Raised when a rollback names a payout (or another rollback): only bets roll back."""

    code = ErrorCode.CANNOT_ROLLBACK_PAYOUT


class RollbackNotAllowedError(WalletError):
    """Raised when a rollback names a bet whose round already has an accepted payout."""

    code = ErrorCode.ROLLBACK_NOT_ALLOWED


class CommandNotApplicableError(WalletError):
    """Raised when applying one command failed on its own (a value the database refused,
    an unexpected error while deciding it): it is answered alone, and the commands beside
    it are decided without it (`casino.wallet.isolation`)."""

    code = ErrorCode.COMMAND_NOT_APPLICABLE


class ProviderDisabledError(WalletError):
    """Raised when the calling provider was disabled by an operator (the gateway refuses it
    too, once it has read the registry again)."""

    code = ErrorCode.PROVIDER_DISABLED


class RoundClosedError(WalletError):
    """Raised when a bet or a payout names a round its provider closed (a bet: or one
    that expired)."""

    code = ErrorCode.ROUND_CLOSED


class FreeRoundsNotFoundError(WalletError):
    """Raised when a free round names a campaign that is not this player's at this game."""

    code = ErrorCode.FREE_ROUNDS_NOT_FOUND


class FreeRoundsExhaustedError(WalletError):
    """Raised when every round of the campaign was played."""

    code = ErrorCode.FREE_ROUNDS_EXHAUSTED


class FreeRoundsExpiredError(WalletError):
    """Raised when the campaign expired or an operator cancelled it."""

    code = ErrorCode.FREE_ROUNDS_EXPIRED


class FreeRoundAmountError(WalletError):
    """Raised when a free round's amount is not its campaign's bet amount."""

    code = ErrorCode.INVALID_AMOUNT


class BetLimitExceededError(WalletError):
    """Raised when a bet is above the player's bet limit."""

    code = ErrorCode.BET_LIMIT_EXCEEDED


class LossLimitExceededError(WalletError):
    """Raised when a bet would take the player's loss in a period past its limit."""

    code = ErrorCode.LOSS_LIMIT_EXCEEDED


class SessionTimeExceededError(WalletError):
    """Raised when a bet comes in a session older than the player's session limit."""

    code = ErrorCode.SESSION_TIME_EXCEEDED


class PlayerExcludedError(WalletError):
    """Raised when an excluded player's bet comes in."""

    code = ErrorCode.PLAYER_EXCLUDED


class WalletUnavailableError(WalletError):
    """Raised when the database cannot be reached or fails as a whole; the caller may retry."""

    code = ErrorCode.WALLET_UNAVAILABLE
