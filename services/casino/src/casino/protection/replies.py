"""Player protection as the wire shows it: the body of a player's limits and of their
exclusion, for the operator API and the `casino` command's `--json` alike."""

from casino.protection.exclusions import Exclusion
from casino.protection.limit_store import PlayerLimits
from casino.protection.limits import NAME_OF
from contracts.operator import (
    LimitsInForce,
    PendingLimit,
    PlayerExclusionReply,
    PlayerLimitsReply,
)


def limits_reply(limits: PlayerLimits) -> PlayerLimitsReply:
    """The wire body of a player's limits: each in force (null: none) and each pending."""
    return PlayerLimitsReply(
        user_id=limits.user_id,
        currency=limits.currency,
        limits=LimitsInForce.model_validate(
            {NAME_OF[kind].value: value for kind, value in limits.in_force.items()}
        ),
        pending=[
            PendingLimit(
                limit=NAME_OF[change.kind], value=change.value, applies_at=change.applies_at
            )
            for change in limits.pending
        ],
    )


def exclusion_reply(exclusion: Exclusion) -> PlayerExclusionReply:
    return PlayerExclusionReply(
        user_id=exclusion.user_id,
        excluded=exclusion.excluded,
        permanent=exclusion.permanent,
        until=exclusion.until,
        set_at=exclusion.set_at,
        set_by=exclusion.set_by,
    )
