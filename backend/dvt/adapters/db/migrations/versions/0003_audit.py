"""audit trail: append-only, hash-chained events

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),  # NULL: the platform's own chain
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_subject", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=128), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("resource_type", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        sa.Column("trace_id", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("result IN ('success', 'failure', 'denied')", name="ck_audit_events_result"),
        sa.CheckConstraint("actor_kind IN ('user', 'token', 'system')", name="ck_audit_events_actor_kind"),
        sa.CheckConstraint("sequence > 0", name="ck_audit_events_sequence"),
        # No cascade: the trail outlives what it describes, so a tenant with audit history cannot be
        # deleted (the trigger below would refuse the cascaded delete anyway), only retired.
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_audit_events_tenant_id_tenants"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("tenant_id", "sequence", name=op.f("uq_audit_events_tenant_id_sequence")),
    )
    # NULLs are distinct in the constraint above, so the platform chain needs its own.
    op.create_index(
        "uq_audit_events_platform_sequence",
        "audit_events",
        ["sequence"],
        unique=True,
        postgresql_where=sa.text("tenant_id IS NULL"),
    )
    op.create_index(
        "ix_audit_events_action",
        "audit_events",
        ["tenant_id", "action", "sequence"],
        postgresql_ops={"action": "text_pattern_ops"},
    )
    op.create_index("ix_audit_events_actor", "audit_events", ["tenant_id", "actor_subject", "sequence"])
    op.create_index(
        "ix_audit_events_resource", "audit_events", ["tenant_id", "resource_type", "resource_id", "sequence"]
    )
    op.create_index("ix_audit_events_result", "audit_events", ["tenant_id", "result", "sequence"])
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["tenant_id", "occurred_at"])
    # Statement-level, so even a statement that touches no row is refused; TRUNCATE has no rows to see.
    op.execute(
        """
        CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_events_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
        """
    )


def downgrade() -> None:
    # DROP TABLE fires no trigger: a downgrade discards the trail, as any downgrade past 0003 must.
    op.drop_table("audit_events")
    op.execute("DROP FUNCTION audit_events_append_only()")
