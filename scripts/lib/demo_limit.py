"""Set a player's maximum bet through the operator API and print the limits in force.

Usage: python demo_limit.py GATEWAY_URL USER_ID CURRENCY MAX_BET_MINOR_UNITS

`PUT /casino/players/{userId}/limits` with the operator's API key when OPERATOR_API_KEY
is set (development leaves it open). A lower limit applies at once, so the next bet
above it is refused (BET_LIMIT_EXCEEDED). Exits 1 when the gateway refuses.
"""

import json
import os
import sys

import httpx

from contracts.currencies import format_amount


def main(gateway: str, user_id: str, currency: str, max_bet: str) -> None:
    api_key = os.environ.get("OPERATOR_API_KEY")
    response = httpx.put(
        f"{gateway.rstrip('/')}/casino/players/{user_id}/limits",
        json={"currency": currency, "maxBet": int(max_bet)},
        headers={"x-api-key": api_key} if api_key else {},
        timeout=30,
    )
    if response.status_code != 200:
        print(f"error: the limits were refused ({response.status_code}):", file=sys.stderr)
        print(json.dumps(response.json(), indent=2), file=sys.stderr)
        raise SystemExit(1)
    limits = response.json()["limits"]
    print(f"player {user_id}: limits in force in {currency}")
    for name, value in limits.items():
        if value is None:
            continue
        shown = (
            value if name == "sessionMinutes" else f"{format_amount(value, currency)} {currency}"
        )
        print(f"  {name}: {shown}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
