"""One audit: the casino's ledger check, and the reconciliation when the provider's
database is given."""

from casino.audit.findings import AuditReport
from casino.audit.ledger_check import check_ledger
from casino.audit.reconciliation import reconcile


async def audit(
    casino_database_url: str,
    provider_database_url: str | None = None,
    *,
    provider_code: str = "demo-provider",
) -> AuditReport:
    report = await check_ledger(casino_database_url)
    if provider_database_url is not None:
        agreement = await reconcile(
            casino_database_url, provider_database_url, provider_code=provider_code
        )
        report.provider_rounds = agreement.provider_rounds
        report.provider_calls = agreement.provider_calls
        report.violations += agreement.violations
    return report
