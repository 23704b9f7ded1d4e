"""Tables. Every tenant-owned row carries tenant_id; repositories filter every statement by it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSONB, uuid.UUID: UUID(as_uuid=True)}


def table_of(mapped: type[Base]) -> Table:
    """A mapped class's Core table: statements over many rows at once skip the ORM's work per row."""
    table = mapped.__table__
    assert isinstance(table, Table)
    return table


def _now() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def _tenant() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True)


class TenantRow(Base):
    __tablename__ = "tenants"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(Text)
    quotas: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer)  # None: the server's
    # Bumped with every revocation in the tenant (API token, grant): open WebSockets re-authenticate on a change.
    credentials_version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    created_at: Mapped[datetime] = _now()


class OrganizationRow(Base):
    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    slug: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


class ProjectRow(Base):
    __tablename__ = "projects"
    # Project slugs are unique within a tenant, so `--project SLUG` never needs an organization.
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(Text)
    repository: Mapped[str] = mapped_column(Text)
    subdirectory: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


class EnvironmentRow(Base):
    __tablename__ = "environments"
    __table_args__ = (UniqueConstraint("project_id", "slug"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(Text)
    adapter: Mapped[str] = mapped_column(String(32))
    git_ref: Mapped[str] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    rate_card: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    quotas: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    policies: Mapped[dict[str, Any]] = mapped_column(server_default="{}")  # settings by policy id
    run_seq: Mapped[int] = mapped_column(Integer, server_default="0")  # the last run number handed out
    created_at: Mapped[datetime] = _now()


class GraphVersionRow(Base):
    __tablename__ = "graph_versions"
    __table_args__ = (
        UniqueConstraint("environment_id", "content_hash"),
        UniqueConstraint("environment_id", "sequence"),
        UniqueConstraint("environment_id", "activation"),
        Index("ix_graph_versions_commit", "environment_id", "commit_sha"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column(Integer)
    # Each time a version becomes the environment's graph (created, or its manifest ingested again) it takes
    # the environment's next activation number: the current graph is the highest, whatever its sequence.
    # A version parsed only to preview another ref (`dvt plan --ref`) was never the environment's graph: None.
    activation: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    manifest_schema_version: Mapped[str] = mapped_column(String(16))
    dbt_version: Mapped[str | None] = mapped_column(Text)
    invocation_id: Mapped[str | None] = mapped_column(Text)
    generated_at: Mapped[str | None] = mapped_column(Text)
    adapter_type: Mapped[str | None] = mapped_column(Text)
    counts: Mapped[dict[str, Any]] = mapped_column()
    edge_count: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[dict[str, Any]] = mapped_column()  # a JSON list, kept whole for the version
    selectors: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    # The manifest's macros (checksums and their own macro dependencies): `state:modified.macros` needs them.
    macros: Mapped[bytes] = mapped_column(LargeBinary, server_default=text("'\\x7b7d'::bytea"))  # b"{}"
    project_name: Mapped[str | None] = mapped_column(Text)
    commit_sha: Mapped[str | None] = mapped_column(String(40))  # the commit parsed into this version, if known
    created_at: Mapped[datetime] = _now()


class GraphNodeRow(Base):
    """One node of one version. Summary columns for lists and filters; the rest in `data`."""

    __tablename__ = "graph_nodes"
    __table_args__ = (
        UniqueConstraint("graph_version_id", "unique_id"),
        Index("ix_graph_nodes_version_type", "graph_version_id", "resource_type"),
    )
    # Of a version of its tenant, and deleted with it: triggers check that per statement, not a foreign key per row
    # (migration 0017, docs/decisions/0008-graph-rows-checked-per-statement.md).
    graph_version_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    node_uuid: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    unique_id: Mapped[str] = mapped_column(Text)
    resource_type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    package_name: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text))
    materialized: Mapped[str | None] = mapped_column(Text)
    checksum: Mapped[str | None] = mapped_column(Text)
    # The whole node as orjson wrote it. Bytes, not jsonb: nothing queries inside it, and parsing 27 MB of
    # jsonb on COPY was most of a 10,000-model ingestion (docs/decisions/0001-graph-storage.md).
    data: Mapped[bytes] = mapped_column(LargeBinary)


class GraphEdgeRow(Base):
    __tablename__ = "graph_edges"
    __table_args__ = (Index("ix_graph_edges_child", "graph_version_id", "child_uuid"),)
    # Joins two nodes of a version of its tenant: checked per statement by triggers (migration 0017).
    graph_version_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    parent_uuid: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    child_uuid: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(String(16))


class CatalogEntryRow(Base):
    """What the warehouse said about a node's relation, attached to one graph version."""

    __tablename__ = "catalog_entries"
    graph_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("graph_versions.id", ondelete="CASCADE"), primary_key=True
    )
    node_uuid: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    unique_id: Mapped[str] = mapped_column(Text)
    artifact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"))
    columns: Mapped[dict[str, Any]] = mapped_column()  # JSON list of columns
    stats: Mapped[dict[str, Any]] = mapped_column()
    relation_type: Mapped[str | None] = mapped_column(Text)
    known: Mapped[bool] = mapped_column(Boolean)


class ArtifactRow(Base):
    __tablename__ = "artifacts"
    __table_args__ = (
        UniqueConstraint("environment_id", "kind", "sha256"),
        Index("ix_artifacts_version", "graph_version_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    graph_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("graph_versions.id", ondelete="SET NULL"))
    invocation_id: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    schema_version: Mapped[str] = mapped_column(String(16))
    dbt_version: Mapped[str | None] = mapped_column(Text)
    generated_at: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str] = mapped_column(Text)
    storage_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


class InvocationRow(Base):
    """One dbt invocation whose results DVT holds (from run_results or sources)."""

    __tablename__ = "invocations"
    __table_args__ = (UniqueConstraint("environment_id", "invocation_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    invocation_id: Mapped[str] = mapped_column(Text)
    graph_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("graph_versions.id", ondelete="SET NULL"))
    command: Mapped[str | None] = mapped_column(Text)
    dbt_version: Mapped[str | None] = mapped_column(Text)
    generated_at: Mapped[str | None] = mapped_column(Text)
    elapsed_time: Mapped[float | None] = mapped_column(Double)
    created_at: Mapped[datetime] = _now()


class NodeResultRow(Base):
    __tablename__ = "node_results"
    __table_args__ = (
        UniqueConstraint("invocation_pk", "unique_id"),
        # Run history of one node, newest first.
        Index("ix_node_results_history", "environment_id", "node_uuid", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    invocation_pk: Mapped[uuid.UUID] = mapped_column(ForeignKey("invocations.id", ondelete="CASCADE"))
    node_uuid: Mapped[uuid.UUID] = mapped_column()
    unique_id: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    execution_time: Mapped[float | None] = mapped_column(Double)
    started_at: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[str | None] = mapped_column(Text)
    thread_id: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int | None] = mapped_column(BigInteger)
    rows_affected: Mapped[int | None] = mapped_column(BigInteger)
    adapter_response: Mapped[dict[str, Any]] = mapped_column()
    known: Mapped[bool] = mapped_column(Boolean)


class SourceFreshnessRow(Base):
    __tablename__ = "source_freshness"
    __table_args__ = (
        UniqueConstraint("invocation_pk", "unique_id"),
        Index("ix_source_freshness_history", "environment_id", "node_uuid", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    invocation_pk: Mapped[uuid.UUID] = mapped_column(ForeignKey("invocations.id", ondelete="CASCADE"))
    node_uuid: Mapped[uuid.UUID] = mapped_column()
    unique_id: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    max_loaded_at: Mapped[str | None] = mapped_column(Text)
    snapshotted_at: Mapped[str | None] = mapped_column(Text)
    age_seconds: Mapped[float | None] = mapped_column(Double)
    error: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[dict[str, Any]] = mapped_column()
    known: Mapped[bool] = mapped_column(Boolean)


class RoleGrantRow(Base):
    """One role for one principal on one scope of a tenant (the policy Casbin decides with)."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("tenant_id", "principal", "role", "scope"),
        Index("ix_role_grants_principal", "tenant_id", "principal"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)
    principal: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


class RateLimitWindowRow(Base):
    """Requests of one caller in one fixed window, shared by every API replica through the database."""

    __tablename__ = "rate_limit_windows"
    caller: Mapped[str] = mapped_column(Text, primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    requests: Mapped[int] = mapped_column(Integer)


class PlanRow(Base):
    """An ExecutionPlan as it was made: its sealed document, its fingerprint, and what became of it."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_environment", "tenant_id", "environment_id", "created_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    base_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("graph_versions.id", ondelete="SET NULL"))
    head_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("graph_versions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    fingerprint: Mapped[str] = mapped_column(String(64))
    document: Mapped[bytes] = mapped_column(LargeBinary)  # the canonical JSON the fingerprint seals
    summary: Mapped[dict[str, Any]] = mapped_column()  # totals and approvals, for lists without the document
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    commit_sha: Mapped[str | None] = mapped_column(String(40))  # the commit its head graph was parsed from


class CanvasStateRow(Base):
    """One user's saved layout of one project's graph; `revision` counts its saves (compare-and-set)."""

    __tablename__ = "canvas_states"
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    user_subject: Mapped[str] = mapped_column(Text, primary_key=True)  # the actor's label: user:SUB or token:ID
    revision: Mapped[int] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()
