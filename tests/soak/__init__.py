"""The soak with faults (`scripts/soak`): a command, not a test.

It starts the whole system as processes on databases of its own, drives it with whole
rounds and signed wallet callbacks for a given number of operations while the fault
suite's faults hit it in turn, then lets it settle and runs the ledger check on both
sides. See docs/RELIABILITY.md, "Soak with faults".
"""
