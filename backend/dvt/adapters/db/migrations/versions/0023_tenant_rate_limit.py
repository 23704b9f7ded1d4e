"""tenants.rate_limit_per_minute: a platform administrator's override of the server's requests per minute per
caller, for one tenant (null: the server's DVT_RATE_LIMIT_PER_MINUTE)

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("tenants", "rate_limit_per_minute")
