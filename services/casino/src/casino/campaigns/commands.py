"""`casino free-rounds grant|cancel|show|list`: free-round campaigns from the command line.

The same rules as the operator API (`POST /casino/freeRounds` and the rest): a grant is
checked, stored, and registered with the game's provider, which this command calls
itself (at the provider's registered endpoint, signed with its secret); if the provider
cannot be told, the campaign is cancelled and the command says so and exits 1. Amounts
are given in minor units and shown with the currency's decimals. `--json` prints the
campaign as the API answers it.
"""

import argparse
import datetime as dt
import json
import uuid
from typing import Any

from casino.campaigns import granting, store
from casino.database import Database, run_with_database
from casino.lobby.errors import LobbyError
from casino.lobby.provider_links import provider_links
from casino.settings import CasinoSettings
from contracts.currencies import UnknownCurrencyError, format_amount
from contracts.errors import ErrorCode
from contracts.operator import MAX_FREE_ROUNDS, FreeRoundsCampaign, GrantFreeRoundsRequest

NAMES: tuple[str, ...] = ("free-rounds",)
"""The subcommands this module adds and answers."""

GRANTED_BY = "cli"


def add_arguments(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands to the `casino` parser."""
    parser = commands.add_parser("free-rounds", help="grant, cancel and list free-round campaigns")
    actions = parser.add_subparsers(dest="action", required=True)
    grant = actions.add_parser("grant", help="grant a player free rounds at a game")
    grant.add_argument("--user", type=uuid.UUID, required=True, help="the player's id")
    grant.add_argument("--game", type=uuid.UUID, required=True, help="the casino's game id")
    grant.add_argument("--currency", required=True, help="the wallet paying the wins, e.g. USD")
    grant.add_argument("--rounds", type=_rounds, required=True)
    grant.add_argument(
        "--bet", type=_minor_units, required=True, help="each round's bet, minor units"
    )
    until = grant.add_mutually_exclusive_group(required=True)
    until.add_argument("--expires-at", type=_moment, help="ISO 8601 with a time zone")
    until.add_argument("--expires-in-hours", type=float, help="from now")
    cancel = actions.add_parser("cancel", help="cancel a campaign (its provider is told)")
    cancel.add_argument("campaign", type=uuid.UUID)
    show = actions.add_parser("show", help="one campaign")
    show.add_argument("campaign", type=uuid.UUID)
    listing = actions.add_parser("list", help="a player's campaigns, the newest first")
    listing.add_argument("--user", type=uuid.UUID, required=True)
    for action in (grant, cancel, show, listing):
        action.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, settings: CasinoSettings) -> int:
    try:
        campaigns = run_with_database(
            settings.casino_database_url.get_secret_value(),
            lambda database: _act(args, settings, database),
        )
    except LobbyError as refused:
        _print_refusal(args.json, refused)
        return 1
    if args.json:
        wire: Any = (
            [c.to_wire() for c in campaigns] if args.action == "list" else campaigns[0].to_wire()
        )
        print(json.dumps(wire, indent=2))
    else:
        print("\n\n".join(_for_people(campaign) for campaign in campaigns) or "no campaigns")
    return 0


async def _act(
    args: argparse.Namespace, settings: CasinoSettings, database: Database
) -> list[FreeRoundsCampaign]:
    if args.action == "list":
        return await store.campaigns_of(database, args.user)
    if args.action == "show":
        return [(await store.read(database, args.campaign)).view()]
    async with provider_links(settings, database) as providers:
        if args.action == "cancel":
            return [await granting.cancel(database, providers, settings.casino_code, args.campaign)]
        request = _grant_request(args)
        return [
            await granting.grant(
                database, providers, settings.casino_code, request, uuid.uuid4(), GRANTED_BY
            )
        ]


def _grant_request(args: argparse.Namespace) -> GrantFreeRoundsRequest:
    expires_at = args.expires_at or dt.datetime.now(dt.UTC) + dt.timedelta(
        hours=args.expires_in_hours
    )
    try:
        return GrantFreeRoundsRequest(
            user_id=args.user,
            game_id=args.game,
            currency=args.currency,
            rounds=args.rounds,
            bet_amount=args.bet,
            expires_at=expires_at,
        )
    except ValueError as invalid:
        raise LobbyError(ErrorCode.INVALID_REQUEST, str(invalid)) from None


def _for_people(campaign: FreeRoundsCampaign) -> str:
    lines = {
        "campaign": str(campaign.campaign_id),
        "status": campaign.status,
        "player": str(campaign.user_id),
        "game": str(campaign.game_id),
        "rounds": f"{campaign.rounds_used} of {campaign.rounds} played",
        "bet": f"{_money(campaign.bet_amount, campaign.currency)} {campaign.currency}",
        "expires": campaign.expires_at.isoformat(),
        "granted": f"{campaign.created_at.isoformat()} by {campaign.granted_by or '?'}",
        "registered with the provider": _when(campaign.provider_registered_at),
    }
    if campaign.cancelled_at is not None:
        lines["cancelled"] = campaign.cancelled_at.isoformat()
        lines["provider told of the cancel"] = _when(campaign.provider_cancelled_at)
    return "\n".join(f"{name}: {value}" for name, value in lines.items())


def _when(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment is not None else "no"


def _money(amount: int, currency: str) -> str:
    try:
        return format_amount(amount, currency)
    except UnknownCurrencyError:
        return f"{amount} minor units"


def _print_refusal(as_json: bool, refused: LobbyError) -> None:
    if as_json:
        print(json.dumps(refused.body().model_dump(mode="json")))
    else:
        print(f"refused ({refused.code}): {refused.message}")


def _rounds(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_FREE_ROUNDS:
        raise argparse.ArgumentTypeError(f"rounds are 1 to {MAX_FREE_ROUNDS}")
    return value


def _minor_units(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 10**15:
        raise argparse.ArgumentTypeError("a bet is 1 to 10^15 minor units")
    return value


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time zone, e.g. 2030-01-01T00:00:00Z")
    return moment
