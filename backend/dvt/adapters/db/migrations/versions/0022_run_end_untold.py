"""runs.end_untold: a run a job's fire canceled (overlap policy cancel) whose end the scheduler has still to tell
the jobs after it (chained jobs, fires waiting behind it), in a transaction of its own

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("end_untold", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_runs_end_untold", "runs", ["id"], postgresql_where=sa.text("end_untold"))


def downgrade() -> None:
    op.drop_index("ix_runs_end_untold", table_name="runs")
    op.drop_column("runs", "end_untold")
