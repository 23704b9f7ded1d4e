"""run state awaiting_worker: a run whose plan is approved and whose job waits for a worker reads so

Revision ID: 0014
Revises: 0013

The status column is free text (no check constraint): only the rows already in that situation move, so a
run approved before the upgrade is claimed by an upgraded worker (which only claims `awaiting_worker` runs).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE runs SET status = 'awaiting_worker' FROM plans"
        " WHERE runs.plan_id = plans.id AND runs.tenant_id = plans.tenant_id"
        " AND runs.status = 'awaiting_approval' AND plans.status = 'approved'"
    )


def downgrade() -> None:
    op.execute("UPDATE runs SET status = 'awaiting_approval' WHERE status = 'awaiting_worker'")
