"""Reading graph versions, nodes, lineage, artifacts and results. Every call runs in its own short read.

Reads open their own unit of work, so the API's DataLoaders may run side by side without sharing a
session (an AsyncSession serves one statement at a time). Every read takes the caller's `Access` and returns
only what lies in environments it may view (application/visibility.py): the rest is absent, as another
tenant's is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from dvt.application.access import Access
from dvt.application.ports import ArtifactStore, ArtifactStream, NodeFilter, UnitOfWork, UnitOfWorkFactory
from dvt.application.records import (
    ArtifactRecord,
    EdgeRecord,
    GraphVersionRecord,
    InvocationRecord,
    NodeDescription,
    NodeDetail,
    NodeResultRecord,
    NodeSummary,
    Page,
    SourceFreshnessRecord,
)
from dvt.application.visibility import note, only_visible, visible_environments, visible_ids
from dvt.domain.errors import NotFoundError, StoredArtifactCorruptError, ValidationError

MAX_LINEAGE_DEPTH = 10

NodeKey = tuple[uuid.UUID, uuid.UUID]  # (graph_version_id, node_uuid)
VERSION, ARTIFACT, INVOCATION = "graph_version", "artifact", "invocation"  # kinds of Access.whereabouts


class GraphQueries:
    def __init__(self, units: UnitOfWorkFactory, store: ArtifactStore) -> None:
        self._units = units
        self._store = store

    async def _visible_versions(self, uow: UnitOfWork, access: Access, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return await visible_ids(uow, access, VERSION, ids, uow.graphs(access.scope).versions_by_ids)

    async def versions(
        self, access: Access, environment_id: uuid.UUID, before_sequence: int | None, limit: int
    ) -> Page[GraphVersionRecord]:
        async with self._units() as uow:
            if not await visible_environments(uow, access, [environment_id]):
                return Page([], False)
            page = await uow.graphs(access.scope).versions(environment_id, before_sequence, limit)
        note(access, VERSION, page.items)
        return page

    async def latest_versions(
        self, access: Access, environment_ids: Sequence[uuid.UUID]
    ) -> list[GraphVersionRecord | None]:
        async with self._units() as uow:
            visible = await visible_environments(uow, access, environment_ids)
            latest = await uow.graphs(access.scope).latest_versions(list(visible)) if visible else []
        note(access, VERSION, latest)
        found = {v.environment_id: v for v in latest}
        return [found.get(e) for e in environment_ids]

    async def versions_by_ids(self, access: Access, ids: Sequence[uuid.UUID]) -> list[GraphVersionRecord]:
        async with self._units() as uow:
            return await only_visible(uow, access, VERSION, await uow.graphs(access.scope).versions_by_ids(ids))

    async def nodes(
        self,
        access: Access,
        version_id: uuid.UUID,
        node_filter: NodeFilter,
        after: str | None,
        limit: int,
    ) -> Page[NodeSummary]:
        async with self._units() as uow:
            if not await self._visible_versions(uow, access, [version_id]):
                return Page([], False)
            return await uow.graphs(access.scope).nodes(version_id, node_filter, after, limit)

    async def count_nodes(self, access: Access, version_id: uuid.UUID, node_filter: NodeFilter) -> int:
        async with self._units() as uow:
            if not await self._visible_versions(uow, access, [version_id]):
                return 0
            return await uow.graphs(access.scope).count_nodes(version_id, node_filter)

    async def edges(self, access: Access, version_id: uuid.UUID, after: NodeKey | None, limit: int) -> Page[EdgeRecord]:
        async with self._units() as uow:
            if not await self._visible_versions(uow, access, [version_id]):
                return Page([], False)
            return await uow.graphs(access.scope).edges(version_id, after, limit)

    async def document(self, access: Access, version_id: uuid.UUID) -> dict[str, Any]:
        """The whole LogicalGraph of a version (contract `schema/contracts/logical-graph.v1.schema.json`)."""
        async with self._units() as uow:
            visible = await self._visible_versions(uow, access, [version_id])
            found = await uow.graphs(access.scope).document(version_id) if visible else None
        if found is None:
            raise NotFoundError("graph version not found")
        document: dict[str, Any] = orjson.loads(found)
        return document

    async def summaries(self, access: Access, keys: Sequence[NodeKey]) -> list[NodeSummary]:
        async with self._units() as uow:
            visible = await self._visible_versions(uow, access, {v for v, _ in keys})
            wanted = [k for k in keys if k[0] in visible]
            return await uow.graphs(access.scope).summaries(wanted) if wanted else []

    async def details(self, access: Access, keys: Sequence[NodeKey]) -> list[NodeDetail]:
        async with self._units() as uow:
            visible = await self._visible_versions(uow, access, {v for v, _ in keys})
            wanted = [k for k in keys if k[0] in visible]
            return await uow.graphs(access.scope).details(wanted) if wanted else []

    async def descriptions(self, access: Access, keys: Sequence[NodeKey]) -> list[NodeDescription]:
        async with self._units() as uow:
            visible = await self._visible_versions(uow, access, {v for v, _ in keys})
            wanted = [k for k in keys if k[0] in visible]
            return await uow.graphs(access.scope).descriptions(wanted) if wanted else []

    async def node_by_unique_id(self, access: Access, version_id: uuid.UUID, unique_id: str) -> NodeSummary | None:
        async with self._units() as uow:
            if not await self._visible_versions(uow, access, [version_id]):
                return None
            return await uow.graphs(access.scope).node_by_unique_id(version_id, unique_id)

    async def lineage(
        self, access: Access, version_id: uuid.UUID, node_uuid: uuid.UUID, upstream: int, downstream: int
    ) -> tuple[list[NodeSummary], list[EdgeRecord]]:
        for depth in (upstream, downstream):
            if not 0 <= depth <= MAX_LINEAGE_DEPTH:
                raise ValidationError(f"lineage depth must be between 0 and {MAX_LINEAGE_DEPTH}, got {depth}")
        async with self._units() as uow:
            graphs = uow.graphs(access.scope)
            visible = await self._visible_versions(uow, access, [version_id])
            if not visible or not await graphs.summaries([(version_id, node_uuid)]):
                raise NotFoundError("node not found in this graph version")
            return await graphs.lineage(version_id, node_uuid, upstream, downstream)

    async def tests_of(self, access: Access, keys: Sequence[NodeKey]) -> list[EdgeRecord]:
        async with self._units() as uow:
            visible = await self._visible_versions(uow, access, {v for v, _ in keys})
            wanted = [k for k in keys if k[0] in visible]
            return await uow.graphs(access.scope).tests_of(wanted) if wanted else []

    async def artifacts_of(self, access: Access, version_ids: Sequence[uuid.UUID]) -> list[ArtifactRecord]:
        async with self._units() as uow:
            visible = await self._visible_versions(uow, access, version_ids)
            return await uow.artifacts(access.scope).of_versions(list(visible)) if visible else []

    async def artifacts_by_ids(self, access: Access, ids: Sequence[uuid.UUID]) -> list[ArtifactRecord]:
        async with self._units() as uow:
            return await only_visible(uow, access, ARTIFACT, await uow.artifacts(access.scope).by_ids(ids))

    async def invocations_by_ids(self, access: Access, ids: Sequence[uuid.UUID]) -> list[InvocationRecord]:
        async with self._units() as uow:
            found = await uow.results(access.scope).invocations_by_ids(ids)
            return await only_visible(uow, access, INVOCATION, found)

    async def artifact_content(self, access: Access, artifact_id: uuid.UUID) -> tuple[ArtifactRecord, bytes]:
        """The raw file, for whoever may view its environment; anyone else is told it does not exist. Its bytes
        are checked against its sha256 (StoredArtifactCorruptError otherwise)."""
        record = await self._artifact(access, artifact_id)
        return record, await self._store.get(record.storage_key, record.sha256)

    async def artifact_download(self, access: Access, artifact_id: uuid.UUID) -> tuple[ArtifactRecord, ArtifactStream]:
        """As artifact_content, streamed: nothing is read before the download starts. A file of another size
        than the one ingested is refused before its first byte, any other mismatch before its last."""
        record = await self._artifact(access, artifact_id)
        stream = await self._store.open(record.storage_key, record.sha256)
        if stream.size != record.size_bytes:
            await stream.chunks.aclose()
            raise StoredArtifactCorruptError(record.sha256)
        return record, stream

    async def _artifact(self, access: Access, artifact_id: uuid.UUID) -> ArtifactRecord:
        found = await self.artifacts_by_ids(access, [artifact_id])
        if not found:
            raise NotFoundError("artifact not found")
        return found[0]

    async def invocations(
        self, access: Access, environment_id: uuid.UUID, before: uuid.UUID | None, limit: int
    ) -> Page[InvocationRecord]:
        async with self._units() as uow:
            if not await visible_environments(uow, access, [environment_id]):
                return Page([], False)
            page = await uow.results(access.scope).invocations(environment_id, before, limit)
        note(access, INVOCATION, page.items)
        return page

    async def invocation(
        self, access: Access, environment_id: uuid.UUID, invocation_id: str
    ) -> InvocationRecord | None:
        async with self._units() as uow:
            if not await visible_environments(uow, access, [environment_id]):
                return None
            return await uow.results(access.scope).invocation(environment_id, invocation_id)

    async def _visible_invocations(self, uow: UnitOfWork, access: Access, pks: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        return list(await visible_ids(uow, access, INVOCATION, pks, uow.results(access.scope).invocations_by_ids))

    async def results_of(self, access: Access, invocation_pks: Sequence[uuid.UUID]) -> list[NodeResultRecord]:
        async with self._units() as uow:
            visible = await self._visible_invocations(uow, access, invocation_pks)
            return await uow.results(access.scope).results_of(visible) if visible else []

    async def freshness_of(self, access: Access, invocation_pks: Sequence[uuid.UUID]) -> list[SourceFreshnessRecord]:
        async with self._units() as uow:
            visible = await self._visible_invocations(uow, access, invocation_pks)
            return await uow.results(access.scope).freshness_of(visible) if visible else []

    async def history(
        self, access: Access, keys: Sequence[tuple[uuid.UUID, uuid.UUID]], limit: int
    ) -> list[tuple[uuid.UUID, NodeResultRecord]]:
        """Latest results per (environment_id, node_uuid)."""
        async with self._units() as uow:
            visible = await visible_environments(uow, access, {e for e, _ in keys})
            wanted = [k for k in keys if k[0] in visible]
            return await uow.results(access.scope).history(wanted, limit) if wanted else []
