"""The fake casino wallet with the round rules the provider's new calls meet: endRound,
`roundClosed`, ROUND_CLOSED for a bet or a payout into a closed round, and free bets
(a debit naming a campaign costs nothing). It keeps every body it applied, in order, so a
test can read exactly what the provider sent.

The real rules (campaign counts, expiry, reports by kind) are the casino's and are
exercised end to end; this only has to judge the provider.
"""

from dataclasses import dataclass, field
from typing import Any

from contracts.errors import ErrorCode
from tests.integration.provider.fake_casino import FakeCasino, Reply, _error


@dataclass
class RoundRulesCasino(FakeCasino):
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    closed_rounds: set[str] = field(default_factory=set)

    def sent(self, command: str) -> list[dict[str, Any]]:
        """The bodies of `command` applied so far (retries included), in order."""
        return [body for name, body in self.received if name == command]

    def _apply(self, command: str, body: dict[str, Any]) -> Reply:
        self.received.append((command, body))
        if command not in ("debit", "credit", "endRound"):
            return super()._apply(command, body)
        token, key = body["sessionToken"], body["transactionId"]
        if token not in self.balances:
            return _error(ErrorCode.INVALID_SESSION)
        if key in self._decided:
            payload, reply = self._decided[key]
            return reply if payload == body else _error(ErrorCode.DUPLICATE_TRANSACTION)
        reply = self._decide(command, token, body)
        if reply[0] == 200 and (command == "endRound" or body.get("roundClosed")):
            self.closed_rounds.add(body["roundId"])
        self._decided[key] = (body, reply)
        return reply

    def _decide(self, command: str, token: str, body: dict[str, Any]) -> Reply:
        if command == "endRound":
            return 200, {**self._moved(token, body)[1], "roundId": body["roundId"]}
        if body["roundId"] in self.closed_rounds:
            return _error(ErrorCode.ROUND_CLOSED)
        if command == "debit" and body.get("freeRoundsCampaignId"):
            # A free bet: recorded, costs nothing, and a rollback of it refunds nothing.
            self._bets[body["transactionId"]] = {**body, "amount": 0, "rolled_back": False}
            return self._moved(token, body)
        return self._debit(token, body) if command == "debit" else self._credit(token, body)
