"""Contracts other programs rely on, as JSON Schemas exported to `schema/contracts/` (checked for drift).

Each model here is the single description of a document DVT serves; tests validate real documents
against the exported schema, so the schema cannot drift from what the code sends.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dvt.domain import canvas

CONTRACTS_VERSION = "dvt.logical-graph.v1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LogicalGraphNode(_Strict):
    node_uuid: uuid.UUID = Field(description="Stable across versions: UUIDv5 of (project, unique_id)")
    unique_id: str
    resource_type: str = Field(description="model, seed, snapshot, source, test, unit_test, exposure, metric, ...")
    name: str
    package_name: str
    path: str | None = Field(description="original_file_path, with forward slashes")
    tags: list[str]
    materialized: str | None


class LogicalGraphEdge(_Strict):
    parent_uuid: uuid.UUID
    child_uuid: uuid.UUID
    kind: Literal["depends_on", "tests"]


class LogicalGraph(_Strict):
    """One immutable graph version of an environment: every node of the manifest and every dependency."""

    model_config = ConfigDict(extra="forbid", title="LogicalGraph")

    contract: Literal["dvt.logical-graph.v1"]
    graph_version_id: uuid.UUID
    environment_id: uuid.UUID
    sequence: int = Field(ge=1)
    content_hash: str = Field(pattern="^[0-9a-f]{64}$", description="sha256 of the manifest the version came from")
    nodes: list[LogicalGraphNode] = Field(description="In unique_id order")
    edges: list[LogicalGraphEdge] = Field(description="In (parent_uuid, child_uuid) order")


class PlanDecisionDoc(_Strict):
    policy: str
    reason: str = Field(description="A stable reason code, e.g. UNCHANGED_SINCE_LAST_SUCCESS")
    message: str
    action: Literal["RUN", "SKIP", "PARTIAL"] | None
    final: bool
    priority: int | None
    approval_role: str | None
    partition: dict[str, Any] | None


class PlanEstimateDoc(_Strict):
    p50_ms: int = Field(ge=0)
    p90_ms: int = Field(ge=0)
    p50_cost_micros: int = Field(ge=0, description="Micro-units of the rate card's currency")
    p90_cost_micros: int = Field(ge=0)
    confidence: Literal["history", "similar", "none"]
    evidence: str
    runs: int = Field(ge=0)


class PlanItemDoc(_Strict):
    node_uuid: uuid.UUID
    unique_id: str
    resource_type: str
    action: Literal["RUN", "SKIP", "PARTIAL"]
    decisions: list[PlanDecisionDoc] = Field(min_length=1, description="In the order the policies made them")
    wave: int = Field(ge=-1, description="Topological level among what runs; -1 when skipped")
    priority: int
    estimate: PlanEstimateDoc
    partition: dict[str, Any] | None = Field(description="PARTIAL only: the partition contract and dbt vars")


class PlanRequestDoc(_Strict):
    select: list[str]
    exclude: list[str]
    selector: str | None
    indirect_selection: Literal["eager", "cautious", "buildable", "empty"]
    full_refresh: bool
    vars: dict[str, Any]
    state_version_id: uuid.UUID | None
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    state_manifest_sha256: str | None


class PlanTotalsDoc(_Strict):
    run: int = Field(ge=0)
    skip: int = Field(ge=0)
    partial: int = Field(ge=0)
    p50_ms: int = Field(ge=0)
    p90_ms: int = Field(ge=0)
    p50_cost_micros: int = Field(ge=0)
    p90_cost_micros: int = Field(ge=0)
    budget_remaining_micros: int | None


class ApprovalDoc(_Strict):
    policy: str
    reason: str
    role: str


class PolicyRefDoc(_Strict):
    id: str
    version: str


class ExecutionPlan(_Strict):
    """What `dbt build` would do, node by node, why, in which order and at what cost; sealed by `fingerprint`,
    the sha256 of the canonical JSON (RFC 8785) of every other member."""

    model_config = ConfigDict(extra="forbid", title="ExecutionPlan")

    contract: Literal["dvt.execution-plan.v2"]
    environment_id: uuid.UUID
    base_version_id: uuid.UUID | None
    head_version_id: uuid.UUID
    request: PlanRequestDoc
    selected: list[str] = Field(description="The raw selection in dbt's semantics, sorted")
    items: list[PlanItemDoc] = Field(description="In execution order: wave, priority, unique_id")
    totals: PlanTotalsDoc
    approvals_required: list[ApprovalDoc]
    explanation: str
    policies: list[PolicyRefDoc]
    fingerprint: str = Field(pattern="^[0-9a-f]{64}$")


Key = Annotated[str, Field(min_length=1)]


class CanvasViewportDoc(_Strict):
    x: float
    y: float
    zoom: float = Field(gt=0)


class CanvasPositionDoc(_Strict):
    x: float
    y: float
    pinned: bool = Field(description="Kept where the user put it when the layout runs again")


class CanvasGroupDoc(_Strict):
    label: str
    members: list[Key] = Field(description="unique_ids of the group's nodes")


class CanvasStateDoc(_Strict):
    """One user's layout of a project's graph (personal UI state: it never changes the graph). Numbers are
    finite, and the whole document is at most 2 MiB as compact UTF-8 JSON; `dvt.domain.canvas.validate`
    checks both, with this shape."""

    model_config = ConfigDict(extra="forbid", title="CanvasState")

    version: Literal[1]
    viewport: CanvasViewportDoc | None = Field(description="null: fit the drawing to the screen")
    positions: dict[Key, CanvasPositionDoc] = Field(
        max_length=canvas.MAX_POSITIONS, description="By node unique_id or group key"
    )
    groups: dict[Key, CanvasGroupDoc] = Field(default_factory=dict, description="By group key; optional")
    collapsed: list[Key] = Field(description="Keys of the collapsed groups")
    expanded: list[Key] = Field(default_factory=list, description="Keys of the overview's groups the user opened")
    mode: Literal["focused", "overview"]
    group_by: Literal["folder", "package", "tag", "group", "resource_type"] = Field(alias="groupBy")
    focus: Key | None = Field(description="The unique_id of the node a focused view centres on")
    depth: int = Field(ge=canvas.MIN_DEPTH, le=canvas.MAX_DEPTH, description="Levels shown around the focus")


CONTRACTS: dict[str, type[BaseModel]] = {
    "logical-graph.v1.schema.json": LogicalGraph,
    "execution-plan.v2.schema.json": ExecutionPlan,
    "canvas-state.v1.schema.json": CanvasStateDoc,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    return {
        name: {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        for name, model in CONTRACTS.items()
    }
