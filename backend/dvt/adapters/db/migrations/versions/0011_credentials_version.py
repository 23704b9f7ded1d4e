"""credentials version: a per-tenant counter bumped by every revocation, read by open WebSockets

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A WebSocket authenticates once; before each operation it reads this one integer (a primary-key lookup)
    # and re-authenticates only when a token was revoked or a grant changed in its tenant since.
    op.add_column(
        "tenants", sa.Column("credentials_version", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("tenants", "credentials_version")
