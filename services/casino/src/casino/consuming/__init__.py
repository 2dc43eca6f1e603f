"""What the casino's two consumers, the wallet worker and the lobby, share: their command
and dead-letter queues, the dead-letter middleware, the health checks, the metrics and
the /health, /ready and /metrics endpoints beside them.
"""
