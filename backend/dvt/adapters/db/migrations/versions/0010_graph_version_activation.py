"""graph version activation: the environment's current graph is the version made current last

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Until now the newest version was the current one: its activation is its sequence.
    op.add_column("graph_versions", sa.Column("activation", sa.Integer(), nullable=True))
    op.execute("UPDATE graph_versions SET activation = sequence")
    op.alter_column("graph_versions", "activation", nullable=False)
    op.create_unique_constraint(
        op.f("uq_graph_versions_environment_id_activation"), "graph_versions", ["environment_id", "activation"]
    )


def downgrade() -> None:
    op.drop_constraint(op.f("uq_graph_versions_environment_id_activation"), "graph_versions", type_="unique")
    op.drop_column("graph_versions", "activation")
