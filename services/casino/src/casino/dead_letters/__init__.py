"""The dead-letter queues for an operator: list what sits there, requeue or discard it
(`inspect`), from the `casino dead-letters` command (`commands`) or the back office."""
