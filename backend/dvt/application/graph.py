"""Reading graph versions, nodes, lineage, artifacts and results. Every call runs in its own short read.

Reads open their own unit of work, so the API's DataLoaders may run side by side without sharing a
session (an AsyncSession serves one statement at a time).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import orjson

from dvt.application.access import Access
from dvt.application.ports import ArtifactStore, NodeFilter, UnitOfWorkFactory
from dvt.application.records import (
    ArtifactRecord,
    EdgeRecord,
    GraphVersionRecord,
    InvocationRecord,
    NodeDetail,
    NodeResultRecord,
    NodeSummary,
    Page,
    SourceFreshnessRecord,
)
from dvt.application.tenancy import environment_scope_of
from dvt.domain.authorization import Permission
from dvt.domain.errors import NotFoundError, ValidationError
from dvt.domain.tenancy import TenantScope

MAX_LINEAGE_DEPTH = 10

NodeKey = tuple[uuid.UUID, uuid.UUID]  # (graph_version_id, node_uuid)


class GraphQueries:
    def __init__(self, units: UnitOfWorkFactory, store: ArtifactStore) -> None:
        self._units = units
        self._store = store

    async def versions(
        self, scope: TenantScope, environment_id: uuid.UUID, before_sequence: int | None, limit: int
    ) -> Page[GraphVersionRecord]:
        async with self._units() as uow:
            return await uow.graphs(scope).versions(environment_id, before_sequence, limit)

    async def latest_versions(
        self, scope: TenantScope, environment_ids: Sequence[uuid.UUID]
    ) -> list[GraphVersionRecord | None]:
        async with self._units() as uow:
            found = {v.environment_id: v for v in await uow.graphs(scope).latest_versions(environment_ids)}
        return [found.get(e) for e in environment_ids]

    async def versions_by_ids(self, scope: TenantScope, ids: Sequence[uuid.UUID]) -> list[GraphVersionRecord]:
        async with self._units() as uow:
            return await uow.graphs(scope).versions_by_ids(ids)

    async def nodes(
        self,
        scope: TenantScope,
        version_id: uuid.UUID,
        node_filter: NodeFilter,
        after: str | None,
        limit: int,
    ) -> Page[NodeSummary]:
        async with self._units() as uow:
            return await uow.graphs(scope).nodes(version_id, node_filter, after, limit)

    async def count_nodes(self, scope: TenantScope, version_id: uuid.UUID, node_filter: NodeFilter) -> int:
        async with self._units() as uow:
            return await uow.graphs(scope).count_nodes(version_id, node_filter)

    async def edges(
        self, scope: TenantScope, version_id: uuid.UUID, after: NodeKey | None, limit: int
    ) -> Page[EdgeRecord]:
        async with self._units() as uow:
            return await uow.graphs(scope).edges(version_id, after, limit)

    async def document(self, scope: TenantScope, version_id: uuid.UUID) -> dict[str, Any]:
        """The whole LogicalGraph of a version (contract `schema/contracts/logical-graph.v1.schema.json`)."""
        async with self._units() as uow:
            found = await uow.graphs(scope).document(version_id)
        if found is None:
            raise NotFoundError("graph version not found")
        document: dict[str, Any] = orjson.loads(found)
        return document

    async def summaries(self, scope: TenantScope, keys: Sequence[NodeKey]) -> list[NodeSummary]:
        async with self._units() as uow:
            return await uow.graphs(scope).summaries(keys)

    async def details(self, scope: TenantScope, keys: Sequence[NodeKey]) -> list[NodeDetail]:
        async with self._units() as uow:
            return await uow.graphs(scope).details(keys)

    async def node_by_unique_id(self, scope: TenantScope, version_id: uuid.UUID, unique_id: str) -> NodeSummary | None:
        async with self._units() as uow:
            return await uow.graphs(scope).node_by_unique_id(version_id, unique_id)

    async def lineage(
        self, scope: TenantScope, version_id: uuid.UUID, node_uuid: uuid.UUID, upstream: int, downstream: int
    ) -> tuple[list[NodeSummary], list[EdgeRecord]]:
        for depth in (upstream, downstream):
            if not 0 <= depth <= MAX_LINEAGE_DEPTH:
                raise ValidationError(f"lineage depth must be between 0 and {MAX_LINEAGE_DEPTH}, got {depth}")
        async with self._units() as uow:
            graphs = uow.graphs(scope)
            if not await graphs.summaries([(version_id, node_uuid)]):
                raise NotFoundError("node not found in this graph version")
            return await graphs.lineage(version_id, node_uuid, upstream, downstream)

    async def tests_of(self, scope: TenantScope, keys: Sequence[NodeKey]) -> list[EdgeRecord]:
        async with self._units() as uow:
            return await uow.graphs(scope).tests_of(keys)

    async def artifacts_of(self, scope: TenantScope, version_ids: Sequence[uuid.UUID]) -> list[ArtifactRecord]:
        async with self._units() as uow:
            return await uow.artifacts(scope).of_versions(version_ids)

    async def artifacts_by_ids(self, scope: TenantScope, ids: Sequence[uuid.UUID]) -> list[ArtifactRecord]:
        async with self._units() as uow:
            return await uow.artifacts(scope).by_ids(ids)

    async def invocations_by_ids(self, scope: TenantScope, ids: Sequence[uuid.UUID]) -> list[InvocationRecord]:
        async with self._units() as uow:
            return await uow.results(scope).invocations_by_ids(ids)

    async def artifact_content(self, access: Access, artifact_id: uuid.UUID) -> tuple[ArtifactRecord, bytes]:
        """The raw file, for whoever may view its environment; anyone else is told it does not exist."""
        async with self._units() as uow:
            found = await uow.artifacts(access.scope).by_ids([artifact_id])
            where = await environment_scope_of(uow, access.scope, found[0].environment_id) if found else None
        if not found or where is None or not access.can(Permission.VIEW, where):
            raise NotFoundError("artifact not found")
        return found[0], self._store.get(found[0].storage_key)

    async def invocations(
        self, scope: TenantScope, environment_id: uuid.UUID, before: uuid.UUID | None, limit: int
    ) -> Page[InvocationRecord]:
        async with self._units() as uow:
            return await uow.results(scope).invocations(environment_id, before, limit)

    async def invocation(
        self, scope: TenantScope, environment_id: uuid.UUID, invocation_id: str
    ) -> InvocationRecord | None:
        async with self._units() as uow:
            return await uow.results(scope).invocation(environment_id, invocation_id)

    async def results_of(self, scope: TenantScope, invocation_pks: Sequence[uuid.UUID]) -> list[NodeResultRecord]:
        async with self._units() as uow:
            return await uow.results(scope).results_of(invocation_pks)

    async def freshness_of(
        self, scope: TenantScope, invocation_pks: Sequence[uuid.UUID]
    ) -> list[SourceFreshnessRecord]:
        async with self._units() as uow:
            return await uow.results(scope).freshness_of(invocation_pks)

    async def history(
        self, scope: TenantScope, keys: Sequence[tuple[uuid.UUID, uuid.UUID]], limit: int
    ) -> list[tuple[uuid.UUID, NodeResultRecord]]:
        """Latest results per (environment_id, node_uuid)."""
        async with self._units() as uow:
            return await uow.results(scope).history(keys, limit)
