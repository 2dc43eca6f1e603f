"""Where a dead letter goes back to: the queue it died in, as RabbitMQ recorded it (several
command queues may share one dead-letter queue), else the one its dead-letter queue's name
is derived from."""

from casino.dead_letters.messages import command_queue_of


def test_a_command_goes_back_to_the_queue_it_died_in() -> None:
    headers = {
        "x-death": [
            {"queue": "casino.wallet.v3.p5", "reason": "delivery_limit", "count": 1},
            {"queue": "casino.wallet.v3.p1", "reason": "expired", "count": 1},
        ]
    }

    assert command_queue_of("casino.wallet.v3.dead", headers) == "casino.wallet.v3.p5"


def test_without_rabbitmq_s_headers_the_dead_letter_queue_names_its_command_queue() -> None:
    assert command_queue_of("casino.lobby.v3.dead", {}) == "casino.lobby.v3"
    assert command_queue_of("casino.lobby.v3.dead") == "casino.lobby.v3"
