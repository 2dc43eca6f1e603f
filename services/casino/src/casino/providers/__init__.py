"""The provider registry: every game provider the casino works with, its games, its
endpoint and its secrets (sealed at rest), and the operator's commands that change it.

`registry` holds the changes and reads, `tables` the registry's own tables, `commands`
the `casino provider …` / `casino game add` command line, and `answering` the lobby
process's answer to a gateway that asks for the registry over RabbitMQ.
"""
