"""Free-round campaigns: the newest (or one player's), a grant, a cancel, through
`casino.campaigns.granting` as the lobby and `casino free-rounds` call it: a grant is
checked as a launch is, stored, and registered with the game's provider (a provider that
cannot be told gets the campaign cancelled at once); a cancel stops its free bets at the
casino first, then tells the provider.
"""

import datetime as dt
import uuid

from pydantic import ValidationError
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.changes import carry_out, set_by
from casino.backoffice.guards import change, field
from casino.backoffice.money import AmountError
from casino.backoffice.rendering import back_to, flash, render
from casino.campaigns import granting, store
from casino.database import Database
from casino.models import FreeRoundCampaign, Game, GameProvider
from casino.protection.players import clock
from contracts.operator import MAX_FREE_ROUNDS, FreeRoundsCampaign, GrantFreeRoundsRequest

SHOWN = 100
MAX_HOURS = 24 * 366


async def campaigns_page(request: Request) -> Response:
    operator = await require_operator(request)
    office = back_office(request)
    user = request.query_params.get("user", "").strip()
    try:
        user_id = uuid.UUID(user) if user else None
    except ValueError:
        user_id = None
        flash(request, f"{user!r} is not a player's id", ok=False)
    campaigns = (
        await store.campaigns_of(office.database, user_id)
        if user_id
        else await _newest(office.database)
    )
    return await render(
        request,
        "campaigns.html",
        operator,
        section="campaigns",
        campaigns=campaigns,
        user=user,
        games=await _games(office.database),
        currencies=sorted((await office.money()).decimals),
    )


async def grant(request: Request) -> Response:
    operator, form = await change(request)
    office = back_office(request)
    money = await office.money()
    currency = field(form, "currency")
    try:
        hours = float(field(form, "expires_in_hours"))
        if not 0 < hours <= MAX_HOURS:
            raise ValueError(f"expires in: more than 0 and at most {MAX_HOURS} hours")
        rounds = int(field(form, "rounds"))
        if not 1 <= rounds <= MAX_FREE_ROUNDS:
            raise ValueError(f"rounds: 1 to {MAX_FREE_ROUNDS}")
        bet = money.parse(field(form, "bet"), currency)
        request_ = GrantFreeRoundsRequest(
            user_id=uuid.UUID(field(form, "user_id")),
            game_id=uuid.UUID(field(form, "game_id")),
            currency=currency,
            rounds=rounds,
            bet_amount=bet,
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours),
        )
    except (ValueError, AmountError, ValidationError) as wrong:
        flash(request, f"The grant cannot be read: {_short(wrong)}", ok=False)
        return back_to("/campaigns")
    campaign_id = uuid.uuid4()
    details = {
        "user": str(request_.user_id),
        "game": str(request_.game_id),
        "currency": currency,
        "rounds": rounds,
        "betAmount": bet,
        "expiresAt": request_.expires_at.isoformat(),
    }
    granted = await carry_out(
        request,
        operator,
        "grant free rounds",
        f"campaign {campaign_id}",
        details,
        lambda: granting.grant(
            office.database,
            office.providers,
            office.settings.casino_code,
            request_,
            campaign_id,
            set_by(operator),
        ),
    )
    if granted is not None:
        flash(request, f"Campaign {campaign_id} granted: {rounds} rounds, {granted.status}")
    return back_to(f"/campaigns?user={request_.user_id}")


async def cancel(request: Request) -> Response:
    operator, _ = await change(request)
    office = back_office(request)
    try:
        campaign_id = uuid.UUID(request.path_params["campaign_id"])
    except ValueError:
        flash(request, "A campaign's id is a UUID", ok=False)
        return back_to("/campaigns")
    cancelled = await carry_out(
        request,
        operator,
        "cancel free rounds",
        f"campaign {campaign_id}",
        {},
        lambda: granting.cancel(
            office.database, office.providers, office.settings.casino_code, campaign_id
        ),
    )
    if cancelled is not None:
        flash(request, f"Campaign {campaign_id} cancelled, and its provider told")
    return back_to("/campaigns")


async def _newest(database: Database) -> list[FreeRoundsCampaign]:
    async with database() as db:
        now = await clock(db)
        rows = await db.scalars(
            select(FreeRoundCampaign)
            .order_by(FreeRoundCampaign.created_at.desc(), FreeRoundCampaign.id)
            .limit(SHOWN)
        )
        return [store.view(campaign, now) for campaign in rows]


async def _games(database: Database) -> list[tuple[str, str, str]]:
    """(game id, game name, provider code) of every active game."""
    async with database() as db:
        rows = await db.execute(
            select(Game.id, Game.name, GameProvider.code)
            .join(GameProvider, GameProvider.id == Game.provider_id)
            .where(Game.is_active)
            .order_by(GameProvider.code, Game.name)
        )
        return [(str(game_id), name, code) for game_id, name, code in rows]


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in error.errors(include_input=False)
        )
    return str(error)


routes = [
    Route("/campaigns", campaigns_page, methods=["GET"]),
    Route("/campaigns/grant", grant, methods=["POST"]),
    Route("/campaigns/{campaign_id}/cancel", cancel, methods=["POST"]),
]
