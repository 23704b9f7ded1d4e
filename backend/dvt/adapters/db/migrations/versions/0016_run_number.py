"""run numbers: each environment numbers its runs 1, 2, 3… so people can name a run ("run 42")

The environment row holds the last number handed out; a run takes the next one in its own insert
transaction (the row lock orders concurrent runs). Existing runs are numbered by creation order.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("environments", sa.Column("run_seq", sa.Integer(), server_default="0", nullable=False))
    op.add_column("runs", sa.Column("number", sa.Integer(), nullable=True))
    op.execute(
        """
        UPDATE runs SET number = numbered.n
        FROM (
            SELECT id, row_number() OVER (PARTITION BY environment_id ORDER BY created_at, id) AS n FROM runs
        ) AS numbered
        WHERE runs.id = numbered.id
        """
    )
    op.execute(
        """
        UPDATE environments SET run_seq = counts.last
        FROM (SELECT environment_id, max(number) AS last FROM runs GROUP BY environment_id) AS counts
        WHERE environments.id = counts.environment_id
        """
    )
    op.alter_column("runs", "number", nullable=False)
    op.create_unique_constraint("uq_runs_environment_number", "runs", ["environment_id", "number"])


def downgrade() -> None:
    op.drop_constraint("uq_runs_environment_number", "runs", type_="unique")
    op.drop_column("runs", "number")
    op.drop_column("environments", "run_seq")
