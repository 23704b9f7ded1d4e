"""Graph versions, their nodes and edges. Bulk writes go through COPY; every read is tenant-scoped."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import orjson
from asyncpg.pgproto.pgproto import UUID as DriverUUID
from sqlalchemy import ColumnElement, Select, and_, case, func, null, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dvt.adapters.db.copy import copy_records
from dvt.adapters.db.models import (
    CatalogEntryRow,
    EnvironmentRow,
    GraphEdgeRow,
    GraphNodeRow,
    GraphVersionRow,
)
from dvt.application.ports import NodeFilter
from dvt.application.records import EdgeRecord, GraphVersionRecord, NodeDescription, NodeDetail, NodeSummary, Page
from dvt.domain.graph.build import Links
from dvt.domain.graph.identity import node_uuid, node_uuids
from dvt.domain.graph.model import ArtifactMetadata, CatalogEntry, Column, GraphNode, Macro, ResourceType, StoredNode
from dvt.domain.tenancy import Environment, TenantScope

_SUMMARY = (
    GraphNodeRow.graph_version_id,
    GraphNodeRow.node_uuid,
    GraphNodeRow.unique_id,
    GraphNodeRow.resource_type,
    GraphNodeRow.name,
    GraphNodeRow.package_name,
    GraphNodeRow.path,
    GraphNodeRow.tags,
    GraphNodeRow.materialized,
)
_NODE_COLUMNS = (
    "graph_version_id",
    "node_uuid",
    "tenant_id",
    "unique_id",
    "resource_type",
    "name",
    "package_name",
    "path",
    "tags",
    "materialized",
    "checksum",
    "data",
)
_EDGE_COLUMNS = ("graph_version_id", "parent_uuid", "child_uuid", "tenant_id", "kind")


def _edge_order(row: tuple[Any, ...]) -> bytes:
    """An edge row's place in graph_edges' primary key (parent, child): PostgreSQL orders UUIDs by their bytes."""
    return row[1].bytes + row[2].bytes  # type: ignore[no-any-return]


def _summary(row: Any) -> NodeSummary:
    return NodeSummary(
        row.graph_version_id,
        row.node_uuid,
        row.unique_id,
        row.resource_type,
        row.name,
        row.package_name,
        row.path,
        tuple(row.tags),
        row.materialized,
    )


def _version(row: GraphVersionRow) -> GraphVersionRecord:
    return GraphVersionRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        environment_id=row.environment_id,
        sequence=row.sequence,
        content_hash=row.content_hash,
        manifest_schema_version=row.manifest_schema_version,
        dbt_version=row.dbt_version,
        invocation_id=row.invocation_id,
        generated_at=row.generated_at,
        adapter_type=row.adapter_type,
        counts=dict(row.counts),
        edge_count=row.edge_count,
        warnings=tuple(row.warnings),
        created_at=row.created_at,
        project_name=row.project_name,
        selectors=dict(row.selectors),
        commit_sha=row.commit_sha,
    )


def node_from_data(data: dict[str, Any]) -> GraphNode:
    """Rebuild the domain node from its stored JSON (orjson wrote the dataclass as-is)."""
    data = dict(data)
    data["columns"] = tuple(Column(**{**c, "tags": tuple(c["tags"])}) for c in data["columns"])
    for key in ("fqn", "tags", "depends_on", "depends_on_macros"):
        data[key] = tuple(data[key])
    return GraphNode(**data)


class SqlGraphRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    def _versions(self) -> Select[tuple[GraphVersionRow]]:
        return select(GraphVersionRow).where(GraphVersionRow.tenant_id == self._tenant)

    async def version_by_hash(self, environment_id: uuid.UUID, content_hash: str) -> GraphVersionRecord | None:
        row = await self._session.scalar(
            self._versions().where(
                GraphVersionRow.environment_id == environment_id, GraphVersionRow.content_hash == content_hash
            )
        )
        return _version(row) if row else None

    async def latest_version(self, environment_id: uuid.UUID) -> GraphVersionRecord | None:
        """The environment's current graph: the version made current last (not always the newest)."""
        row = await self._session.scalar(
            self._versions()
            .where(GraphVersionRow.environment_id == environment_id, GraphVersionRow.activation.is_not(None))
            .order_by(GraphVersionRow.activation.desc())
            .limit(1)
        )
        return _version(row) if row else None

    async def _lock_numbers(self, environment_id: uuid.UUID) -> tuple[int, int]:
        """The environment's highest sequence and activation, its row locked so that concurrent ingestions
        number one after the other."""
        await self._session.execute(
            select(EnvironmentRow.id)
            .where(EnvironmentRow.id == environment_id, EnvironmentRow.tenant_id == self._tenant)
            .with_for_update()
        )
        row = (
            await self._session.execute(
                select(func.max(GraphVersionRow.sequence), func.max(GraphVersionRow.activation)).where(
                    GraphVersionRow.environment_id == environment_id
                )
            )
        ).one()
        return row[0] or 0, row[1] or 0

    async def make_current(self, environment_id: uuid.UUID, version_id: uuid.UUID) -> bool:
        """Make an existing version the environment's graph again; False when it already is."""
        _, activation = await self._lock_numbers(environment_id)
        result = await self._session.execute(
            update(GraphVersionRow)
            .where(
                GraphVersionRow.id == version_id,
                GraphVersionRow.tenant_id == self._tenant,
                GraphVersionRow.environment_id == environment_id,
                or_(GraphVersionRow.activation.is_(None), GraphVersionRow.activation < activation),
            )
            .values(activation=activation + 1)
        )
        return bool(getattr(result, "rowcount", 0))

    async def first_version(self, environment_id: uuid.UUID) -> GraphVersionRecord | None:
        row = await self._session.scalar(
            self._versions()
            .where(GraphVersionRow.environment_id == environment_id)
            .order_by(GraphVersionRow.sequence)
            .limit(1)
        )
        return _version(row) if row else None

    async def latest_versions(self, environment_ids: Sequence[uuid.UUID]) -> list[GraphVersionRecord]:
        rows = await self._session.scalars(
            self._versions()
            .where(GraphVersionRow.environment_id.in_(environment_ids), GraphVersionRow.activation.is_not(None))
            .distinct(GraphVersionRow.environment_id)
            .order_by(GraphVersionRow.environment_id, GraphVersionRow.activation.desc())
        )
        return [_version(r) for r in rows]

    async def version_by_commit(self, environment_id: uuid.UUID, commit_sha: str) -> GraphVersionRecord | None:
        """The newest version parsed from (or run at) this commit."""
        row = await self._session.scalar(
            self._versions()
            .where(GraphVersionRow.environment_id == environment_id, GraphVersionRow.commit_sha == commit_sha)
            .order_by(GraphVersionRow.sequence.desc())
            .limit(1)
        )
        return _version(row) if row else None

    async def version_by_invocation(self, environment_id: uuid.UUID, invocation_id: str) -> GraphVersionRecord | None:
        row = await self._session.scalar(
            self._versions()
            .where(
                GraphVersionRow.environment_id == environment_id,
                GraphVersionRow.invocation_id == invocation_id,
            )
            .order_by(GraphVersionRow.sequence.desc())
            .limit(1)
        )
        return _version(row) if row else None

    async def create_version(
        self,
        environment: Environment,
        content_hash: str,
        metadata: ArtifactMetadata,
        counts: dict[str, int],
        selectors: dict[str, Any],
        macros: Mapping[str, Macro],
        nodes: AsyncIterable[Sequence[StoredNode]],
        graph_of: Callable[[], Links],
        *,
        commit_sha: str | None = None,
        current: bool = True,
    ) -> GraphVersionRecord:
        last, activation = await self._lock_numbers(environment.id)
        # One round trip: the row comes back as PostgreSQL stored it (JSONB columns normalised), as a refresh reads it.
        insert_version = insert(GraphVersionRow).values(
            id=uuid.uuid4(),
            tenant_id=self._tenant,
            environment_id=environment.id,
            sequence=last + 1,
            activation=activation + 1 if current else None,
            content_hash=content_hash,
            manifest_schema_version=metadata.schema_version,
            dbt_version=metadata.dbt_version,
            invocation_id=metadata.invocation_id,
            generated_at=metadata.generated_at,
            adapter_type=metadata.adapter_type,
            counts=counts,
            edge_count=0,  # the edges, their warnings and (where the file does not name it) the project come last
            warnings=[],
            selectors=selectors,
            macros=orjson.dumps(macros),
            project_name=metadata.project_name,
            commit_sha=commit_sha,
        )
        row = (await self._session.scalars(insert_version.returning(GraphVersionRow))).one()
        project = environment.project_id
        # The driver's own UUIDs: it copies their bytes, where a uuid.UUID is converted for every row it is in.
        version, tenant = DriverUUID(row.id.bytes), DriverUUID(self._tenant.bytes)
        uuids: dict[str, uuid.UUID] = {}
        graph: asyncio.Future[tuple[Links, list[tuple[Any, ...]]]] | None = None

        def linked() -> tuple[Links, list[tuple[Any, ...]]]:
            built = graph_of()
            edges = [(version, uuids[e.parent], uuids[e.child], tenant, e.kind) for e in built.edges]  # kind: a StrEnum
            # In the primary key's order: PostgreSQL fills its index pages one after another instead of at random,
            # a fifth less time storing the edges of a 10,000-model graph.
            edges.sort(key=_edge_order)
            return built, edges

        async def node_rows() -> AsyncIterator[tuple[Any, ...]]:
            nonlocal graph
            # Slices arrive as they are normalised: PostgreSQL stores one while the next is being read.
            async for stored in nodes:
                found = node_uuids(project, [s.outline.unique_id for s in stored], DriverUUID)
                uuids.update(found)
                for n, document in stored:
                    yield (
                        version,
                        found[n.unique_id],
                        tenant,
                        n.unique_id,
                        n.resource_type,
                        n.name,
                        n.package_name,
                        n.path,
                        n.tags,
                        n.materialized,
                        n.checksum,
                        document,
                    )
            # Every node is sent: the graph is built while PostgreSQL stores the last of them.
            graph = asyncio.ensure_future(asyncio.to_thread(linked))

        try:
            await copy_records(self._session, "graph_nodes", _NODE_COLUMNS, node_rows())
        finally:
            done = (await asyncio.gather(graph, return_exceptions=True))[0] if graph else None
        if not isinstance(done, tuple):
            raise done or RuntimeError("the node rows were never all drawn")
        built, edges = done
        await copy_records(self._session, "graph_edges", _EDGE_COLUMNS, edges)
        edge_count, project_name = len(built.edges), built.project_name
        await self._session.execute(
            update(GraphVersionRow)
            .where(GraphVersionRow.id == row.id)
            .values(edge_count=edge_count, warnings=list(built.warnings), project_name=project_name)
        )
        return replace(_version(row), edge_count=edge_count, warnings=built.warnings, project_name=project_name)

    async def versions(
        self, environment_id: uuid.UUID, before_sequence: int | None, limit: int
    ) -> Page[GraphVersionRecord]:
        query = self._versions().where(GraphVersionRow.environment_id == environment_id)
        if before_sequence is not None:
            query = query.where(GraphVersionRow.sequence < before_sequence)
        rows = list(await self._session.scalars(query.order_by(GraphVersionRow.sequence.desc()).limit(limit + 1)))
        return Page([_version(r) for r in rows[:limit]], has_next=len(rows) > limit)

    async def versions_by_ids(self, ids: Sequence[uuid.UUID]) -> list[GraphVersionRecord]:
        rows = await self._session.scalars(self._versions().where(GraphVersionRow.id.in_(ids)))
        return [_version(r) for r in rows]

    def _filtered(self, query: Select[Any], version_id: uuid.UUID, node_filter: NodeFilter) -> Select[Any]:
        query = query.where(GraphNodeRow.tenant_id == self._tenant, GraphNodeRow.graph_version_id == version_id)
        if node_filter.resource_types:
            query = query.where(_of_types(node_filter.resource_types))
        if node_filter.packages:
            query = query.where(GraphNodeRow.package_name.in_(node_filter.packages))
        if node_filter.tags:
            query = query.where(GraphNodeRow.tags.overlap(list(node_filter.tags)))
        if node_filter.path_prefix:
            query = query.where(GraphNodeRow.path.startswith(node_filter.path_prefix, autoescape=True))
        if node_filter.search:
            query = query.where(
                or_(
                    GraphNodeRow.name.icontains(node_filter.search, autoescape=True),
                    GraphNodeRow.unique_id.icontains(node_filter.search, autoescape=True),
                )
            )
        return query

    async def nodes(
        self, version_id: uuid.UUID, node_filter: NodeFilter, after: str | None, limit: int
    ) -> Page[NodeSummary]:
        query = self._filtered(select(*_SUMMARY), version_id, node_filter)
        if after is not None:
            query = query.where(GraphNodeRow.unique_id > after)
        rows = (await self._session.execute(query.order_by(GraphNodeRow.unique_id).limit(limit + 1))).all()
        return Page([_summary(r) for r in rows[:limit]], has_next=len(rows) > limit)

    async def count_nodes(self, version_id: uuid.UUID, node_filter: NodeFilter) -> int:
        query = self._filtered(select(func.count()).select_from(GraphNodeRow), version_id, node_filter)
        return int(await self._session.scalar(query) or 0)

    async def edges(
        self, version_id: uuid.UUID, after: tuple[uuid.UUID, uuid.UUID] | None, limit: int
    ) -> Page[EdgeRecord]:
        query = select(GraphEdgeRow.parent_uuid, GraphEdgeRow.child_uuid, GraphEdgeRow.kind).where(
            GraphEdgeRow.tenant_id == self._tenant, GraphEdgeRow.graph_version_id == version_id
        )
        if after is not None:
            parent, child = after
            query = query.where(
                or_(
                    GraphEdgeRow.parent_uuid > parent,
                    and_(GraphEdgeRow.parent_uuid == parent, GraphEdgeRow.child_uuid > child),
                )
            )
        query = query.order_by(GraphEdgeRow.parent_uuid, GraphEdgeRow.child_uuid).limit(limit + 1)
        rows = (await self._session.execute(query)).all()
        return Page(
            [EdgeRecord(version_id, r.parent_uuid, r.child_uuid, r.kind) for r in rows[:limit]],
            has_next=len(rows) > limit,
        )

    def _keyed(self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> Any:
        return and_(
            GraphNodeRow.tenant_id == self._tenant,
            tuple_(GraphNodeRow.graph_version_id, GraphNodeRow.node_uuid).in_(list(keys)),
        )

    async def all_nodes(
        self, version_id: uuid.UUID, like: tuple[uuid.UUID, Mapping[uuid.UUID, GraphNode]] | None = None
    ) -> list[tuple[uuid.UUID, GraphNode]]:
        """Every node of a version in full (for planning: selection and comparison need all of them).

        `like` is another version already in memory (its id, its nodes by node_uuid). Two versions of a project
        share most nodes unchanged: PostgreSQL compares each stored document with that version's and sends only
        those that differ, so only those are sent, parsed and built again; the others are that version's objects.
        """
        if like is None:
            rows = (
                await self._session.execute(
                    select(GraphNodeRow.node_uuid, GraphNodeRow.data).where(
                        GraphNodeRow.tenant_id == self._tenant, GraphNodeRow.graph_version_id == version_id
                    )
                )
            ).all()
            return [(r.node_uuid, node_from_data(orjson.loads(r.data))) for r in rows]
        like_id, like_nodes = like
        other = aliased(GraphNodeRow)
        same = other.data == GraphNodeRow.data  # NULL (so: sent) where that version has no such node
        rows = (
            await self._session.execute(
                select(GraphNodeRow.node_uuid, case((same, null()), else_=GraphNodeRow.data).label("data"))
                .outerjoin(
                    other,
                    and_(
                        other.tenant_id == self._tenant,
                        other.graph_version_id == like_id,
                        other.node_uuid == GraphNodeRow.node_uuid,
                    ),
                )
                .where(GraphNodeRow.tenant_id == self._tenant, GraphNodeRow.graph_version_id == version_id)
            )
        ).all()
        found: list[tuple[uuid.UUID, GraphNode]] = []
        missing: list[uuid.UUID] = []
        for row in rows:
            if row.data is not None:
                found.append((row.node_uuid, node_from_data(orjson.loads(row.data))))
            elif (kept := like_nodes.get(row.node_uuid)) is not None:
                found.append((row.node_uuid, kept))
            else:  # the caller's copy of that version lacks it: read it after all
                missing.append(row.node_uuid)
        if missing:
            again = await self.nodes_by_keys([(version_id, u) for u in missing])
            found.extend((u, again[(version_id, u)]) for u in missing)
        return found

    async def nodes_by_keys(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], GraphNode]:
        """Whole nodes by (graph_version_id, node_uuid): a node as some past version held it."""
        if not keys:
            return {}
        rows = (
            await self._session.execute(
                select(GraphNodeRow.graph_version_id, GraphNodeRow.node_uuid, GraphNodeRow.data).where(
                    self._keyed(keys)
                )
            )
        ).all()
        return {(r.graph_version_id, r.node_uuid): node_from_data(orjson.loads(r.data)) for r in rows}

    async def macros(self, version_id: uuid.UUID) -> bytes:
        found = await self._session.scalar(
            select(GraphVersionRow.macros).where(
                GraphVersionRow.tenant_id == self._tenant, GraphVersionRow.id == version_id
            )
        )
        return found or b"{}"

    async def previous_version(self, version: GraphVersionRecord) -> GraphVersionRecord | None:
        row = await self._session.scalar(
            self._versions()
            .where(
                GraphVersionRow.environment_id == version.environment_id,
                GraphVersionRow.sequence < version.sequence,
                GraphVersionRow.activation.is_not(None),  # a preview of another ref is no one's predecessor
            )
            .order_by(GraphVersionRow.sequence.desc())
            .limit(1)
        )
        return _version(row) if row else None

    async def document(self, version_id: uuid.UUID) -> bytes | None:
        """The whole graph of a version as one JSON document, built by PostgreSQL in a single statement.

        Serving 10,000+ nodes field by field through GraphQL costs seconds; PostgreSQL aggregates the same
        rows into JSON in a fraction of that (docs/benchmarks.md).
        """
        statement = text(
            """
            SELECT json_build_object(
                'contract', 'dvt.logical-graph.v1',
                'graph_version_id', v.id,
                'environment_id', v.environment_id,
                'sequence', v.sequence,
                'content_hash', v.content_hash,
                'nodes', (
                    SELECT coalesce(json_agg(json_build_object(
                        'node_uuid', n.node_uuid, 'unique_id', n.unique_id, 'resource_type', n.resource_type,
                        'name', n.name, 'package_name', n.package_name, 'path', n.path, 'tags', n.tags,
                        'materialized', n.materialized) ORDER BY n.unique_id), '[]'::json)
                    FROM graph_nodes n WHERE n.graph_version_id = v.id AND n.tenant_id = :tenant),
                'edges', (
                    SELECT coalesce(json_agg(json_build_object(
                        'parent_uuid', e.parent_uuid, 'child_uuid', e.child_uuid, 'kind', e.kind)
                        ORDER BY e.parent_uuid, e.child_uuid), '[]'::json)
                    FROM graph_edges e WHERE e.graph_version_id = v.id AND e.tenant_id = :tenant)
            )::text
            FROM graph_versions v
            WHERE v.id = :version AND v.tenant_id = :tenant
            """
        )
        found = await self._session.scalar(statement, {"version": version_id, "tenant": self._tenant})
        return found.encode() if found is not None else None

    async def summaries(self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[NodeSummary]:
        if not keys:
            return []
        rows = (await self._session.execute(select(*_SUMMARY).where(self._keyed(keys)))).all()
        return [_summary(r) for r in rows]

    async def descriptions(self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[NodeDescription]:
        """Read from the stored node without building it: a page of 200 documented nodes built whole (columns
        and all) took the docs list most of its time."""
        if not keys:
            return []
        query = select(GraphNodeRow.graph_version_id, GraphNodeRow.node_uuid, GraphNodeRow.data).where(
            self._keyed(keys)
        )
        rows = (await self._session.execute(query)).all()
        return [
            NodeDescription(r.graph_version_id, r.node_uuid, str(orjson.loads(r.data).get("description") or ""))
            for r in rows
        ]

    async def details(self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[NodeDetail]:
        if not keys:
            return []
        query = (
            select(*_SUMMARY, GraphNodeRow.data, CatalogEntryRow.columns, CatalogEntryRow.stats)
            .outerjoin(
                CatalogEntryRow,
                and_(
                    CatalogEntryRow.graph_version_id == GraphNodeRow.graph_version_id,
                    CatalogEntryRow.node_uuid == GraphNodeRow.node_uuid,
                ),
            )
            .where(self._keyed(keys))
        )
        rows = (await self._session.execute(query)).all()
        return [
            NodeDetail(
                _summary(r),
                node_from_data(orjson.loads(r.data)),
                tuple(r.columns or ()),
                dict(r.stats or {}),
            )
            for r in rows
        ]

    async def node_by_unique_id(self, version_id: uuid.UUID, unique_id: str) -> NodeSummary | None:
        row = (
            await self._session.execute(
                select(*_SUMMARY).where(
                    GraphNodeRow.tenant_id == self._tenant,
                    GraphNodeRow.graph_version_id == version_id,
                    GraphNodeRow.unique_id == unique_id,
                )
            )
        ).first()
        return _summary(row) if row else None

    async def _neighbours(self, version_id: uuid.UUID, frontier: set[uuid.UUID], upstream: bool) -> list[EdgeRecord]:
        near = GraphEdgeRow.child_uuid if upstream else GraphEdgeRow.parent_uuid
        rows = (
            await self._session.execute(
                select(GraphEdgeRow.parent_uuid, GraphEdgeRow.child_uuid, GraphEdgeRow.kind).where(
                    GraphEdgeRow.tenant_id == self._tenant,
                    GraphEdgeRow.graph_version_id == version_id,
                    near.in_(frontier),
                )
            )
        ).all()
        return [EdgeRecord(version_id, r.parent_uuid, r.child_uuid, r.kind) for r in rows]

    async def lineage(
        self, version_id: uuid.UUID, node_uuid: uuid.UUID, upstream: int, downstream: int
    ) -> tuple[list[NodeSummary], list[EdgeRecord]]:
        """Breadth-first, one statement per level and direction: bounded by depth, deduplicated."""
        seen = {node_uuid}
        edges: dict[tuple[uuid.UUID, uuid.UUID], EdgeRecord] = {}
        for going_up, depth in ((True, upstream), (False, downstream)):
            frontier = {node_uuid}
            for _ in range(depth):
                if not frontier:
                    break
                found = await self._neighbours(version_id, frontier, going_up)
                next_frontier: set[uuid.UUID] = set()
                for edge in found:
                    edges[(edge.parent_uuid, edge.child_uuid)] = edge
                    other = edge.parent_uuid if going_up else edge.child_uuid
                    if other not in seen:
                        seen.add(other)
                        next_frontier.add(other)
                frontier = next_frontier
        nodes = await self.summaries([(version_id, n) for n in seen])
        nodes.sort(key=lambda n: n.unique_id)
        return nodes, sorted(edges.values(), key=lambda e: (str(e.parent_uuid), str(e.child_uuid)))

    async def tests_of(self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[EdgeRecord]:
        if not keys:
            return []
        rows = (
            await self._session.execute(
                select(
                    GraphEdgeRow.graph_version_id,
                    GraphEdgeRow.parent_uuid,
                    GraphEdgeRow.child_uuid,
                    GraphEdgeRow.kind,
                ).where(
                    GraphEdgeRow.tenant_id == self._tenant,
                    GraphEdgeRow.kind == "tests",
                    tuple_(GraphEdgeRow.graph_version_id, GraphEdgeRow.parent_uuid).in_(list(keys)),
                )
            )
        ).all()
        return [EdgeRecord(r.graph_version_id, r.parent_uuid, r.child_uuid, r.kind) for r in rows]

    async def known_unique_ids(self, version_id: uuid.UUID) -> set[str]:
        rows = await self._session.scalars(
            select(GraphNodeRow.unique_id).where(
                GraphNodeRow.tenant_id == self._tenant, GraphNodeRow.graph_version_id == version_id
            )
        )
        return set(rows)

    async def attach_catalog(
        self, version_id: uuid.UUID, artifact_id: uuid.UUID, entries: Sequence[CatalogEntry], known: set[str]
    ) -> None:
        version = await self._session.scalar(
            select(GraphVersionRow.environment_id).where(
                GraphVersionRow.id == version_id, GraphVersionRow.tenant_id == self._tenant
            )
        )
        project = await self._session.scalar(select(EnvironmentRow.project_id).where(EnvironmentRow.id == version))
        assert project is not None, "catalogs attach to versions of this tenant only"
        rows = [
            {
                "graph_version_id": version_id,
                "node_uuid": node_uuid(project, e.unique_id),
                "tenant_id": self._tenant,
                "unique_id": e.unique_id,
                "artifact_id": artifact_id,
                "columns": [orjson.loads(orjson.dumps(c)) for c in e.columns],
                "stats": e.stats,
                "relation_type": e.relation_type,
                "known": e.unique_id in known,
            }
            for e in entries
        ]
        if not rows:
            return
        statement = insert(CatalogEntryRow)
        # A newer catalog of the same version replaces what an older one said.
        statement = statement.on_conflict_do_update(
            index_elements=[CatalogEntryRow.graph_version_id, CatalogEntryRow.node_uuid],
            set_={k: statement.excluded[k] for k in ("unique_id", "artifact_id", "columns", "stats", "relation_type")},
        )
        await self._session.execute(statement, rows)  # executemany: no parameter-count cliff


def _of_types(types: Sequence[str]) -> ColumnElement[bool]:
    """Nodes of these types; `unknown` stands for every type ResourceType does not name (a newer dbt's)."""
    condition: ColumnElement[bool] = GraphNodeRow.resource_type.in_([t for t in types if t != ResourceType.UNKNOWN])
    if ResourceType.UNKNOWN in types:
        known = [t.value for t in ResourceType if t != ResourceType.UNKNOWN]
        condition = or_(condition, GraphNodeRow.resource_type.not_in(known))
    return condition
