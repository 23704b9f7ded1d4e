"""Contracts other programs rely on, as JSON Schemas exported to `schema/contracts/` (checked for drift).

Each model here is the single description of a document DVT serves; tests validate real documents
against the exported schema, so the schema cannot drift from what the code sends.
"""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dvt.domain import canvas
from dvt.domain.plan.plan import ExecutionPlan

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
    "canvas-state.v1.schema.json": CanvasStateDoc,
}
# Contracts whose model is a domain dataclass (the domain imports no pydantic): generated from its field types.
DOMAIN_CONTRACTS: dict[str, type[Any]] = {
    "execution-plan.v2.schema.json": ExecutionPlan,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    schemas = {name: model.model_json_schema() for name, model in CONTRACTS.items()}
    schemas.update({name: dataclass_schema(model) for name, model in DOMAIN_CONTRACTS.items()})
    return {
        name: {"$schema": "https://json-schema.org/draft/2020-12/schema", **schemas[name]}
        for name in sorted(schemas, key=list(CONTRACTS | DOMAIN_CONTRACTS).index)
    }


def dataclass_schema(model: type[Any]) -> dict[str, Any]:
    """The JSON Schema of a frozen domain dataclass's document: every member required (but those marked
    `required=False`), none other allowed.

    Field types give the shape; each field's `metadata` adds JSON Schema keywords (description, minimum,
    pattern, const, ...) and `document=False` leaves a field out of the document.
    """
    definitions: dict[str, Any] = {}
    root = _object_schema(model, definitions)
    definitions.pop(model.__name__)
    return {**root, **({"$defs": dict(sorted(definitions.items()))} if definitions else {})}


def _object_schema(model: type[Any], definitions: dict[str, Any]) -> dict[str, Any]:
    definitions[model.__name__] = {}  # taken: a recursive reference resolves to it
    hints = typing.get_type_hints(model)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for member in dataclasses.fields(model):
        keywords = dict(member.metadata)
        if not keywords.pop("document", True):
            continue
        if keywords.pop("required", True):
            required.append(member.name)
        properties[member.name] = {**_type_schema(hints[member.name], definitions), **keywords}
    schema = {
        "title": model.__name__,
        **({"description": " ".join((model.__doc__ or "").split())} if _documented(model) else {}),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    definitions[model.__name__] = schema
    return schema


def _documented(model: type[Any]) -> bool:
    doc = model.__doc__ or ""
    return bool(doc) and not doc.startswith(f"{model.__name__}(")  # not the signature dataclass writes


def _type_schema(hint: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(argument, definitions) for argument in arguments]}
    if origin in (tuple, list):
        return {"type": "array", "items": _type_schema(arguments[0], definitions)}
    if origin is dict or hint is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if hint.__name__ not in definitions:
            _object_schema(hint, definitions)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    simple = {
        str: {"type": "string"},
        bool: {"type": "boolean"},
        int: {"type": "integer"},
        uuid.UUID: {"type": "string", "format": "uuid"},
        type(None): {"type": "null"},
        Any: {},
    }
    if hint in simple:
        return dict(simple[hint])
    raise TypeError(f"no JSON Schema for {hint!r}")
