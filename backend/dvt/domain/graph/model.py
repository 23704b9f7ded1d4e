"""The LogicalGraph: dbt's resources and their dependencies, normalised across every artifact version.

These types are what the artifact readers produce and what the rest of DVT reads. They hold no
identity of ours (node_uuid is derived later, from the project and `unique_id`), so one manifest
always normalises to the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

JsonDict = dict[str, Any]


class ArtifactKind(StrEnum):
    MANIFEST = "manifest"
    RUN_RESULTS = "run_results"
    CATALOG = "catalog"
    SOURCES = "sources"


class ResourceType(StrEnum):
    """The resource types dbt writes. Readers keep unknown future types as plain strings; `read` names them UNKNOWN."""

    MODEL = "model"
    SEED = "seed"
    SNAPSHOT = "snapshot"
    SOURCE = "source"
    TEST = "test"
    UNIT_TEST = "unit_test"
    EXPOSURE = "exposure"
    METRIC = "metric"
    SEMANTIC_MODEL = "semantic_model"
    SAVED_QUERY = "saved_query"
    ANALYSIS = "analysis"
    OPERATION = "operation"
    SQL_OPERATION = "sql_operation"
    FUNCTION = "function"
    # Not a dbt type: what a type this DVT does not know (a newer dbt's) reads as. The text itself is kept.
    UNKNOWN = "unknown"

    @classmethod
    def read(cls, text: str) -> ResourceType:
        """The member a stored resource type names, UNKNOWN for any other text (dbt adds types between versions)."""
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN


class EdgeKind(StrEnum):
    DEPENDS_ON = "depends_on"  # child reads parent (ref, source, metric inputs, exposure inputs)
    TESTS = "tests"  # child is a data or unit test of parent


@dataclass(frozen=True, slots=True)
class ArtifactMetadata:
    kind: ArtifactKind
    schema_version: str  # "v1".."v12", or "pre-v1" for files written before dbt stamped a version
    dbt_version: str | None
    generated_at: str | None
    invocation_id: str | None
    adapter_type: str | None = None
    project_name: str | None = None


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    data_type: str | None = None  # declared in YAML (manifest) or observed (catalog)
    description: str = ""
    index: int | None = None
    meta: JsonDict = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    comment: str | None = None  # the warehouse's own comment, from the catalog


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One dbt resource (model, source, test, exposure, metric, ...) as the manifest describes it."""

    unique_id: str
    resource_type: str
    name: str
    package_name: str
    path: str | None = None  # original_file_path, always with forward slashes
    fqn: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    materialized: str | None = None
    config: JsonDict = field(default_factory=dict)
    description: str = ""
    meta: JsonDict = field(default_factory=dict)
    owner: str | None = None  # exposure owner, or meta.owner where a team sets it
    access: str | None = None
    group: str | None = None
    version: str | None = None
    latest_version: str | None = None
    contract_enforced: bool = False
    checksum: str | None = None
    language: str | None = None
    raw_code: str | None = None
    compiled_code: str | None = None
    database: str | None = None
    schema: str | None = None
    alias: str | None = None  # relation identifier (alias for nodes, identifier for sources)
    relation_name: str | None = None
    columns: tuple[Column, ...] = ()
    depends_on: tuple[str, ...] = ()  # unique_ids of parent nodes, in the manifest's order
    depends_on_macros: tuple[str, ...] = ()
    tested_node: str | None = None  # tests: the node a test is attached to, where dbt says so
    test_metadata: JsonDict | None = None  # generic tests: name, kwargs, namespace
    extra: JsonDict = field(default_factory=dict)  # type-specific fields (freshness, url, metric type, ...)
    # The config as the project wrote it, before rendering and defaults: what dbt's `state:modified`
    # compares (configs, and database/schema/alias for the relation).
    unrendered_config: JsonDict = field(default_factory=dict)
    contract_checksum: str | None = None  # dbt's checksum of an enforced contract (columns, types, constraints)
    # A digest of what the manifest says of the node but its rendered config (save `materialized`) and its
    # parse time: two nodes with the same fingerprint differ in nothing a diff looks at. None where unknown.
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class Macro:
    """A macro as far as comparing two versions of a project needs it: its SQL's checksum and the macros it calls."""

    checksum: str  # sha256 of the macro's SQL, as the manifest holds it
    depends_on_macros: tuple[str, ...] = ()  # unique_ids of the macros it calls
    package_name: str = ""


@dataclass(frozen=True, slots=True)
class Manifest:
    metadata: ArtifactMetadata
    nodes: tuple[GraphNode, ...]  # every resource, sources/exposures/metrics/... included
    selectors: JsonDict = field(default_factory=dict)  # YAML selectors as the manifest holds them
    # Counts as the file itself states them: `nodes` is the size of the manifest's `nodes` map.
    counts: dict[str, int] = field(default_factory=dict)
    macros: dict[str, Macro] = field(default_factory=dict)  # unique_id -> Macro, dbt's and the packages' included


class NodeOutline(NamedTuple):
    """What storing a node's row and linking the graph read of it. An ingestion makes these, not GraphNodes:
    a GraphNode of 34 fields costs a third of reading a node to make, and nothing in an ingestion reads it."""

    unique_id: str
    resource_type: str
    name: str
    package_name: str
    path: str | None
    tags: tuple[str, ...]
    materialized: str | None
    checksum: str | None
    depends_on: tuple[str, ...]
    tested_node: str | None


class StoredNode(NamedTuple):
    """A node as an ingestion reads it: its outline, and its document (the GraphNode as orjson encodes it)."""

    outline: NodeOutline
    document: bytes


@dataclass(frozen=True, slots=True)
class OpenManifest:
    """A manifest checked at its top level, its nodes normalised on demand: an ingestion normalises a slice
    of them at a time, while the database stores the slice before."""

    metadata: ArtifactMetadata
    counts: dict[str, int]
    selectors: JsonDict
    macros: dict[str, Macro]
    node_count: int
    read_nodes: Callable[[int, int], list[StoredNode]]  # nodes [start, stop), in Manifest.nodes' order
    graph_nodes: Callable[[], tuple[GraphNode, ...]]  # every node, whole
    # Frees the parsed nodes (neither of the above works after): for a caller done with them before it is done.
    release: Callable[[], None] = lambda: None

    def read(self) -> Manifest:
        return Manifest(self.metadata, self.graph_nodes(), self.selectors, self.counts, self.macros)


@dataclass(frozen=True, slots=True)
class NodeResult:
    unique_id: str
    status: str  # dbt's own word: success, error, fail, warn, pass, skipped, runtime error, ...
    execution_time: float | None = None
    started_at: str | None = None  # from the "execute" timing entry where present
    completed_at: str | None = None
    thread_id: str | None = None
    message: str | None = None
    failures: int | None = None
    rows_affected: int | None = None
    adapter_response: JsonDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunResults:
    metadata: ArtifactMetadata
    results: tuple[NodeResult, ...]
    elapsed_time: float | None = None
    command: str | None = None  # run, build, test, generate, ... where the file says


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    unique_id: str
    is_source: bool
    columns: tuple[Column, ...]
    stats: JsonDict = field(default_factory=dict)  # {stat_id: {label, value, description, include}}
    relation_type: str | None = None
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    metadata: ArtifactMetadata
    entries: tuple[CatalogEntry, ...]
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceFreshness:
    unique_id: str
    status: str  # pass, warn, error, runtime error (dbt Fusion writes "Pass" and the like)
    max_loaded_at: str | None = None
    snapshotted_at: str | None = None
    age_seconds: float | None = None
    criteria: JsonDict = field(default_factory=dict)
    error: str | None = None
    execution_time: float | None = None


@dataclass(frozen=True, slots=True)
class Sources:
    metadata: ArtifactMetadata
    results: tuple[SourceFreshness, ...]
    elapsed_time: float | None = None


Artifact = Manifest | RunResults | Catalog | Sources
OpenArtifact = OpenManifest | RunResults | Catalog | Sources  # what an ingestion reads before it writes
