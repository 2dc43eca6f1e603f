"""What a round refuses before it starts, naming the action and field at fault."""

import pytest

from contracts.provider import RoundAction
from provider.errors import InvalidAmountError, InvalidRequestError
from provider.rounds import check_actions


def test_a_playable_action_list_passes() -> None:
    check_actions(
        [
            RoundAction(type="balance_check"),
            RoundAction(type="bet", amount=1),
            RoundAction(type="payout", amount=0),
            RoundAction(type="rollback", bet_index=0),
        ]
    )


@pytest.mark.parametrize(
    ("action", "error", "field"),
    [
        (RoundAction(type="bet"), InvalidRequestError, "actions[1].amount"),
        (RoundAction(type="bet", amount=0), InvalidAmountError, "actions[1].amount"),
        (RoundAction(type="payout"), InvalidRequestError, "actions[1].amount"),
        (RoundAction(type="rollback"), InvalidRequestError, "actions[1].betIndex"),
    ],
)
def test_impossible_actions_are_refused_naming_the_field(
    action: RoundAction, error: type[Exception], field: str
) -> None:
    with pytest.raises(error, match=field.replace("[", r"\[").replace("]", r"\]")):
        check_actions([RoundAction(type="balance_check"), action])
