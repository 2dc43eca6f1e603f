"""The casino's one public HTTP edge: verify, validate, send over RabbitMQ, map the reply.

`gateway.app` wires it. `gateway.callbacks` holds the provider's signed wallet callbacks,
and its docstring follows one debit through every module it passes, in order;
`gateway.routes` holds the other entry points (the operator's lobby calls, the /provider/*
forward, health).
"""
