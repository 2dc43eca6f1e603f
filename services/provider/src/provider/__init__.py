"""The game provider: rounds, their money calls to the casino, and the retry queue.

One debit, module by module: `routes` (the signed `/provider/simulate`) → `rounds` (the
round-playing rules) → `calls` → `bets` (the call's row, with the exact body, committed
`pending` before it is sent) → `casino_client` (that body signed and POSTed to
`/casino/debit`, transient failures retried; `outcomes` classifies each answer) → `bets`
(the outcome, written once) → `game_rounds` (the round closed when none of its calls is
pending).

What a crash or spent retries leave `pending` is settled by the retry queue: `resuming`
(the rules), `call_queue` (claims, the attempts' log, the operator's view), `backoff`
(the schedule), and `game-provider pending` (`pending_command`) for an operator.
"""
