"""The back office: its operators and its audit log.

- `casino_operators`: the people who sign in to the back office, by name, with their
  password's Argon2 hash (never the password), their role (`viewer` reads only,
  `operator` may change things) and, once disabled, when. A disabled operator is kept,
  so the audit log's names keep pointing at someone.
- `casino_back_office_audit`: every change made in the back office, who made it and
  when, what it was done to and its details. Only ever appended to.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UP = (
    """
    CREATE TABLE casino_operators (
        name varchar(64) NOT NULL,
        password_hash text NOT NULL,
        role varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        CONSTRAINT pk_casino_operators PRIMARY KEY (name),
        CONSTRAINT ck_casino_operators_role_known CHECK (role IN ('viewer', 'operator')),
        CONSTRAINT ck_casino_operators_name_form CHECK (name ~ '^[a-z0-9][a-z0-9._-]*$')
    )
    """,
    """
    CREATE TABLE casino_back_office_audit (
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        operator_name varchar(64) NOT NULL,
        action varchar(64) NOT NULL,
        subject varchar(300) NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT pk_casino_back_office_audit PRIMARY KEY (id),
        CONSTRAINT fk_casino_back_office_audit_operator_name_casino_operators
            FOREIGN KEY (operator_name) REFERENCES casino_operators (name)
    )
    """,
    "CREATE INDEX ix_casino_back_office_audit_at ON casino_back_office_audit (at)",
)


def upgrade() -> None:
    for statement in _UP:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE casino_back_office_audit")
    op.execute("DROP TABLE casino_operators")
