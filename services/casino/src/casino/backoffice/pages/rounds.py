"""A round: every transaction in ledger order with its outcome, type and kind (the same
reading as `casino round` and the operator API), and beside each the provider's record of
the same call when the provider's database is configured (PROVIDER_DATABASE_URL: the
default provider's). A call one side has and the other lacks, or a decision they see
differently, is marked.
"""

from dataclasses import dataclass
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.provider_records import ProviderCall, round_calls
from casino.backoffice.rendering import back_to, render
from casino.providers.registry import list_providers
from casino.rounds.reading import read_round
from contracts.rounds import RoundTransaction

# The provider's name of each call type, and the casino's.
CASINO_TYPE = {"bet": "debit", "payout": "credit", "rollback": "rollback", "end_round": "end_round"}


@dataclass(frozen=True)
class Line:
    """One call of the round: the casino's row, the provider's record, or both."""

    casino: RoundTransaction | None
    provider: ProviderCall | None

    @property
    def agrees(self) -> bool | None:
        """Whether both sides decided the same (None: only one side is known here)."""
        if self.casino is None or self.provider is None:
            return None
        same_type = CASINO_TYPE.get(self.provider.type, self.provider.type) == self.casino.type
        return (
            same_type
            and self.provider.status == self.casino.outcome
            and self.provider.error_code == self.casino.error_code
        )


async def rounds_page(request: Request) -> Response:
    operator = await require_operator(request)
    provider, round_id = (
        request.query_params.get("provider", "").strip(),
        request.query_params.get("round", "").strip(),
    )
    if provider and round_id:
        return back_to(f"/rounds/{quote(provider, safe='')}/{quote(round_id, safe='')}")
    office = back_office(request)
    return await render(
        request,
        "rounds.html",
        operator,
        section="rounds",
        providers=await list_providers(office.database),
        default_provider=office.settings.default_provider_code,
    )


async def round_page(request: Request) -> Response:
    operator = await require_operator(request)
    office = back_office(request)
    provider_code, round_id = request.path_params["provider"], request.path_params["round_id"]
    found = await read_round(office.database, provider_code, round_id)
    if found is None:
        raise HTTPException(404, f"No round {round_id!r} of provider {provider_code!r}")
    if office.provider_database is None:
        provider_view = "PROVIDER_DATABASE_URL is not set: only the casino's view is shown."
        calls: list[ProviderCall] | None = None
    elif provider_code != office.settings.default_provider_code:
        provider_view = (
            f"The provider's database configured here is {office.settings.default_provider_code}'s;"
            f" {provider_code}'s view is not available: only the casino's view is shown."
        )
        calls = None
    else:
        provider_view = ""
        calls = await round_calls(office.provider_database, round_id)
    played = [
        (played_round, _lines(played_round.transactions, calls)) for played_round in found.rounds
    ]
    return await render(
        request,
        "round.html",
        operator,
        section="rounds",
        round=found,
        played=played,
        provider_view=provider_view,
        provider_status=calls[0].round if calls else None,
    )


def _lines(transactions: list[RoundTransaction], calls: list[ProviderCall] | None) -> list[Line]:
    """The casino's rows in ledger order, each with the provider's call of the same
    transactionId; then the provider's calls the casino has no row of."""
    if calls is None:
        return [Line(row, None) for row in transactions]
    by_id = {call.transaction_id: call for call in calls}
    lines = [Line(row, by_id.pop(row.transaction_id, None)) for row in transactions]
    seen = {row.transaction_id for row in transactions}
    return lines + [Line(None, call) for call in calls if call.transaction_id not in seen]


routes = [
    Route("/rounds", rounds_page, methods=["GET"]),
    Route("/rounds/{provider}/{round_id:path}", round_page, methods=["GET"]),
]
