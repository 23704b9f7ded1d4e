"""execution plans; macros of graph versions; policy settings of environments

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "graph_versions",
        sa.Column("macros", sa.LargeBinary(), server_default=sa.text("'\\x7b7d'::bytea"), nullable=False),
    )
    op.add_column("graph_versions", sa.Column("project_name", sa.Text(), nullable=True))
    op.add_column(
        "environments",
        sa.Column("policies", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("environment_id", sa.UUID(), nullable=False),
        sa.Column("base_version_id", sa.UUID(), nullable=True),
        sa.Column("head_version_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["base_version_id"], ["graph_versions.id"], name=op.f("fk_plans_base_version_id_graph_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"], ["environments.id"], name=op.f("fk_plans_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["head_version_id"], ["graph_versions.id"], name=op.f("fk_plans_head_version_id_graph_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_plans_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )  # fmt: skip
    op.create_index(op.f("ix_plans_tenant_id"), "plans", ["tenant_id"], unique=False)
    op.create_index("ix_plans_environment", "plans", ["tenant_id", "environment_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_plans_environment", table_name="plans")
    op.drop_index(op.f("ix_plans_tenant_id"), table_name="plans")
    op.drop_table("plans")
    op.drop_column("environments", "policies")
    op.drop_column("graph_versions", "project_name")
    op.drop_column("graph_versions", "macros")
