"""node_started events say `running`: the node's status from then on, a member of NodeStatus

Workers wrote `started`, a word no node status has; a run event's status is now read as a typed enum
(RunEvent.nodeStatus), so earlier events are rewritten to the word the node row itself holds.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE run_events SET status = 'running' WHERE kind = 'node_started' AND status = 'started'")


def downgrade() -> None:
    op.execute("UPDATE run_events SET status = 'started' WHERE kind = 'node_started' AND status = 'running'")
