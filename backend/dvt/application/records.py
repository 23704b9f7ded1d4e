"""Read models: what the application hands to the API, already scoped and shaped for display."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, NamedTuple, TypeVar

from dvt.domain.graph.model import GraphNode

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GraphVersionRecord:
    id: uuid.UUID
    tenant_id: uuid.UUID
    environment_id: uuid.UUID
    sequence: int
    content_hash: str
    manifest_schema_version: str
    dbt_version: str | None
    invocation_id: str | None
    generated_at: str | None
    adapter_type: str | None
    counts: dict[str, int]
    edge_count: int
    warnings: tuple[str, ...]
    created_at: datetime
    project_name: str | None = None  # the root dbt project
    selectors: dict[str, Any] = field(default_factory=dict)  # the manifest's YAML selectors
    commit_sha: str | None = None  # the commit DVT parsed into this version (None: artifacts uploaded)


@dataclass(frozen=True, slots=True)
class NodeSummary:
    """The columns a list of thousands of nodes needs; details load per node on demand."""

    graph_version_id: uuid.UUID
    node_uuid: uuid.UUID
    unique_id: str
    resource_type: str
    name: str
    package_name: str
    path: str | None
    tags: tuple[str, ...]
    materialized: str | None


@dataclass(frozen=True, slots=True)
class NodeDescription:
    """A node's description alone: what a list of documented nodes shows without reading the whole node."""

    graph_version_id: uuid.UUID
    node_uuid: uuid.UUID
    description: str


@dataclass(frozen=True, slots=True)
class NodeDetail:
    summary: NodeSummary
    node: GraphNode
    # From the latest catalog attached to this version, if any.
    catalog_columns: tuple[dict[str, Any], ...] = ()
    catalog_stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    graph_version_id: uuid.UUID
    parent_uuid: uuid.UUID
    child_uuid: uuid.UUID
    kind: str


@dataclass(frozen=True, slots=True)
class ArtifactRecord:
    id: uuid.UUID
    environment_id: uuid.UUID
    graph_version_id: uuid.UUID | None
    invocation_id: str | None
    kind: str
    schema_version: str
    dbt_version: str | None
    generated_at: str | None
    sha256: str
    size_bytes: int
    file_name: str
    storage_key: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InvocationRecord:
    id: uuid.UUID
    environment_id: uuid.UUID
    invocation_id: str
    graph_version_id: uuid.UUID | None
    command: str | None
    dbt_version: str | None
    generated_at: str | None
    elapsed_time: float | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NodeResultRecord:
    id: int
    invocation_pk: uuid.UUID
    invocation_id: str
    node_uuid: uuid.UUID
    unique_id: str
    status: str
    execution_time: float | None
    started_at: str | None
    completed_at: str | None
    thread_id: str | None
    message: str | None
    failures: int | None
    rows_affected: int | None
    adapter_response: dict[str, Any]
    known: bool  # whether the graph it was attached to holds the node
    generated_at: str | None = None


@dataclass(frozen=True, slots=True)
class SourceFreshnessRecord:
    id: int
    invocation_pk: uuid.UUID
    invocation_id: str
    node_uuid: uuid.UUID
    unique_id: str
    status: str
    max_loaded_at: str | None
    snapshotted_at: str | None
    age_seconds: float | None
    error: str | None
    known: bool


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A keyset page: items after the cursor, and whether more follow."""

    items: list[T]
    has_next: bool
    total: int | None = None


@dataclass(frozen=True, slots=True)
class ArtifactSummary:
    kind: str
    file_name: str
    schema_version: str
    dbt_version: str | None
    sha256: str
    invocation_id: str | None


@dataclass(frozen=True, slots=True)
class IngestReport:
    graph_version_id: uuid.UUID | None
    created: bool  # False when the same manifest was ingested before (idempotent)
    counts: dict[str, int]
    edges: int
    artifacts: tuple[ArtifactSummary, ...]
    warnings: tuple[str, ...]
    made_current: bool = False  # an earlier version's manifest again: that version is the environment's graph again


@dataclass(frozen=True, slots=True)
class PlanRecord:
    id: uuid.UUID
    environment_id: uuid.UUID
    base_version_id: uuid.UUID | None
    head_version_id: uuid.UUID
    status: str  # as stored: draft, approved, rejected (expiry is decided on read)
    fingerprint: str
    document: bytes  # the canonical JSON of the ExecutionPlan v2 document
    summary: dict[str, Any]
    created_by: str
    created_at: datetime | None
    expires_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    commit_sha: str | None = None  # the commit its head graph was parsed from, when DVT parsed it


class NodeHistoryRecord(NamedTuple):
    """One result in a node's history. A named tuple: a plan reads thousands, straight from the rows."""

    node_uuid: uuid.UUID
    status: str
    execution_time: float | None
    completed_at: str | None
    succeeded: bool
    latest: bool  # the node's newest result of all
    graph_version_id: uuid.UUID | None = None  # the graph version that run used, when known
