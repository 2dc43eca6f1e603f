"""The id of a provider's game in `casino seed --json` (read on standard input).

Usage: casino seed --json | python seeded_game.py PROVIDER_CODE [EXPECTED_ENDPOINT]

With EXPECTED_ENDPOINT, warns (on standard error) when the provider is registered
elsewhere: the seed never changes a provider already registered, so an endpoint chosen
by an earlier run stays until an operator changes it.
"""

import json
import sys


def main(code: str, expected_endpoint: str | None = None) -> None:
    seeded = json.load(sys.stdin)
    found = [provider for provider in seeded.get("providers", []) if provider["code"] == code]
    if not found:
        raise SystemExit(f"error: the seed has no provider {code!r} (ENVIRONMENT=development?)")
    provider = found[0]
    if expected_endpoint and provider["endpoint"] != expected_endpoint:
        print(
            f"warning: {code} is registered at {provider['endpoint']}, not {expected_endpoint}",
            file=sys.stderr,
        )
    print(provider["gameId"])


if __name__ == "__main__":
    main(*sys.argv[1:3])
