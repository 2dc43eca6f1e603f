"""The wallet: debits, credits, rollbacks and balances, answered from RabbitMQ.

One command's path through this package, in order:

1. `consumer` takes the message off the wallet queue (one command, or a `wallet.batch`
   of them from the gateway) and hands its bytes on, shielded from cancellation.
2. `handlers` parses it and makes sure every command gets exactly one reply value.
3. `batch` applies the parsed commands together in one database transaction (group
   commit), retrying a lost race or a dropped connection; if one command fails on its
   own, `isolation` answers it alone and the batch goes on without it.
4. `ledger` locks the wallets and bets the batch names and reads them into a `book`
   (the slice of the ledger the batch can touch).
5. `rules` decide each command in order against that book; a refusal is an `errors`
   value, not an exception that escapes.
6. `ledger` writes the decided rows and balance moves back; the transaction commits.
7. Back in `consumer`, the reply (sorted-key JSON) is published to `reply_to` and the
   message acknowledged.

`debit`, `credit`, `rollback`, `get_balance` and `apply` are the same path without the
broker, for tests and tools.
"""

from casino.wallet.batch import apply, credit, debit, get_balance, rollback

__all__ = ["apply", "credit", "debit", "get_balance", "rollback"]
