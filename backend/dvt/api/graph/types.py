"""Graph versions, nodes, edges, lineage, artifacts and dbt invocations as GraphQL types."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from dvt.api.context import Info
from dvt.api.enums import RESOURCE_TYPE_TEXT, STATUS_TEXT, NodeStatus, ResourceType
from dvt.api.ids import resolve_by_uuid
from dvt.api.pagination import Connection, decode_cursor, page_size
from dvt.api.scalars import JSON
from dvt.application.ports import NodeFilter
from dvt.application.records import (
    ArtifactRecord,
    EdgeRecord,
    GraphVersionRecord,
    InvocationRecord,
    NodeDetail,
    NodeResultRecord,
    NodeSummary,
    SourceFreshnessRecord,
)
from dvt.domain.errors import ValidationError

if TYPE_CHECKING:
    from dvt.api.tenancy.types import EnvironmentType

TenancyTypes = "dvt.api.tenancy.types"


def _limit(info: Info, first: int | None) -> int:
    services = info.context.services
    return page_size(first, services.default_page_size, services.max_page_size)


@strawberry.input
class NodeFilterInput:
    resource_types: list[ResourceType] | None = strawberry.field(
        default=None, description="UNKNOWN keeps the nodes of every type this server does not know"
    )
    packages: list[str] | None = None
    tags: list[str] | None = None
    path_prefix: str | None = None
    search: str | None = None

    def to_filter(self) -> NodeFilter:
        return NodeFilter(
            resource_types=tuple(t.value for t in self.resource_types or ()),
            packages=tuple(self.packages or ()),
            tags=tuple(self.tags or ()),
            path_prefix=self.path_prefix,
            search=self.search,
        )


@strawberry.type
class Column:
    name: str
    data_type: str | None = strawberry.field(description="Declared in YAML, else the warehouse's type")
    declared_type: str | None
    catalog_type: str | None
    description: str
    index: int | None
    comment: str | None
    meta: JSON
    tags: list[str]


@strawberry.type(name="NodeRunResult")
class NodeRunResultType:
    invocation_id: str
    unique_id: str
    node_uuid: uuid.UUID
    status: NodeStatus
    status_text: str = strawberry.field(description=STATUS_TEXT)
    execution_time: float | None
    started_at: str | None
    completed_at: str | None
    thread_id: str | None
    message: str | None
    failures: int | None
    rows_affected: int | None
    adapter_response: JSON
    known: bool = strawberry.field(description="Whether the attached graph version holds the node")
    generated_at: str | None

    @staticmethod
    def of(r: NodeResultRecord) -> NodeRunResultType:
        return NodeRunResultType(
            invocation_id=r.invocation_id,
            unique_id=r.unique_id,
            node_uuid=r.node_uuid,
            status=NodeStatus.read(r.status),
            status_text=r.status,
            execution_time=r.execution_time,
            started_at=r.started_at,
            completed_at=r.completed_at,
            thread_id=r.thread_id,
            message=r.message,
            failures=r.failures,
            rows_affected=r.rows_affected,
            adapter_response=r.adapter_response,
            known=r.known,
            generated_at=r.generated_at,
        )


@strawberry.type(name="SourceFreshnessResult")
class SourceFreshnessType:
    unique_id: str
    node_uuid: uuid.UUID
    status: NodeStatus
    status_text: str = strawberry.field(description=STATUS_TEXT)
    max_loaded_at: str | None
    snapshotted_at: str | None
    age_seconds: float | None
    error: str | None
    known: bool

    @staticmethod
    def of(r: SourceFreshnessRecord) -> SourceFreshnessType:
        return SourceFreshnessType(
            unique_id=r.unique_id,
            node_uuid=r.node_uuid,
            status=NodeStatus.read(r.status),
            status_text=r.status,
            max_loaded_at=r.max_loaded_at,
            snapshotted_at=r.snapshotted_at,
            age_seconds=r.age_seconds,
            error=r.error,
            known=r.known,
        )


@strawberry.type(name="GraphNode")
class GraphNodeType(relay.Node):
    """A dbt resource in one graph version. List fields are plain columns; the rest loads in batches."""

    id: relay.NodeID[str]
    node_uuid: uuid.UUID
    unique_id: str
    resource_type: ResourceType
    resource_type_text: str = strawberry.field(description=RESOURCE_TYPE_TEXT)
    name: str
    package_name: str
    path: str | None
    tags: list[str]
    materialized: str | None
    graph_version_id: strawberry.Private[uuid.UUID]

    @staticmethod
    def of(n: NodeSummary) -> GraphNodeType:
        return GraphNodeType(
            id=f"{n.graph_version_id}:{n.node_uuid}",
            node_uuid=n.node_uuid,
            unique_id=n.unique_id,
            resource_type=ResourceType.read(n.resource_type),
            resource_type_text=n.resource_type,
            name=n.name,
            package_name=n.package_name,
            path=n.path,
            tags=list(n.tags),
            materialized=n.materialized,
            graph_version_id=n.graph_version_id,
        )

    async def _detail(self, info: Info) -> NodeDetail:
        detail = await info.context.loaders.node_detail.load((self.graph_version_id, self.node_uuid))
        assert detail is not None, "a node listed in a version has its details"
        return detail

    @strawberry.field
    async def fqn(self, info: Info) -> list[str]:
        return list((await self._detail(info)).node.fqn)

    @strawberry.field
    async def description(self, info: Info) -> str:
        found = await info.context.loaders.node_description.load((self.graph_version_id, self.node_uuid))
        return found.description if found else ""

    @strawberry.field
    async def config(self, info: Info) -> JSON:
        return (await self._detail(info)).node.config

    @strawberry.field
    async def meta(self, info: Info) -> JSON:
        return (await self._detail(info)).node.meta

    @strawberry.field
    async def owner(self, info: Info) -> str | None:
        return (await self._detail(info)).node.owner

    @strawberry.field
    async def access(self, info: Info) -> str | None:
        return (await self._detail(info)).node.access

    @strawberry.field
    async def group(self, info: Info) -> str | None:
        return (await self._detail(info)).node.group

    @strawberry.field
    async def version(self, info: Info) -> str | None:
        return (await self._detail(info)).node.version

    @strawberry.field
    async def latest_version(self, info: Info) -> str | None:
        return (await self._detail(info)).node.latest_version

    @strawberry.field
    async def contract_enforced(self, info: Info) -> bool:
        return (await self._detail(info)).node.contract_enforced

    @strawberry.field
    async def checksum(self, info: Info) -> str | None:
        return (await self._detail(info)).node.checksum

    @strawberry.field
    async def language(self, info: Info) -> str | None:
        return (await self._detail(info)).node.language

    @strawberry.field
    async def raw_code(self, info: Info) -> str | None:
        return (await self._detail(info)).node.raw_code

    @strawberry.field
    async def compiled_code(self, info: Info) -> str | None:
        return (await self._detail(info)).node.compiled_code

    @strawberry.field
    async def database(self, info: Info) -> str | None:
        return (await self._detail(info)).node.database

    @strawberry.field
    async def schema_name(self, info: Info) -> str | None:
        return (await self._detail(info)).node.schema

    @strawberry.field
    async def alias(self, info: Info) -> str | None:
        return (await self._detail(info)).node.alias

    @strawberry.field
    async def relation_name(self, info: Info) -> str | None:
        return (await self._detail(info)).node.relation_name

    @strawberry.field
    async def depends_on(self, info: Info) -> list[str]:
        return list((await self._detail(info)).node.depends_on)

    @strawberry.field
    async def depends_on_macros(self, info: Info) -> list[str]:
        return list((await self._detail(info)).node.depends_on_macros)

    @strawberry.field
    async def test_metadata(self, info: Info) -> JSON | None:
        return (await self._detail(info)).node.test_metadata

    @strawberry.field
    async def extra(self, info: Info) -> JSON:
        return (await self._detail(info)).node.extra

    @strawberry.field(description="Columns from the manifest, merged with the types and comments of the catalog")
    async def columns(self, info: Info) -> list[Column]:
        detail = await self._detail(info)
        observed = {str(c.get("name", "")).lower(): c for c in detail.catalog_columns}
        out = []
        for c in detail.node.columns:
            seen = observed.pop(c.name.lower(), {})
            out.append(
                Column(
                    name=c.name,
                    data_type=c.data_type or seen.get("data_type"),
                    declared_type=c.data_type,
                    catalog_type=seen.get("data_type"),
                    description=c.description,
                    index=seen.get("index", c.index),
                    comment=seen.get("comment"),
                    meta=c.meta,
                    tags=list(c.tags),
                )
            )
        for seen in sorted(observed.values(), key=lambda c: (c.get("index") or 0, c.get("name", ""))):
            out.append(
                Column(
                    name=seen.get("name", ""),
                    data_type=seen.get("data_type"),
                    declared_type=None,
                    catalog_type=seen.get("data_type"),
                    description="",
                    index=seen.get("index"),
                    comment=seen.get("comment"),
                    meta={},
                    tags=[],
                )
            )
        return out

    @strawberry.field(description="Statistics the warehouse reported in the catalog")
    async def stats(self, info: Info) -> JSON:
        return (await self._detail(info)).catalog_stats

    @strawberry.field(description="Data and unit tests attached to this node")
    async def tests(self, info: Info) -> list[GraphNodeType]:
        found = await info.context.loaders.tests.load((self.graph_version_id, self.node_uuid))
        return [GraphNodeType.of(n) for n in found]

    @strawberry.field(description="The latest results of this node in its environment, newest first")
    async def run_history(self, info: Info) -> list[NodeRunResultType]:
        version = await info.context.loaders.graph_version.load(self.graph_version_id)
        if version is None:
            return []
        found = await info.context.loaders.history.load((version.environment_id, self.node_uuid))
        return [NodeRunResultType.of(r) for r in found]

    @strawberry.field
    async def graph_version(self, info: Info) -> GraphVersionType | None:
        version = await info.context.loaders.graph_version.load(self.graph_version_id)
        return GraphVersionType.of(version) if version else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[GraphNodeType | None]:
        keys: list[tuple[uuid.UUID, uuid.UUID] | None] = []
        for raw in node_ids:
            try:
                version, node_part = raw.split(":")
                keys.append((uuid.UUID(version), uuid.UUID(node_part)))
            except ValueError:
                keys.append(None)
        found = await info.context.loaders.node.load_many([k for k in keys if k])
        by_key = dict(zip([k for k in keys if k], found, strict=True))
        out: list[GraphNodeType | None] = []
        for key in keys:
            found_node = by_key.get(key) if key else None
            out.append(GraphNodeType.of(found_node) if found_node else None)
        return out


@strawberry.type(name="GraphEdge")
class GraphEdgeType:
    parent_uuid: uuid.UUID
    child_uuid: uuid.UUID
    kind: str
    graph_version_id: strawberry.Private[uuid.UUID]

    @staticmethod
    def of(e: EdgeRecord) -> GraphEdgeType:
        return GraphEdgeType(
            parent_uuid=e.parent_uuid,
            child_uuid=e.child_uuid,
            kind=e.kind,
            graph_version_id=e.graph_version_id,
        )

    @strawberry.field
    async def parent(self, info: Info) -> GraphNodeType | None:
        node = await info.context.loaders.node.load((self.graph_version_id, self.parent_uuid))
        return GraphNodeType.of(node) if node else None

    @strawberry.field
    async def child(self, info: Info) -> GraphNodeType | None:
        node = await info.context.loaders.node.load((self.graph_version_id, self.child_uuid))
        return GraphNodeType.of(node) if node else None


@strawberry.type
class GraphNodeConnection(Connection[GraphNodeType]):
    graph_version_id: strawberry.Private[uuid.UUID]
    node_filter: strawberry.Private[NodeFilter]

    @strawberry.field
    async def total_count(self, info: Info) -> int:
        return await info.context.services.graph.count_nodes(
            info.context.access, self.graph_version_id, self.node_filter
        )


GraphEdgeConnection = Connection[GraphEdgeType]


@strawberry.type
class Lineage:
    nodes: list[GraphNodeType]
    edges: list[GraphEdgeType]


@strawberry.type(name="Artifact")
class ArtifactType(relay.Node):
    id: relay.NodeID[str]
    kind: str
    schema_version: str
    dbt_version: str | None
    generated_at: str | None
    invocation_id: str | None
    sha256: str
    size_bytes: float = strawberry.field(description="Size in bytes (a Float: files may pass 2^31)")
    file_name: str
    created_at: datetime

    @staticmethod
    def of(a: ArtifactRecord) -> ArtifactType:
        return ArtifactType(
            id=str(a.id),
            kind=a.kind,
            schema_version=a.schema_version,
            dbt_version=a.dbt_version,
            generated_at=a.generated_at,
            invocation_id=a.invocation_id,
            sha256=a.sha256,
            size_bytes=float(a.size_bytes),
            file_name=a.file_name,
            created_at=a.created_at,
        )

    @strawberry.field(description="Where the raw file can be downloaded (same origin, same credentials)")
    def download_path(self) -> str:
        return f"/api/artifacts/{self.id}"

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ArtifactType | None]:
        return await resolve_by_uuid(info.context.loaders.artifact, node_ids, ArtifactType.of)


@strawberry.type(name="GraphVersion")
class GraphVersionType(relay.Node):
    id: relay.NodeID[str]
    sequence: int
    content_hash: str
    manifest_schema_version: str
    dbt_version: str | None
    invocation_id: str | None
    generated_at: str | None
    adapter_type: str | None
    node_count: int = strawberry.field(description="Entries in the manifest's `nodes` map")
    source_count: int
    exposure_count: int
    metric_count: int
    edge_count: int
    counts: JSON
    warnings: list[str]
    created_at: datetime
    commit_sha: str | None = strawberry.field(
        description="The git commit DVT parsed into this version (or a run executed); null for uploaded artifacts "
        "that named none"
    )
    environment_id: strawberry.Private[uuid.UUID]

    @staticmethod
    def of(v: GraphVersionRecord) -> GraphVersionType:
        return GraphVersionType(
            id=str(v.id),
            sequence=v.sequence,
            content_hash=v.content_hash,
            manifest_schema_version=v.manifest_schema_version,
            dbt_version=v.dbt_version,
            invocation_id=v.invocation_id,
            generated_at=v.generated_at,
            adapter_type=v.adapter_type,
            node_count=v.counts.get("nodes", 0),
            source_count=v.counts.get("sources", 0),
            exposure_count=v.counts.get("exposures", 0),
            metric_count=v.counts.get("metrics", 0),
            edge_count=v.edge_count,
            counts=dict(v.counts),
            warnings=list(v.warnings),
            created_at=v.created_at,
            commit_sha=v.commit_sha,
            environment_id=v.environment_id,
        )

    @property
    def version_uuid(self) -> uuid.UUID:
        return uuid.UUID(self.id)

    @strawberry.field
    async def environment(self, info: Info) -> Annotated[EnvironmentType, strawberry.lazy(TenancyTypes)] | None:
        from dvt.api.tenancy.types import EnvironmentType

        environment = await info.context.loaders.environment.load(self.environment_id)
        return EnvironmentType.of(environment) if environment else None

    @strawberry.field(description="Nodes in unique_id order, filtered; `first` up to the server's maximum")
    async def nodes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: NodeFilterInput | None = None,
    ) -> GraphNodeConnection:
        node_filter = filter.to_filter() if filter else NodeFilter()
        page = await info.context.services.graph.nodes(
            info.context.access, self.version_uuid, node_filter, decode_cursor(after), _limit(info, first)
        )
        items = [GraphNodeType.of(n) for n in page.items]
        return GraphNodeConnection.of(
            items,
            [n.unique_id for n in page.items],
            has_next=page.has_next,
            after=after,
            graph_version_id=self.version_uuid,
            node_filter=node_filter,
        )

    @strawberry.field
    async def edges(self, info: Info, first: int | None = None, after: str | None = None) -> GraphEdgeConnection:
        key = decode_cursor(after)
        anchor: tuple[uuid.UUID, uuid.UUID] | None = None
        if key:
            try:
                parent, child = key.split(":")
                anchor = (uuid.UUID(parent), uuid.UUID(child))
            except ValueError:
                raise ValidationError(f"invalid cursor {after!r}") from None
        page = await info.context.services.graph.edges(
            info.context.access, self.version_uuid, anchor, _limit(info, first)
        )
        items = [GraphEdgeType.of(e) for e in page.items]
        keys = [f"{e.parent_uuid}:{e.child_uuid}" for e in page.items]
        return GraphEdgeConnection.of(items, keys, has_next=page.has_next, after=after)

    @strawberry.field(
        description="The whole graph in one document: every node's summary and every edge, in the shape of"
        " schema/contracts/logical-graph.v1.schema.json. For thousands of nodes this is many times faster"
        " than paging `nodes` and `edges`."
    )
    async def graph(self, info: Info) -> JSON:
        return await info.context.services.graph.document(info.context.access, self.version_uuid)

    @strawberry.field(description="One node, by node_uuid or unique_id")
    async def node(
        self, info: Info, node_uuid: uuid.UUID | None = None, unique_id: str | None = None
    ) -> GraphNodeType | None:
        if (node_uuid is None) == (unique_id is None):
            raise ValidationError("give exactly one of nodeUuid and uniqueId")
        if node_uuid is not None:
            found = await info.context.loaders.node.load((self.version_uuid, node_uuid))
        else:
            assert unique_id is not None
            found = await info.context.services.graph.node_by_unique_id(
                info.context.access, self.version_uuid, unique_id
            )
        return GraphNodeType.of(found) if found else None

    @strawberry.field(description="The node and its neighbourhood up to the given depths (at most 10)")
    async def lineage(self, info: Info, node_uuid: uuid.UUID, upstream: int = 1, downstream: int = 1) -> Lineage:
        nodes, edges = await info.context.services.graph.lineage(
            info.context.access, self.version_uuid, node_uuid, upstream, downstream
        )
        return Lineage(nodes=[GraphNodeType.of(n) for n in nodes], edges=[GraphEdgeType.of(e) for e in edges])

    @strawberry.field
    async def artifacts(self, info: Info) -> list[ArtifactType]:
        return [ArtifactType.of(a) for a in await info.context.loaders.artifacts_of_version.load(self.version_uuid)]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[GraphVersionType | None]:
        return await resolve_by_uuid(info.context.loaders.graph_version, node_ids, GraphVersionType.of)


GraphVersionConnection = Connection[GraphVersionType]


@strawberry.type(name="Invocation")
class InvocationType(relay.Node):
    """One dbt invocation whose results DVT holds."""

    id: relay.NodeID[str]
    invocation_id: str
    command: str | None
    dbt_version: str | None
    generated_at: str | None
    elapsed_time: float | None
    created_at: datetime
    graph_version_id: strawberry.Private[uuid.UUID | None]

    @staticmethod
    def of(i: InvocationRecord) -> InvocationType:
        return InvocationType(
            id=str(i.id),
            invocation_id=i.invocation_id,
            command=i.command,
            dbt_version=i.dbt_version,
            generated_at=i.generated_at,
            elapsed_time=i.elapsed_time,
            created_at=i.created_at,
            graph_version_id=i.graph_version_id,
        )

    @strawberry.field
    async def graph_version(self, info: Info) -> GraphVersionType | None:
        if self.graph_version_id is None:
            return None
        version = await info.context.loaders.graph_version.load(self.graph_version_id)
        return GraphVersionType.of(version) if version else None

    @strawberry.field
    async def results(self, info: Info) -> list[NodeRunResultType]:
        found = await info.context.loaders.results_of_invocation.load(uuid.UUID(self.id))
        return [NodeRunResultType.of(r) for r in found]

    @strawberry.field
    async def source_freshness(self, info: Info) -> list[SourceFreshnessType]:
        found = await info.context.loaders.freshness_of_invocation.load(uuid.UUID(self.id))
        return [SourceFreshnessType.of(r) for r in found]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[InvocationType | None]:
        return await resolve_by_uuid(info.context.loaders.invocation, node_ids, InvocationType.of)


InvocationConnection = Connection[InvocationType]


async def graph_versions_of(
    info: Info, environment_id: uuid.UUID, first: int | None, after: str | None
) -> GraphVersionConnection:
    raw = decode_cursor(after)
    if raw is not None and not raw.isdigit():
        raise ValidationError(f"invalid cursor {after!r}")
    page = await info.context.services.graph.versions(
        info.context.access, environment_id, int(raw) if raw else None, _limit(info, first)
    )
    items = [GraphVersionType.of(v) for v in page.items]
    return GraphVersionConnection.of(items, [str(v.sequence) for v in page.items], has_next=page.has_next, after=after)


async def invocations_of(
    info: Info, environment_id: uuid.UUID, first: int | None, after: str | None
) -> InvocationConnection:
    raw = decode_cursor(after)
    try:
        before = uuid.UUID(raw) if raw else None
    except ValueError:
        raise ValidationError(f"invalid cursor {after!r}") from None
    page = await info.context.services.graph.invocations(
        info.context.access, environment_id, before, _limit(info, first)
    )
    items = [InvocationType.of(i) for i in page.items]
    return InvocationConnection.of(items, [str(i.id) for i in page.items], has_next=page.has_next, after=after)
