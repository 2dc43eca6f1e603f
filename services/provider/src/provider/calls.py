"""The provider's calls to the wallet (money calls, and the end of a round), one way for
everybody who makes them: a round being played (`provider.rounds`) and the retry queue
(`provider.resuming`).

A call is recorded with its body before it is sent (`provider.bets`); what is sent, on
every attempt and every resend, is exactly that stored body; its outcome is written once.
A debit whose outcome is unknown is rolled back: in one transaction it is marked
`unknown` and a rollback naming it is recorded, which is then sent, insisting longer.
"""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from provider.bets import (
    CASINO_PATHS,
    MoneyRequest,
    body_of,
    give_up_debit,
    record_call,
    record_outcome,
)
from provider.casino_client import CasinoClient, RetryPolicy
from provider.database import SessionFactory
from provider.faults import casino_transport
from provider.kinds import BetType
from provider.models import Bet
from provider.outcomes import CallOutcome
from provider.settings import ProviderSettings


@dataclass
class Calls:
    """Our database and the casino, and how hard to insist: the client's attempts for an
    ordinary call, `unknown_debit_rollback_attempts` for the rollback of a debit whose
    outcome is unknown; a call stays with its sender for `in_flight_seconds` before the
    retry queue may take it, and a payout or rollback left unknown is first retried by
    the queue `first_retry_seconds` later."""

    sessions: SessionFactory
    casino: CasinoClient
    unknown_debit_rollback_attempts: int
    in_flight_seconds: float
    first_retry_seconds: float

    async def record(
        self,
        round_id: uuid.UUID,
        request: MoneyRequest,
        amount: int | None,
        related: Bet | None = None,
        reason: str | None = None,
        campaign_id: uuid.UUID | None = None,
    ) -> Bet:
        return await record_call(
            self.sessions,
            round_id,
            request,
            amount,
            in_flight_seconds=self.in_flight_seconds,
            related=related,
            reason=reason,
            campaign_id=campaign_id,
        )

    async def send(
        self, call: Bet, correlation_id: str | None = None, attempts: int | None = None
    ) -> CallOutcome:
        """Send the call's stored body to its endpoint, retrying what is transient."""
        return await self.casino.send(
            CASINO_PATHS[BetType(call.type)],
            body_of(call),
            transaction_id=call.transaction_id,
            correlation_id=correlation_id,
            attempts=attempts,
        )

    async def write(self, call: Bet, outcome: CallOutcome) -> None:
        await record_outcome(
            self.sessions, call, outcome, retry_in_seconds=self.first_retry_seconds
        )

    async def roll_back(
        self,
        debit: Bet,
        outcome: CallOutcome | None,
        reason: str,
        correlation_id: str | None = None,
        actor: str | None = None,
    ) -> tuple[Bet, CallOutcome]:
        """Cancel a debit whose outcome is unknown: the rollback's row and what became of
        it (a rollback still unknown stays pending, for the retry queue)."""
        rollback = await give_up_debit(
            self.sessions,
            debit,
            outcome,
            reason,
            in_flight_seconds=self.in_flight_seconds,
            actor=actor,
        )
        cancelled = await self.send(rollback, correlation_id, self.unknown_debit_rollback_attempts)
        await self.write(rollback, cancelled)
        return rollback, cancelled


@asynccontextmanager
async def open_calls(
    settings: ProviderSettings,
    sessions: SessionFactory,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[Calls]:
    """The money calls of a process (the app, or an operator's command), over an HTTP
    client to the casino that lives as long as the block. `transport` replaces the
    network (tests mount a fake casino there); fault injection still wraps it."""
    wrapped = casino_transport(settings.fault_lose_response_ratio, settings.fault_seed, transport)
    async with httpx.AsyncClient(base_url=settings.casino_url, transport=wrapped) as http:
        casino = CasinoClient(
            http,
            settings.signing_secret,
            RetryPolicy.from_settings(settings),
            provider_code=settings.provider_code,
            timestamped=settings.sign_with_timestamp,
        )
        yield Calls(
            sessions,
            casino,
            settings.unknown_debit_rollback_attempts,
            in_flight_seconds=settings.call_in_flight_seconds,
            first_retry_seconds=settings.pending_retry_initial_backoff_seconds,
        )
