"""What an audit finds: counts of what it looked at, and every violation, each named.

A violation names the rule it breaks, what it is about (a wallet, a transactionId, a
round) and the facts, so an operator can go straight to the rows.
"""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Violation:
    rule: str
    subject: str
    detail: str


@dataclass
class AuditReport:
    wallets: int = 0
    transactions: int = 0
    provider_rounds: int | None = None
    provider_calls: int | None = None
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}

    def render(self) -> str:
        """A report for people: what was checked, then each violation on its own line."""
        lines = [f"checked {self.wallets} wallets, {self.transactions} ledger rows"]
        if self.provider_rounds is not None:
            lines.append(
                f"reconciled {self.provider_rounds} provider rounds,"
                f" {self.provider_calls} provider calls"
            )
        if self.ok:
            lines.append("OK: no violations")
        else:
            lines.append(f"FAILED: {len(self.violations)} violation(s)")
            lines += [f"  [{v.rule}] {v.subject}: {v.detail}" for v in self.violations]
        return "\n".join(lines)
