"""The currencies the casino supports, with their decimals, and amounts written for people.

- `tables`: `casino_currencies` (migration 0007), which a wallet's currency references.
- `catalogue`: read the list, add to it (decimals from ISO 4217 or the configured crypto
  units, `contracts.currencies`; the operator's only for a code neither knows).
- `commands`: `casino currency list|add`.

launchGame refuses a currency not in the list (400 UNSUPPORTED_CURRENCY,
`casino.lobby.queries`). Amounts for people: `contracts.currencies.format_amount`.
"""
