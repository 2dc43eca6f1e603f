"""The benchmark command (`scripts/bench`, `python -m tests.benchmark`): not a test.

It drives the gateway with signed wallet callbacks at a constant offered rate (open
loop), measures what the system achieves, and in the same run measures the baselines
that bound it (pgbench running one debit's SQL, a bare RabbitMQ request/reply echo).
docs/PERFORMANCE.md explains the method and records the figures.
"""
