"""Rounds that close, the payouts real games make, free-round campaigns, and player
protection (docs/PROTOCOL.md "Rounds, payouts and free rounds", docs/OPERATIONS.md
"Player protection").

- `casino_rounds`: one row per (provider, wallet, roundId) the wallet accepted money in,
  or that a provider ended, with its status: open, closed (by `roundClosed` or
  `endRound`) or expired (left open past the setting). Written by the wallet in the same
  statement as the batch's ledger rows, under the wallet's lock; the expiry only turns
  open rows expired.
- The ledger row learns: `kind` (a credit's: win, bonus, jackpot, promo; existing credits
  are wins), `jackpot_contribution` (a debit's share fed to a jackpot, 0..amount),
  `campaign_id` (a free bet, its refund, or a bonus win) and `closes_round`; the type
  `end_round` (moves nothing, amount 0). A free bet and the refund of one move nothing,
  so the move the chain checks (migration 0003) now says so.
- `casino_free_round_campaigns`: what an operator granted, and how many of its rounds
  were played (`rounds_used`, never above `rounds`, counted under the wallet's lock).
- `casino_player_limits`: per player and currency, each limit's value from the moment it
  applies (a raise applies after the cooling-off; NULL removes the limit); at most the
  limit in force and one pending change per kind are kept.
- `casino_player_exclusions`: a player excluded until a moment, or for ever (NULL).
- `casino_wallets` gains the running loss (bets - wins - refunds) of the current day,
  week and month and the day each period began, kept by the wallet in the same statement
  as the balance: a bet's loss-limit check reads the locked wallet row, not the ledger.
  They start at this migration; losses before it are not counted.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_MOVE = (
    "CASE WHEN outcome = 'accepted' THEN CASE type WHEN 'debit' THEN -amount ELSE amount END"
    " ELSE 0 END"
)
# A free bet (and its refund) carries its campaign and moves nothing; a payout moves its
# amount whatever it names; an end_round moves nothing (its amount is 0).
MOVE = (
    "CASE WHEN outcome <> 'accepted' OR type = 'end_round' THEN 0"
    " WHEN type = 'credit' THEN amount"
    " WHEN campaign_id IS NOT NULL THEN 0"
    " WHEN type = 'debit' THEN -amount ELSE amount END"
)

_UP = f"""
CREATE TABLE casino_free_round_campaigns (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES casino_users (id),
    wallet_id uuid NOT NULL REFERENCES casino_wallets (id),
    game_id uuid NOT NULL REFERENCES casino_games (id),
    currency varchar(8) NOT NULL,
    rounds integer NOT NULL CONSTRAINT ck_casino_free_round_campaigns_rounds_positive
        CHECK (rounds > 0),
    bet_amount bigint NOT NULL CONSTRAINT ck_casino_free_round_campaigns_bet_amount_in_range
        CHECK (bet_amount BETWEEN 1 AND 1000000000000000),
    rounds_used integer NOT NULL DEFAULT 0
        CONSTRAINT ck_casino_free_round_campaigns_rounds_used_within_grant
        CHECK (rounds_used BETWEEN 0 AND rounds),
    expires_at timestamptz NOT NULL,
    cancelled_at timestamptz,
    provider_registered_at timestamptz,
    provider_cancelled_at timestamptz,
    granted_by varchar(200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_casino_free_round_campaigns_user_id ON casino_free_round_campaigns (user_id);

ALTER TABLE casino_transactions
    ADD COLUMN kind varchar(16),
    ADD COLUMN jackpot_contribution bigint,
    ADD COLUMN campaign_id uuid
        CONSTRAINT fk_casino_transactions_campaign_id_casino_free_round_campaigns
        REFERENCES casino_free_round_campaigns (id),
    ADD COLUMN closes_round boolean NOT NULL DEFAULT false;
UPDATE casino_transactions SET kind = 'win' WHERE type = 'credit';
ALTER TABLE casino_transactions
    DROP CONSTRAINT ck_casino_transactions_type_known,
    ADD CONSTRAINT ck_casino_transactions_type_known
        CHECK (type IN ('debit', 'credit', 'rollback', 'end_round')),
    DROP CONSTRAINT ck_casino_transactions_balance_moves_by_amount,
    ADD CONSTRAINT ck_casino_transactions_balance_moves_by_amount
        CHECK (balance_after = balance_before + {MOVE}),
    ADD CONSTRAINT ck_casino_transactions_kind_of_credit
        CHECK ((type = 'credit') = (kind IS NOT NULL)
               AND (kind IS NULL OR kind IN ('win', 'bonus', 'jackpot', 'promo'))),
    ADD CONSTRAINT ck_casino_transactions_jackpot_contribution_of_bet
        CHECK (jackpot_contribution IS NULL
               OR (type = 'debit' AND jackpot_contribution BETWEEN 0 AND amount)),
    ADD CONSTRAINT ck_casino_transactions_end_round_moves_nothing
        CHECK (type <> 'end_round' OR amount = 0),
    ADD CONSTRAINT ck_casino_transactions_campaign_of_free_play
        CHECK (campaign_id IS NULL OR type IN ('debit', 'credit', 'rollback'));
CREATE INDEX ix_casino_transactions_campaign_id ON casino_transactions (campaign_id)
    WHERE campaign_id IS NOT NULL;

CREATE TABLE casino_rounds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    provider_id uuid NOT NULL REFERENCES casino_game_providers (id),
    wallet_id uuid NOT NULL REFERENCES casino_wallets (id),
    round_id varchar(128) NOT NULL,
    status varchar(16) NOT NULL
        CONSTRAINT ck_casino_rounds_status_known CHECK (status IN ('open', 'closed', 'expired')),
    opened_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    CONSTRAINT uq_casino_rounds_provider_id_wallet_id_round_id
        UNIQUE (provider_id, wallet_id, round_id),
    CONSTRAINT ck_casino_rounds_ended_when_not_open CHECK ((status = 'open') = (ended_at IS NULL))
);
CREATE INDEX ix_casino_rounds_open_since ON casino_rounds (opened_at) WHERE status = 'open';

CREATE TABLE casino_player_limits (
    user_id uuid NOT NULL REFERENCES casino_users (id),
    currency varchar(8) NOT NULL,
    kind varchar(24) NOT NULL CONSTRAINT ck_casino_player_limits_kind_known
        CHECK (kind IN ('max_bet', 'daily_loss', 'weekly_loss', 'monthly_loss',
                        'session_minutes')),
    value bigint CONSTRAINT ck_casino_player_limits_value_not_negative CHECK (value >= 0),
    applies_at timestamptz NOT NULL,
    set_at timestamptz NOT NULL DEFAULT now(),
    set_by varchar(200),
    CONSTRAINT pk_casino_player_limits PRIMARY KEY (user_id, currency, kind, applies_at)
);

CREATE TABLE casino_player_exclusions (
    user_id uuid PRIMARY KEY REFERENCES casino_users (id),
    until timestamptz,
    set_at timestamptz NOT NULL DEFAULT now(),
    set_by varchar(200)
);

ALTER TABLE casino_wallets
    ADD COLUMN loss_day_start date,
    ADD COLUMN loss_day bigint NOT NULL DEFAULT 0,
    ADD COLUMN loss_week_start date,
    ADD COLUMN loss_week bigint NOT NULL DEFAULT 0,
    ADD COLUMN loss_month_start date,
    ADD COLUMN loss_month bigint NOT NULL DEFAULT 0;
"""

_DOWN = f"""
ALTER TABLE casino_wallets
    DROP COLUMN loss_day_start, DROP COLUMN loss_day, DROP COLUMN loss_week_start,
    DROP COLUMN loss_week, DROP COLUMN loss_month_start, DROP COLUMN loss_month;
DROP TABLE casino_player_exclusions;
DROP TABLE casino_player_limits;
DROP TABLE casino_rounds;
ALTER TABLE casino_transactions
    DROP CONSTRAINT ck_casino_transactions_campaign_of_free_play,
    DROP CONSTRAINT ck_casino_transactions_end_round_moves_nothing,
    DROP CONSTRAINT ck_casino_transactions_jackpot_contribution_of_bet,
    DROP CONSTRAINT ck_casino_transactions_kind_of_credit,
    DROP CONSTRAINT ck_casino_transactions_balance_moves_by_amount,
    ADD CONSTRAINT ck_casino_transactions_balance_moves_by_amount
        CHECK (balance_after = balance_before + {_OLD_MOVE}),
    DROP CONSTRAINT ck_casino_transactions_type_known,
    ADD CONSTRAINT ck_casino_transactions_type_known
        CHECK (type IN ('debit', 'credit', 'rollback')),
    DROP COLUMN closes_round, DROP COLUMN campaign_id, DROP COLUMN jackpot_contribution,
    DROP COLUMN kind;
DROP TABLE casino_free_round_campaigns;
"""


def _each_statement(script: str) -> None:
    # asyncpg prepares what it executes, and a prepared statement holds one command.
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _each_statement(_UP)


def downgrade() -> None:
    # A ledger with free bets cannot go back (their moves would no longer add up): the
    # chain's CHECK refuses it, which is the truth.
    _each_statement(_DOWN)
