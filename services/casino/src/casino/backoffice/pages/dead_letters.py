"""Dead letters: what sits in each dead-letter queue (the wallet's and the lobby's), with
the command it carried and why it died, and an operator's two decisions on one
(`casino.dead_letters`, as `casino dead-letters` makes them): requeue it to its command
queue, or discard it for good with a reason (kept in the audit log). A listing leaves
every message where it was.
"""

import json
from collections.abc import Awaitable, Callable

import aio_pika
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from casino.backoffice.auth import back_office, require_operator
from casino.backoffice.changes import carry_out
from casino.backoffice.guards import change, field
from casino.backoffice.rendering import back_to, flash, render
from casino.backoffice.resources import BackOffice
from casino.dead_letters import inspect
from casino.lobby.errors import LobbyError
from contracts.errors import ErrorCode

SHOWN = 100
MAX_REASON = 500


async def dead_letters_page(request: Request) -> Response:
    operator = await require_operator(request)
    office = back_office(request)
    try:
        letters = await inspect.list_dead_letters(
            office.settings.amqp_url.get_secret_value(), SHOWN, command_queues=_queues(office)
        )
        unreachable = ""
    except (OSError, aio_pika.exceptions.AMQPError) as failure:
        letters, unreachable = [], f"RabbitMQ could not be read: {type(failure).__name__}"
    return await render(
        request,
        "dead_letters.html",
        operator,
        section="dead-letters",
        letters=[(letter, json.dumps(letter.command, indent=2)) for letter in letters],
        queues=inspect.dead_letter_queues(_queues(office)),
        unreachable=unreachable,
        shown=SHOWN,
    )


async def requeue(request: Request) -> Response:
    operator, form = await change(request)
    office = back_office(request)
    queue, key = field(form, "queue"), field(form, "message_key")
    done = await carry_out(
        request,
        operator,
        "requeue dead letter",
        f"{queue} {key}",
        {"queue": queue, "messageKey": key},
        _refusing_missing(
            lambda: inspect.requeue(
                office.settings.amqp_url.get_secret_value(),
                queue,
                key,
                command_queues=_queues(office),
            )
        ),
    )
    if done:
        flash(request, f"Requeued {key} to the command queue it came from")
    return back_to("/dead-letters")


async def discard(request: Request) -> Response:
    operator, form = await change(request)
    office = back_office(request)
    queue, key, reason = field(form, "queue"), field(form, "message_key"), field(form, "reason")
    if not reason or len(reason) > MAX_REASON:
        flash(request, f"Say why it is discarded (1 to {MAX_REASON} characters)", ok=False)
        return back_to("/dead-letters")
    done = await carry_out(
        request,
        operator,
        "discard dead letter",
        f"{queue} {key}",
        {"queue": queue, "messageKey": key, "reason": reason},
        _refusing_missing(
            lambda: inspect.discard(
                office.settings.amqp_url.get_secret_value(),
                queue,
                key,
                reason=f"{reason} (back office, {operator.name})",
                command_queues=_queues(office),
            )
        ),
    )
    if done:
        flash(request, f"Discarded {key} from {queue}")
    return back_to("/dead-letters")


def _queues(office: BackOffice) -> tuple[str, str]:
    return (office.settings.wallet_queue, office.settings.lobby_queue)


def _refusing_missing(act: Callable[[], Awaitable[bool]]) -> Callable[[], Awaitable[bool]]:
    """`act`, with its failures as refusals the audit log and the page show: no such
    message (taken meanwhile), an unknown queue, the broker refusing or unreachable."""

    async def acting() -> bool:
        try:
            found = await act()
        except inspect.UnknownDeadLetterQueueError as wrong:
            raise LobbyError(ErrorCode.INVALID_REQUEST, str(wrong)) from None
        except inspect.RequeueFailedError as failed:
            raise LobbyError(ErrorCode.WALLET_UNAVAILABLE, str(failed)) from None
        except (OSError, aio_pika.exceptions.AMQPError) as failure:
            raise LobbyError(
                ErrorCode.WALLET_UNAVAILABLE,
                f"RabbitMQ could not be reached: {type(failure).__name__}",
            ) from None
        if not found:
            raise LobbyError(
                ErrorCode.INVALID_REQUEST,
                "No such message in that queue (requeued or discarded meanwhile?)",
            )
        return True

    return acting


routes = [
    Route("/dead-letters", dead_letters_page, methods=["GET"]),
    Route("/dead-letters/requeue", requeue, methods=["POST"]),
    Route("/dead-letters/discard", discard, methods=["POST"]),
]
