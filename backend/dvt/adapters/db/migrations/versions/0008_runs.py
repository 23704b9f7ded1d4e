"""runs, run events, run log chunks, run nodes; the job queue's tables

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgqueuer.adapters.persistence.qb import QueryBuilderEnvironment
from sqlalchemy.dialects import postgresql
from sqlalchemy.util import await_only

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = postgresql.JSONB(astext_type=sa.Text())


def _tenant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("tenant_id", sa.UUID(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)


def _run_key() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("run_id", sa.UUID(), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)


def _script(sql: str) -> None:
    """A multi-statement script (with function bodies) through asyncpg's simple protocol, in this transaction."""
    driver = op.get_bind().connection.driver_connection
    assert driver is not None  # an open asyncpg connection while the migration runs
    await_only(driver.execute(sql))


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.UUID(), primary_key=True),
        _tenant(),
        sa.Column("environment_id", sa.UUID(), sa.ForeignKey("environments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("plan_id", sa.UUID(), sa.ForeignKey("plans.id", ondelete="SET NULL"), nullable=True),
        sa.Column("retry_of", sa.UUID(), sa.ForeignKey("runs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("request", JSONB, nullable=False),
        sa.Column("command", sa.String(16), server_default="build", nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("worker", sa.Text(), nullable=True),
        sa.Column("attempt", sa.Integer(), server_default="0", nullable=False),
        sa.Column("event_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("log_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("limits", JSONB, server_default="{}", nullable=False),
        sa.Column(
            "graph_version_id", sa.UUID(), sa.ForeignKey("graph_versions.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("invocation_id", sa.Text(), nullable=True),
        sa.Column("estimated_cost_micros", sa.BigInteger(), nullable=True),
        sa.Column("actual_cost_micros", sa.BigInteger(), nullable=True),
        sa.Column("regressions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("artifacts", JSONB, server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_runs_tenant_id", "runs", ["tenant_id"])
    op.create_index("ix_runs_environment", "runs", ["tenant_id", "environment_id", "created_at"])
    op.create_index("ix_runs_status", "runs", ["tenant_id", "status"])
    op.create_table(
        "run_events",
        _run_key(),
        sa.Column("seq", sa.BigInteger(), primary_key=True),
        _tenant(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("unique_id", sa.Text(), nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("payload", JSONB, server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.UniqueConstraint("run_id", "idempotency_key", name="uq_run_events_run_id_idempotency_key"),
    )
    op.create_index("ix_run_events_tenant_id", "run_events", ["tenant_id"])
    op.create_table(
        "run_logs",
        _run_key(),
        sa.Column("seq", sa.BigInteger(), primary_key=True),
        _tenant(),
        sa.Column("stream", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_index("ix_run_logs_tenant_id", "run_logs", ["tenant_id"])
    op.create_table(
        "run_nodes",
        _run_key(),
        sa.Column("unique_id", sa.Text(), primary_key=True),
        _tenant(),
        sa.Column("node_uuid", sa.UUID(), nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("execution_time", sa.Double(), nullable=True),
        sa.Column("rows_affected", sa.BigInteger(), nullable=True),
        sa.Column("query_id", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("estimated_cost_micros", sa.BigInteger(), nullable=True),
        sa.Column("actual_cost_micros", sa.BigInteger(), nullable=True),
        sa.Column("regression", sa.Boolean(), server_default="false", nullable=False),
    )
    op.create_index("ix_run_nodes_tenant_id", "run_nodes", ["tenant_id"])
    # The job queue (pgqueuer) owns its own tables; the run row and its job commit in one transaction.
    _script(QueryBuilderEnvironment().build_install_query(create_schema=False))


def downgrade() -> None:
    _script(QueryBuilderEnvironment().build_uninstall_query())
    for table in ("run_nodes", "run_logs", "run_events", "runs"):
        op.drop_table(table)
