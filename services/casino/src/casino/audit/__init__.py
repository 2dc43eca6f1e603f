"""The ledger audit: proofs that the money is right, for operators and for tests.

`check_ledger` proves the casino's own invariants from its database; `reconcile` holds
the casino's ledger against the provider's record of its calls, round by round. `audit`
runs both and returns one report; `casino check-ledger` prints it and exits non-zero on
any violation. Everything here only reads, in read-only transactions.
"""

from casino.audit.findings import AuditReport, Violation
from casino.audit.ledger_check import check_ledger
from casino.audit.reconciliation import reconcile
from casino.audit.run import audit

__all__ = ["AuditReport", "Violation", "audit", "check_ledger", "reconcile"]
