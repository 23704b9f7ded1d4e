"""commit shas: the commit a graph version was parsed from, a plan was made from, and a run executed

A run plans from the code on its environment's branch: the ref is resolved to a commit, parsed once, and
that commit's graph version is found again by its sha (same commit: same version, no reparse). A commit
parsed only to preview another ref is kept as a version that is not (yet) the environment's graph.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("graph_versions", "plans", "runs"):
        op.add_column(table, sa.Column("commit_sha", sa.String(40), nullable=True))
    op.create_index("ix_graph_versions_commit", "graph_versions", ["environment_id", "commit_sha"])
    # A preview of another ref's commit is a version that never was the environment's graph.
    op.alter_column("graph_versions", "activation", nullable=True)


def downgrade() -> None:
    # Previews become the oldest activations, below every version that was current.
    op.execute("UPDATE graph_versions v SET activation = -v.sequence WHERE activation IS NULL")
    op.alter_column("graph_versions", "activation", nullable=False)
    op.drop_index("ix_graph_versions_commit", table_name="graph_versions")
    for table in ("runs", "plans", "graph_versions"):
        op.drop_column(table, "commit_sha")
