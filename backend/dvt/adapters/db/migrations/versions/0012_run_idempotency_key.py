"""runs: a client's idempotency key, unique per tenant and environment, so a retried trigger finds its run

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("idempotency_key", sa.Text(), nullable=True))
    # Runs without a key (NULL) never collide: PostgreSQL treats NULLs as distinct in a unique index.
    op.create_index("uq_runs_idempotency_key", "runs", ["tenant_id", "environment_id", "idempotency_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_runs_idempotency_key", table_name="runs")
    op.drop_column("runs", "idempotency_key")
