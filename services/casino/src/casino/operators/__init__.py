"""The people who sign in to the back office: their accounts, passwords and roles.

`tables` holds `casino_operators`, `passwords` hashes and checks passwords (Argon2, never
stored or logged in clear), `accounts` adds, lists, disables and authenticates operators,
and `commands` is `casino operator add|list|disable`.
"""
