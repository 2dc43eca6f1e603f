"""The round report that `casino play-round` prints."""

import argparse
import uuid

from casino.tools.play_round import SEED_EXAMPLE, add_arguments, render_round_report, round_request
from contracts.lobby import RoundTransaction, SimulateRoundReply


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_with_no_steps_given_it_plays_the_seed_readme_example() -> None:
    body = round_request("u", "g", parse())
    assert body == {"userId": "u", "gameId": "g", **SEED_EXAMPLE}


def test_steps_given_on_the_command_line_make_the_round() -> None:
    body = round_request(
        "u", "g", parse("--bet", "100", "--bet", "50", "--win", "300:1", "--rollback", "0")
    )
    assert body["bets"] == [{"amount": 100}, {"amount": 50}]
    assert body["wins"] == [{"amount": 300, "relatedBetIndex": 1}]
    assert body["rollbacks"] == [{"betIndex": 0}]


def test_the_round_report_shows_every_step_and_the_change() -> None:
    reply = SimulateRoundReply(
        session_id=uuid.uuid4(),
        round_id="round-7",
        currency="USD",
        final_balance=101_500,
        transactions=[
            RoundTransaction(type="balance_check", status="accepted", balance_after=100_000),
            RoundTransaction(
                type="bet",
                transaction_id="bet-1",
                amount=1000,
                status="accepted",
                balance_after=99_000,
                attempts=3,
            ),
            RoundTransaction(
                type="bet",
                transaction_id="bet-2",
                amount=5000,
                status="rejected",
                code="INSUFFICIENT_FUNDS",
                balance_after=None,
            ),
        ],
    )
    lines = render_round_report(reply).splitlines()
    assert lines[0].split() == [
        "#",
        "step",
        "transactionId",
        "amount",
        "result",
        "attempts",
        "balance",
        "after",
    ]
    bet_line = lines[3].split()
    assert bet_line[:5] == ["2", "bet", "bet-1", "10.00", "USD"]
    assert bet_line[6] == "3"
    assert "rejected (INSUFFICIENT_FUNDS)" in lines[4]
    assert "final balance: 1,015.00 USD" in lines
    assert "change:        +15.00 USD" in lines


def test_a_currency_given_plays_in_that_wallet() -> None:
    body = round_request("u", "g", parse("--currency", "JPY"))
    assert body == {"userId": "u", "gameId": "g", "currency": "JPY", **SEED_EXAMPLE}
    assert round_request("u", "g", parse("--currency", "JPY", "--bet", "7"))["currency"] == "JPY"


def test_amounts_are_written_with_the_currency_s_decimals_and_refusals_say_why() -> None:
    reply = SimulateRoundReply(
        session_id=uuid.uuid4(),
        round_id="round-8",
        currency="JPY",
        final_balance=101_500,
        transactions=[
            RoundTransaction(type="balance_check", status="accepted", balance_after=100_000),
            RoundTransaction(
                type="bet",
                transaction_id="b1",
                amount=1000,
                status="accepted",
                balance_after=99_000,
            ),
            RoundTransaction(
                type="bet",
                transaction_id="b2",
                amount=5000,
                status="rejected",
                code="BET_LIMIT_EXCEEDED",
            ),
        ],
    )
    lines = render_round_report(reply).splitlines()
    assert lines[3].split()[:5] == ["2", "bet", "b1", "1,000", "JPY"]
    assert "final balance: 101,500 JPY" in lines
    assert "change:        +1,500 JPY" in lines
    assert lines[-1] == (
        "refused:       step 3, bet of 5,000 JPY:"
        " BET_LIMIT_EXCEEDED (the bet is above the player's bet limit)"
    )
