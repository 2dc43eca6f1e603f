"""Play one round against a running system, through the gateway, and print it.

This is the operator's and tester's view of simulateRound, the round report: each step
the provider played (type, transactionId, amount, result, attempts, balance after) in
fixed-width columns, then the final balance, how it moved, and every step the casino
refused with why (a bet over the player's limit is one). Amounts are written with the
wallet currency's decimals (`contracts.currencies.format_amount`: 1,000 JPY, 10.50 USD).
Exits non-zero when the round could not be played.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import httpx
from pydantic import SecretStr

from contracts.currencies import UnknownCurrencyError, format_amount
from contracts.errors import CATALOGUE, ErrorCode
from contracts.lobby import RoundTransaction, SimulateRoundReply

# The protocol's example round (docs/PROTOCOL.md): bets 1000 and 500, a win of 2500 on
# bet 0, bet 1 rolled back.
SEED_EXAMPLE = {
    "bets": [{"amount": 1000}, {"amount": 500}],
    "wins": [{"amount": 2500, "relatedBetIndex": 0}],
    "rollbacks": [{"betIndex": 1}],
}


def round_request(user_id: str, game_id: str, args: argparse.Namespace) -> dict[str, Any]:
    """The simulateRound body: the steps given, or the seed example; in the player's
    wallet of `--currency` when one is given (else the casino's default, USD)."""
    player = {"userId": user_id, "gameId": game_id}
    if args.currency:
        player["currency"] = args.currency
    if not (args.bet or args.win or args.rollback):
        return {**player, **SEED_EXAMPLE}
    wins = []
    for win in args.win:
        amount, _, bet_index = win.partition(":")
        wins.append(
            {"amount": int(amount), **({"relatedBetIndex": int(bet_index)} if bet_index else {})}
        )
    return {
        **player,
        "bets": [{"amount": amount} for amount in args.bet],
        "wins": wins,
        "rollbacks": [{"betIndex": index} for index in args.rollback],
    }


def money(minor_units: int | None, currency: str) -> str:
    """An amount with its currency's decimals and code: "1,000 JPY", "10.50 USD"."""
    if minor_units is None:
        return "-"
    try:
        return f"{format_amount(minor_units, currency)} {currency}"
    except UnknownCurrencyError:
        # A currency only the casino's own list knows the decimals of: shown as it is.
        return f"{minor_units:,} {currency} minor units"


def refusal(step: RoundTransaction) -> str:
    """Why the casino refused a step: its code and what the code means."""
    code = step.code or "?"
    try:
        meaning = CATALOGUE[ErrorCode(code)].message
    except (ValueError, KeyError):  # a code this version does not know
        return code
    return f"{code} ({meaning[0].lower()}{meaning[1:]})"


def _step_name(step: RoundTransaction) -> str:
    return step.type if step.bet_index is None else f"{step.type} [bet {step.bet_index}]"


def render_round_report(reply: SimulateRoundReply) -> str:
    """The round report as printed: a fixed-width line per step, then its outcome."""
    header = ("#", "step", "transactionId", "amount", "result", "attempts", "balance after")
    rows = [header]
    for index, step in enumerate(reply.transactions, start=1):
        result = step.status if step.code is None else f"{step.status} ({step.code})"
        rows.append(
            (
                str(index),
                _step_name(step),
                step.transaction_id or "-",
                money(step.amount, reply.currency),
                result,
                str(step.attempts),
                money(step.balance_after, reply.currency),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    start = reply.transactions[0].balance_after if reply.transactions else None
    lines.append("")
    lines.append(f"round {reply.round_id} (session {reply.session_id})")
    lines.append(f"final balance: {money(reply.final_balance, reply.currency)}")
    if start is not None:
        moved = reply.final_balance - start
        lines.append(f"change:        {'+' if moved >= 0 else ''}{money(moved, reply.currency)}")
    for index, step in enumerate(reply.transactions, start=1):
        if step.status == "rejected":
            lines.append(
                f"refused:       step {index}, {_step_name(step)} of "
                f"{money(step.amount, reply.currency)}: {refusal(step)}"
            )
    return "\n".join(lines)


def play(args: argparse.Namespace, user_id: str, game_id: str, api_key: SecretStr | None) -> int:
    body = round_request(user_id, game_id, args)
    headers = {"x-api-key": api_key.get_secret_value()} if api_key else {}
    try:
        response = httpx.post(
            f"{args.gateway.rstrip('/')}/casino/simulateRound",
            json=body,
            headers=headers,
            timeout=args.timeout,
        )
    except httpx.HTTPError as error:
        print(f"error: the gateway at {args.gateway} did not answer: {error}", file=sys.stderr)
        return 2
    if response.status_code != 200:
        print(f"error: simulateRound answered {response.status_code}:", file=sys.stderr)
        print(
            json.dumps(response.json() if _is_json(response) else response.text, indent=2),
            file=sys.stderr,
        )
        return 1
    reply = SimulateRoundReply.model_validate(response.json())
    print(json.dumps(reply.to_wire(), indent=2) if args.json else render_round_report(reply))
    return 0


def _is_json(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("application/json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gateway", default="http://127.0.0.1:8000", help="the gateway's URL")
    parser.add_argument("--user", help="player id (default: the seed's demo player)")
    parser.add_argument("--game", help="game id (default: the seed's demo game)")
    parser.add_argument(
        "--currency", help="the player's wallet to play in (default: USD, the casino's default)"
    )
    parser.add_argument(
        "--bet", type=int, action="append", default=[], metavar="MINOR_UNITS", help="a bet"
    )
    parser.add_argument(
        "--win",
        action="append",
        default=[],
        metavar="MINOR_UNITS[:BET]",
        help="a payout, optionally naming the bet it pays (by index)",
    )
    parser.add_argument("--rollback", type=int, action="append", default=[], metavar="BET")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--json", action="store_true", help="print the reply as JSON")
