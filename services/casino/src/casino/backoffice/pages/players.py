"""Players: find one by id or email; their wallets and balances, game sessions, recent
rounds, free-round campaigns, and player protection (limits per currency with the
changes pending, and the exclusion), which an operator may change here under the same
rules as the operator API: a lower limit applies at once, a raise or a removal after the
cooling-off, and an exclusion is never shortened.
"""

import datetime as dt
import uuid

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.changes import carry_out, set_by
from casino.backoffice.guards import change, field
from casino.backoffice.money import AmountError, Money
from casino.backoffice.player_reads import find_players, player_file
from casino.backoffice.rendering import back_to, flash, render
from casino.campaigns import store
from casino.protection import exclusions, limit_store
from casino.protection.limits import NAME_OF
from casino.vocabulary import LimitKind
from contracts.operator import MAX_SESSION_MINUTES

# The limit form's fields, in the order shown.
LIMIT_FIELDS: tuple[tuple[LimitKind, str, str], ...] = (
    (LimitKind.MAX_BET, "max_bet", "Maximum bet"),
    (LimitKind.DAILY_LOSS, "daily_loss", "Daily loss limit"),
    (LimitKind.WEEKLY_LOSS, "weekly_loss", "Weekly loss limit"),
    (LimitKind.MONTHLY_LOSS, "monthly_loss", "Monthly loss limit"),
    (LimitKind.SESSION_MINUTES, "session_minutes", "Session length (minutes)"),
)
REMOVE = "none"


class FormError(ValueError):
    """Raised when a form's field cannot be read; the message names the field."""


async def players_page(request: Request) -> Response:
    operator = await require_operator(request)
    query = request.query_params.get("q", "")
    found = await find_players(back_office(request).database, query)
    return await render(
        request, "players.html", operator, section="players", query=query, players=found
    )


async def player_page(request: Request) -> Response:
    operator = await require_operator(request)
    office = back_office(request)
    user_id = _user_id(request)
    found = await player_file(office.database, user_id)
    if found is None:
        raise HTTPException(404, f"No player has the id {user_id}")
    limits = [
        await limit_store.read_limits(office.database, user_id, wallet.currency)
        for wallet in found.wallets
    ]
    return await render(
        request,
        "player.html",
        operator,
        section="players",
        file=found,
        limits_by_currency=limits,
        limit_fields=LIMIT_FIELDS,
        limit_names=NAME_OF,
        exclusion=await exclusions.read_exclusion(office.database, user_id),
        campaigns=await store.campaigns_of(office.database, user_id),
        cooling_off=dt.timedelta(seconds=office.settings.limit_cooling_off_seconds),
        minutes=LimitKind.SESSION_MINUTES,
    )


async def set_limits(request: Request) -> Response:
    operator, form = await change(request)
    office = back_office(request)
    user_id = _user_id(request)
    here = f"/players/{user_id}"
    currency = field(form, "currency")
    try:
        changes = _limit_changes(form, currency, await office.money())
    except FormError as wrong:
        flash(request, str(wrong), ok=False)
        return back_to(here)
    if not changes:
        flash(request, "Nothing to change: fill in a limit, or `none` to remove one", ok=False)
        return back_to(here)
    details = {
        "currency": currency,
        "changes": {NAME_OF[kind].value: value for kind, value in changes},
    }
    limits = await carry_out(
        request,
        operator,
        "set limits",
        f"player {user_id}",
        details,
        lambda: limit_store.set_limits(
            office.database,
            user_id,
            currency,
            changes,
            dt.timedelta(seconds=office.settings.limit_cooling_off_seconds),
            set_by(operator),
        ),
    )
    if limits is not None:
        pending = {change.kind for change in limits.pending}
        later = [NAME_OF[kind].value for kind, _ in changes if kind in pending]
        flash(
            request,
            f"Limits in {currency} changed"
            + (f"; after the cooling-off: {', '.join(later)}" if later else ", all at once"),
        )
    return back_to(here)


async def exclude(request: Request) -> Response:
    operator, form = await change(request)
    office = back_office(request)
    user_id = _user_id(request)
    here = f"/players/{user_id}"
    try:
        until = _until(form)
    except FormError as wrong:
        flash(request, str(wrong), ok=False)
        return back_to(here)
    details = {"until": until.isoformat() if until else None, "permanent": until is None}
    done = await carry_out(
        request,
        operator,
        "exclude player",
        f"player {user_id}",
        details,
        lambda: exclusions.exclude(office.database, user_id, until, set_by(operator)),
    )
    if done is not None:
        flash(
            request,
            "The player is excluded "
            + ("permanently" if done.permanent else f"until {done.until:%Y-%m-%d %H:%M} UTC"),
        )
    return back_to(here)


def _limit_changes(
    form: FormData, currency: str, money: Money
) -> list[tuple[LimitKind, int | None]]:
    """Each filled-in limit: `none` removes it, a blank leaves it as it is."""
    if currency not in money.decimals:
        raise FormError(f"The casino does not take the currency {currency!r}")
    changes: list[tuple[LimitKind, int | None]] = []
    for kind, name, label in LIMIT_FIELDS:
        text = field(form, name)
        if not text:
            continue
        if text.lower() == REMOVE:
            changes.append((kind, None))
            continue
        try:
            value = (
                _minutes(text) if kind is LimitKind.SESSION_MINUTES else money.parse(text, currency)
            )
        except (AmountError, ValueError) as wrong:
            raise FormError(f"{label}: {wrong}") from None
        changes.append((kind, value))
    return changes


def _minutes(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_SESSION_MINUTES:
        raise ValueError(f"from 1 to {MAX_SESSION_MINUTES} minutes")
    return value


def _until(form: FormData) -> dt.datetime | None:
    """The end of the exclusion asked for (UTC), or None for a permanent one; permanent
    only when chosen explicitly, since no exclusion can be shortened."""
    length = field(form, "length")
    if length == "permanent":
        return None
    if length != "until":
        raise FormError("Choose until when, or permanently")
    text = field(form, "until")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FormError(f"Until: {text!r} is not a date and time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _user_id(request: Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params["user_id"])
    except ValueError:
        raise HTTPException(404, "A player's id is a UUID") from None


routes = [
    Route("/players", players_page, methods=["GET"]),
    Route("/players/{user_id}", player_page, methods=["GET"]),
    Route("/players/{user_id}/limits", set_limits, methods=["POST"]),
    Route("/players/{user_id}/exclusion", exclude, methods=["POST"]),
]
