"""graph nodes: keep each node's document as bytes, not jsonb

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE graph_nodes ALTER COLUMN data TYPE bytea USING convert_to(data::text, 'UTF8')")


def downgrade() -> None:
    op.execute("ALTER TABLE graph_nodes ALTER COLUMN data TYPE jsonb USING convert_from(data, 'UTF8')::jsonb")
