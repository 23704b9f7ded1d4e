"""Ingesting dbt artifacts: read and check every file first, then write everything in one transaction."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.collector import collector_paused
from dvt.application.ports import ArtifactOpener, ArtifactStore, UnitOfWork, UnitOfWorkFactory
from dvt.application.records import ArtifactSummary, GraphVersionRecord, IngestReport
from dvt.application.tenancy import require_environment, require_project
from dvt.domain.authorization import Permission, environment_scope, organization_scope, project_scope
from dvt.domain.errors import ArtifactError, ValidationError
from dvt.domain.graph.build import Links, link
from dvt.domain.graph.identity import node_uuid
from dvt.domain.graph.model import (
    ArtifactKind,
    Catalog,
    NodeOutline,
    NodeResult,
    OpenArtifact,
    OpenManifest,
    RunResults,
    SourceFreshness,
    Sources,
    StoredNode,
)
from dvt.domain.tenancy import DEFAULT_ORGANIZATION, Adapter, Environment, TenantScope, check_slug

# Within one ingestion the manifest goes first, so the others can attach to the version it makes.
_ORDER = {
    ArtifactKind.MANIFEST: 0,
    ArtifactKind.CATALOG: 1,
    ArtifactKind.RUN_RESULTS: 2,
    ArtifactKind.SOURCES: 3,
}
R = TypeVar("R", NodeResult, SourceFreshness)
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_LISTED = 5  # unknown unique_ids named in a warning before "and N more"
_SLICE = 1_000  # nodes normalised at a time, while the database stores the slice before
_FIRST_SLICE = 250  # the first is small: the database has rows to store as soon as it is ready for them
_AHEAD = 2  # slices queued for normalising: the thread never waits for the caller to ask for the next


@dataclass(frozen=True, slots=True)
class ArtifactFile:
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class _Read:
    file: ArtifactFile
    artifact: OpenArtifact
    sha256: str


@dataclass(frozen=True, slots=True)
class IngestTarget:
    project: str
    environment: str
    create_missing: bool = True  # the CLI creates project and environment on first use
    repository: str = ""  # recorded on a project created here
    settings: dict[str, Any] = field(default_factory=dict)  # connection settings of an environment created here
    organization: str = DEFAULT_ORGANIZATION
    # A run's own artifacts: its manifest must be of the dbt project the environment's graph is of (its first
    # version fixes it), or a run that reached another project on disk would make that the environment's graph.
    same_project: bool = False
    commit_sha: str | None = None  # the commit the manifest was parsed from, when known
    # False: the manifest is a preview of another ref's commit, not the environment's graph from now on.
    current: bool = True


def _unknown_warning(file_name: str, unknown: list[str], what: str) -> str:
    named = ", ".join(unknown[:_LISTED])
    more = f" and {len(unknown) - _LISTED} more" if len(unknown) > _LISTED else ""
    return f"{file_name}: {len(unknown)} {what} for nodes the graph does not hold (kept): {named}{more}"


class IngestService:
    def __init__(self, units: UnitOfWorkFactory, read: ArtifactOpener, store: ArtifactStore) -> None:
        self._units = units
        self._read = read
        self._store = store

    async def ingest(self, access: Access, target: IngestTarget, files: list[ArtifactFile]) -> IngestReport:
        if target.commit_sha is not None and not _COMMIT.match(target.commit_sha):
            raise ValidationError(f"{target.commit_sha!r} is not a full git commit sha (40 hexadecimal characters)")
        if not files:
            raise ValidationError("nothing to ingest: give a dbt target/ folder or artifact files")
        with collector_paused():
            return await self._ingest(access, target, files)

    async def _ingest(self, access: Access, target: IngestTarget, files: list[ArtifactFile]) -> IngestReport:
        reads = await asyncio.to_thread(self._read_all, files)
        async with self._units() as uow:
            environment = await self._environment(uow, access, target, reads)
            ingestion = _Ingestion(uow, access.scope, environment, self._store, target)
            try:
                report = await ingestion.run(reads)
                details = {
                    "graph_version_id": str(report.graph_version_id) if report.graph_version_id else None,
                    "created": report.created,
                    "made_current": report.made_current,
                    "artifacts": [{"kind": a.kind, "sha256": a.sha256} for a in report.artifacts],
                }
                await record(
                    uow.audit(access.scope),
                    access.event("artifacts.ingest", "environment", environment.id, details),
                )
                await uow.commit()
            finally:
                if ingestion.slices is not None:
                    await ingestion.slices.close()
        return report

    def _read_all(self, files: list[ArtifactFile]) -> list[_Read]:
        """Parse everything before touching the database: a bad file refuses the whole ingestion. A manifest's
        nodes are normalised later, as they are stored; one that cannot be refuses it then (nothing is committed)."""
        # hashlib lets go of the GIL on large inputs: the digests are computed beside the parse, not after it.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dvt-ingest-sha256") as hashing:
            digests = [hashing.submit(_sha256, f.data) for f in files]
            artifacts = [self._read(f.name, f.data) for f in files]
            reads = [_Read(f, a, d.result()) for f, a, d in zip(files, artifacts, digests, strict=True)]
        manifests = [r.file.name for r in reads if isinstance(r.artifact, OpenManifest)]
        if len(manifests) > 1:
            raise ValidationError(f"one manifest per ingestion, got {len(manifests)}: {', '.join(manifests)}")
        reads.sort(key=lambda r: _ORDER[r.artifact.metadata.kind])
        return reads

    async def _environment(
        self, uow: UnitOfWork, access: Access, target: IngestTarget, reads: list[_Read]
    ) -> Environment:
        """The target environment; creating what is missing needs edit on the scope it is created in."""
        # Names come from forms and multipart fields: refuse what cannot be a slug before any lookup.
        check_slug("project", target.project)
        check_slug("environment", target.environment)
        check_slug("organization", target.organization)
        scope = access.scope
        tenancy = uow.tenancy(scope)
        if not target.create_missing:
            owner = await require_project(uow, scope, target.project)
            existing = await require_environment(uow, scope, owner, target.environment)
            where = environment_scope(owner.organization_id, owner.id, existing.id)
            access.require(Permission.EDIT, where, "ingest artifacts into this environment")
            return existing
        project = await tenancy.project_by_slug(target.project)
        if project is None:
            org = await tenancy.organization_by_slug(target.organization)
            if org is None:
                raise ValidationError(f"organization {target.organization!r} not found")
            access.require(Permission.EDIT, organization_scope(org.id), "create projects in this organization")
            project = await tenancy.create_project(org.id, target.project, target.project, target.repository, None)
        environment = await tenancy.environment_by_slug(project.id, target.environment)
        if environment is not None:
            where = environment_scope(project.organization_id, project.id, environment.id)
            access.require(Permission.EDIT, where, "ingest artifacts into this environment")
        else:
            where = project_scope(project.organization_id, project.id)
            access.require(Permission.EDIT, where, "create environments in this project")
            adapter_types = [r.artifact.metadata.adapter_type for r in reads if r.artifact.metadata.adapter_type]
            adapter = adapter_types[0] if adapter_types and adapter_types[0] in set(Adapter) else "duckdb"
            environment = await tenancy.create_environment(
                project.id, target.environment, target.environment, Adapter(adapter), "HEAD", dict(target.settings)
            )
        return environment


class _Ingestion:
    """The state of one ingestion inside its transaction."""

    def __init__(
        self, uow: UnitOfWork, scope: TenantScope, environment: Environment, store: ArtifactStore, target: IngestTarget
    ) -> None:
        self.uow = uow
        self.slices: _NodeSlices | None = None  # a new version's nodes, as they are normalised
        self.same_project = target.same_project
        self.target = target
        self.scope = scope
        self.environment = environment
        self.store = store
        self.version: GraphVersionRecord | None = None  # the version this ingestion's manifest maps to
        self.created = False
        self.made_current = False
        self.warnings: list[str] = []
        self.summaries: list[ArtifactSummary] = []
        self._known: dict[uuid.UUID, set[str]] = {}

    async def run(self, reads: list[_Read]) -> IngestReport:
        for read in reads:
            meta = read.artifact.metadata
            self.summaries.append(
                ArtifactSummary(
                    meta.kind.value,
                    read.file.name,
                    meta.schema_version,
                    meta.dbt_version,
                    read.sha256,
                    meta.invocation_id,
                )
            )
            artifact = read.artifact
            if isinstance(artifact, OpenManifest):
                await self._manifest(read, artifact)
            elif isinstance(artifact, Catalog):
                await self._catalog(read, artifact)
            elif isinstance(artifact, RunResults):
                await self._run_results(read, artifact)
            else:
                await self._sources(read, artifact)
        counts = dict(self.version.counts) if self.version else {}
        return IngestReport(
            graph_version_id=self.version.id if self.version else None,
            created=self.created,
            counts=counts,
            edges=self.version.edge_count if self.version else 0,
            artifacts=tuple(self.summaries),
            warnings=tuple(self.warnings),
            made_current=self.made_current,
        )

    def _key(self, read: _Read) -> str:
        return f"{self.scope.tenant_id}/{read.sha256[:2]}/{read.sha256}.json"

    async def _store(
        self, read: _Read, version_id: uuid.UUID | None, written: asyncio.Future[None] | None = None
    ) -> uuid.UUID | None:
        """Keep the raw file (content-addressed); None when this environment already holds it. `written`: the
        file's put, started earlier (the store's keys are content-addressed, so writing it again is harmless)."""
        kind = read.artifact.metadata.kind.value
        repository = self.uow.artifacts(self.scope)
        held = await repository.find(self.environment.id, kind, read.sha256)
        if written is not None:
            await written
        if held:
            return None
        key = self._key(read)
        if written is None:
            await self.store.put(key, read.file.data)
        record = await repository.add(
            self.environment.id,
            version_id,
            read.artifact.metadata,
            read.sha256,
            len(read.file.data),
            read.file.name,
            key,
        )
        return record.id

    async def _manifest(self, read: _Read, manifest: OpenManifest) -> None:
        graphs = self.uow.graphs(self.scope)
        first = await graphs.first_version(self.environment.id) if self.same_project else None
        existing = await graphs.version_by_hash(self.environment.id, read.sha256)
        if existing is None:
            # The raw file is written while the graph is stored: neither waits on the other.
            written = asyncio.ensure_future(self.store.put(self._key(read), read.file.data))
            try:
                self.version = await self._new_version(read, manifest, first)
                self.warnings.extend(self.version.warnings)
                await self._store(read, self.version.id, written)
            finally:
                await asyncio.gather(written, return_exceptions=True)  # retrieved, whatever went wrong first
            return
        # The same manifest again: the same version, and ingesting it says "this is the graph now".
        self._check_project(read, manifest, first, existing.project_name)  # the same bytes, the same project
        self.version = existing
        if self.target.current:
            self.made_current = await self.uow.graphs(self.scope).make_current(self.environment.id, existing.id)
        self.warnings.extend(self.version.warnings)
        await self._store(read, self.version.id)

    async def _new_version(
        self, read: _Read, manifest: OpenManifest, first: GraphVersionRecord | None
    ) -> GraphVersionRecord:
        slices = self.slices = _NodeSlices(manifest)
        nodes = slices.outlines

        def graph_of() -> Links:
            links = link(nodes, manifest.metadata, read.file.name)
            self._check_project(read, manifest, first, links.project_name)
            # Every node is read: the parsed file is let go while the database stores the edges and commits.
            slices.release()
            return links

        version = await self.uow.graphs(self.scope).create_version(
            self.environment,
            read.sha256,
            manifest.metadata,
            manifest.counts,
            manifest.selectors,
            manifest.macros,
            slices,
            graph_of,
            commit_sha=self.target.commit_sha,
            current=self.target.current,
        )
        self.created = True
        self._known[version.id] = {n.unique_id for n in nodes}
        if manifest.metadata.invocation_id:
            # Results of this invocation that arrived before their manifest attach to it now.
            await self.uow.results(self.scope).attach_invocation(
                self.environment.id, manifest.metadata.invocation_id, version.id
            )
        return version

    def _check_project(
        self, read: _Read, manifest: OpenManifest, first: GraphVersionRecord | None, found: str | None
    ) -> None:
        """A run's manifest must be of the project the environment's first version fixed (when there is one)."""
        if first is None or first.project_name is None or found == first.project_name:
            return
        raise ArtifactError(
            read.file.name,
            f"is a manifest of dbt project {found!r}, but environment {self.environment.slug!r} holds the graph "
            f"of {first.project_name!r}: refused, dbt ran another project than the environment's",
            kind=manifest.metadata.kind.value,
            schema_version=manifest.metadata.schema_version,
        )

    async def _attach_to(self, invocation_id: str | None) -> GraphVersionRecord | None:
        """The version of the same invocation, else this ingestion's manifest, else the latest."""
        graphs = self.uow.graphs(self.scope)
        if invocation_id:
            same = await graphs.version_by_invocation(self.environment.id, invocation_id)
            if same is not None:
                return same
        return self.version or await graphs.latest_version(self.environment.id)

    async def _known_ids(self, version: GraphVersionRecord | None) -> set[str]:
        if version is None:
            return set()
        if version.id not in self._known:
            self._known[version.id] = await self.uow.graphs(self.scope).known_unique_ids(version.id)
        return self._known[version.id]

    async def _catalog(self, read: _Read, catalog: Catalog) -> None:
        version = await self._attach_to(catalog.metadata.invocation_id)
        if version is None:
            raise ValidationError(
                f"{read.file.name}: a catalog describes a graph, and environment "
                f"{self.environment.slug!r} has none yet: ingest a manifest first (or with it)"
            )
        artifact_id = await self._store(read, version.id)
        if artifact_id is None:
            return
        known = await self._known_ids(version)
        await self.uow.graphs(self.scope).attach_catalog(version.id, artifact_id, catalog.entries, known)
        unknown = sorted(e.unique_id for e in catalog.entries if e.unique_id not in known)
        if unknown:
            self.warnings.append(_unknown_warning(read.file.name, unknown, "catalog entries"))
        self.warnings.extend(f"{read.file.name}: dbt reported: {error}" for error in catalog.errors)

    async def _invocation(
        self, read: _Read, command: str | None, elapsed: float | None
    ) -> tuple[uuid.UUID, set[str]] | None:
        meta = read.artifact.metadata
        version = await self._attach_to(meta.invocation_id)
        if await self._store(read, version.id if version else None) is None:
            return None  # this exact file was ingested before: its results are already held
        if version is None:
            self.warnings.append(f"{read.file.name}: environment has no graph yet; results kept unattached")
        # Files written before dbt stamped invocation ids get one derived from their content.
        invocation_id = meta.invocation_id or f"sha256:{read.sha256[:32]}"
        pk = await self.uow.results(self.scope).upsert_invocation(
            self.environment.id, invocation_id, version.id if version else None, meta, command, elapsed
        )
        return pk, await self._known_ids(version)

    async def _run_results(self, read: _Read, run: RunResults) -> None:
        found = await self._invocation(read, run.command, run.elapsed_time)
        if found is None:
            return
        pk, known = found
        project = self.environment.project_id
        rows = [(node_uuid(project, r.unique_id), r, r.unique_id in known) for r in _last_per_node(run.results)]
        await self.uow.results(self.scope).add_node_results(self.environment.id, pk, rows)
        unknown = sorted(r.unique_id for _, r, is_known in rows if not is_known)
        if unknown and known:
            self.warnings.append(_unknown_warning(read.file.name, unknown, "results"))

    async def _sources(self, read: _Read, sources: Sources) -> None:
        found = await self._invocation(read, "source freshness", sources.elapsed_time)
        if found is None:
            return
        pk, known = found
        project = self.environment.project_id
        rows = [(node_uuid(project, r.unique_id), r, r.unique_id in known) for r in _last_per_node(sources.results)]
        await self.uow.results(self.scope).add_freshness(self.environment.id, pk, rows)
        unknown = sorted(r.unique_id for _, r, is_known in rows if not is_known)
        if unknown and known:
            self.warnings.append(_unknown_warning(read.file.name, unknown, "freshness results"))


class _NodeSlices:
    """A manifest's nodes a slice at a time, each normalised in a thread while the caller stores the ones before.
    Every node's outline is kept, for the graph built once all are stored."""

    def __init__(self, manifest: OpenManifest) -> None:
        self.manifest = manifest
        self.outlines: list[NodeOutline] = []
        count = manifest.node_count
        starts = [0, *range(min(_FIRST_SLICE, _SLICE), count, _SLICE)] if count else []
        self._bounds = deque(zip(starts, [*starts[1:], count], strict=True))
        self._reading = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dvt-ingest-nodes")
        self._ahead: deque[Future[list[StoredNode]]] = deque()
        self._released: Future[None] | None = None
        # Only the first (small) slice before the rows are asked for: a thread holding the interpreter makes each
        # of the caller's round trips until then wait for it.
        self._queue(1)

    def _queue(self, ahead: int = _AHEAD) -> None:
        while self._bounds and len(self._ahead) < ahead:
            start, stop = self._bounds.popleft()
            self._ahead.append(self._reading.submit(self.manifest.read_nodes, start, stop))

    async def __aiter__(self) -> AsyncIterator[list[StoredNode]]:
        self._queue()
        while self._ahead:
            stored = await asyncio.wrap_future(self._ahead.popleft())
            self._queue()
            self.outlines.extend(s.outline for s in stored)
            yield stored

    def release(self) -> None:
        """Let the parsed nodes go, in the thread: freeing millions of objects takes a 10,000-model ingestion
        tens of milliseconds, which it would otherwise spend after the database is done."""
        self._released = self._reading.submit(self.manifest.release)

    async def close(self) -> None:
        """Stop reading ahead; wait for the release, so that its cost stays inside the ingestion that caused it."""
        for ahead in self._ahead:
            ahead.cancel()  # one being normalised finishes in its thread; nothing waits for it
        self._reading.shutdown(wait=False)
        if self._released is not None:
            await asyncio.wrap_future(self._released)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _last_per_node(results: tuple[R, ...]) -> list[R]:
    """One row per node and invocation: where dbt repeats a node (retries), its last word counts."""
    return list({r.unique_id: r for r in results}.values())
