"""Operator and developer tooling around the casino: the demo world's seed, a round played
through the gateway from the command line, and the AsyncAPI document of the queues.
"""
