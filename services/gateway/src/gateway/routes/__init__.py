"""The HTTP entry points besides the wallet callbacks (`gateway.callbacks`): the operator's
lobby calls, the /provider/* forward, health. Each one translates: read, check, send one
command or request, answer."""
