"""jobs: what an environment runs by itself (schedules, chains), each fire recorded once, and a run's job

`job_fires` holds one row per occurrence of a job: its unique (job_id, fire_at) is the second guard of
exactly-once firing, after the job row's lock the scheduler claims with SKIP LOCKED.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "environment_id", UUID(as_uuid=True), sa.ForeignKey("environments.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("steps", JSONB, nullable=False),
        sa.Column("timeout_seconds", sa.Integer, nullable=False),
        sa.Column("overlap", sa.String(16), nullable=False),
        sa.Column("misfire", sa.String(16), nullable=False),
        sa.Column("paused", sa.Boolean, server_default=sa.text("false"), nullable=False),
        sa.Column("cron", sa.Text),
        sa.Column("timezone", sa.Text),
        sa.Column("after_job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="SET NULL")),
        sa.Column("after_outcome", sa.String(16)),
        sa.Column("next_fire_at", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("environment_id", "name", name="uq_jobs_environment_id_name"),
    )
    op.create_index("ix_jobs_tenant_id", "jobs", ["tenant_id"])
    op.create_index(
        "ix_jobs_due", "jobs", ["next_fire_at"], postgresql_where=sa.text("next_fire_at IS NOT NULL AND NOT paused")
    )
    op.create_index("ix_jobs_after", "jobs", ["tenant_id", "after_job_id"])
    op.create_table(
        "job_fires",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("run_id", UUID(as_uuid=True), sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("job_id", "fire_at", name="uq_job_fires_job_id_fire_at"),
    )
    op.create_index("ix_job_fires_tenant_id", "job_fires", ["tenant_id"])
    op.create_index(
        "ix_job_fires_waiting", "job_fires", ["job_id", "created_at"], postgresql_where=sa.text("outcome = 'waiting'")
    )
    op.add_column("runs", sa.Column("job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="SET NULL")))
    op.create_index("ix_runs_job", "runs", ["job_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_runs_job", table_name="runs")
    op.drop_column("runs", "job_id")
    op.drop_table("job_fires")
    op.drop_table("jobs")
