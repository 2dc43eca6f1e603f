"""Reading the batching that happened from the gateway's histogram."""

from tests.benchmark.batches import batch_totals, commands_per_message

PAGE = """# HELP gateway_wallet_batch_commands Wallet commands carried by one message.
# TYPE gateway_wallet_batch_commands histogram
gateway_wallet_batch_commands_bucket{le="1.0"} 3.0
gateway_wallet_batch_commands_count 10.0
gateway_wallet_batch_commands_sum 57.0
"""


def test_totals_are_read_from_the_histogram_sum_and_count() -> None:
    assert batch_totals(PAGE) == (57.0, 10.0)


def test_a_gateway_without_the_histogram_reads_as_nothing_sent() -> None:
    assert batch_totals("gateway_rpc_in_flight 0.0\n") == (0.0, 0.0)


def test_commands_per_message_is_over_the_run_only() -> None:
    assert commands_per_message((57.0, 10.0), (157.0, 30.0)) == 5.0
    assert commands_per_message((57.0, 10.0), (57.0, 10.0)) is None
