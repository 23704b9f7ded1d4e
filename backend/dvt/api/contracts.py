"""Contracts other programs rely on, as JSON Schemas exported to `schema/contracts/` (checked for drift).

Each model here is the single description of a document DVT serves; tests validate real documents
against the exported schema, so the schema cannot drift from what the code sends.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


CONTRACTS: dict[str, type[BaseModel]] = {"logical-graph.v1.schema.json": LogicalGraph}


def json_schemas() -> dict[str, dict[str, Any]]:
    return {
        name: {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        for name, model in CONTRACTS.items()
    }
