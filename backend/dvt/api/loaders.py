"""Per-request DataLoaders: every relation a list can touch is fetched in one batch, never per item.

Each batch goes through the application's read use cases with the caller's `Access`, so a loader returns only
what the caller may see, by the same rule as every other read (application/visibility.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader as BaseDataLoader

from dvt.application.access import Access
from dvt.application.job_records import JobRecord
from dvt.application.records import (
    ArtifactRecord,
    GraphVersionRecord,
    InvocationRecord,
    NodeDescription,
    NodeDetail,
    NodeResultRecord,
    NodeSummary,
    PlanRecord,
    SourceFreshnessRecord,
)
from dvt.application.run_records import RunNodeRecord, RunRecord
from dvt.application.services import Services
from dvt.domain.tenancy import Environment, Organization, Project, Tenant

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
HISTORY_LIMIT = 20


class DataLoader(BaseDataLoader[K, V]):
    """A DataLoader whose shared futures survive a cancelled reader.

    graphql-core cancels a failed field's siblings; a cancelled task cancels the future it awaits, and
    a DataLoader future is shared by every field that asked for the same key. Shielding keeps one field's
    failure from turning every other field of the request into a CancelledError.
    """

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


def _one(fetch: Callable[[list[K]], Awaitable[Sequence[V]]], key: Callable[[V], K]) -> DataLoader[K, V | None]:
    """A loader of at most one value per key."""

    async def load(keys: list[K]) -> list[V | None]:
        found = {key(v): v for v in await fetch(keys)}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


async def _counted(counts: Awaitable[dict[K, int]], keys: list[K]) -> list[int]:
    """Counts in the keys' order; a key the caller may not see counts nothing."""
    found = await counts
    return [found.get(k, 0) for k in keys]


def _many(fetch: Callable[[list[K]], Awaitable[Sequence[V]]], key: Callable[[V], Hashable]) -> DataLoader[K, list[V]]:
    """A loader of a list per key."""

    async def load(keys: list[K]) -> list[list[V]]:
        grouped: dict[Hashable, list[V]] = defaultdict(list)
        for value in await fetch(keys):
            grouped[key(value)].append(value)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, services: Services, access: Access) -> None:
        tenancy, graph = services.tenancy, services.graph
        self.tenant: DataLoader[uuid.UUID, Tenant | None] = _one(
            lambda ids: tenancy.tenants_by_ids(access, ids), lambda t: t.id
        )
        self.organization: DataLoader[uuid.UUID, Organization | None] = _one(
            lambda ids: tenancy.organizations_by_ids(access, ids), lambda o: o.id
        )
        self.project: DataLoader[uuid.UUID, Project | None] = _one(
            lambda ids: tenancy.projects_by_ids(access, ids), lambda p: p.id
        )
        self.projects_of_organization: DataLoader[uuid.UUID, list[Project]] = _many(
            lambda ids: tenancy.projects_of(access, ids), lambda p: p.organization_id
        )
        self.environment: DataLoader[uuid.UUID, Environment | None] = _one(
            lambda ids: tenancy.environments_by_ids(access, ids), lambda e: e.id
        )
        self.environments_of_project: DataLoader[uuid.UUID, list[Environment]] = _many(
            lambda ids: tenancy.environments(access, ids), lambda e: e.project_id
        )
        self.graph_version: DataLoader[uuid.UUID, GraphVersionRecord | None] = _one(
            lambda ids: graph.versions_by_ids(access, ids), lambda v: v.id
        )
        self.latest_version: DataLoader[uuid.UUID, GraphVersionRecord | None] = DataLoader(
            load_fn=lambda ids: graph.latest_versions(access, ids)
        )
        self.node: DataLoader[tuple[uuid.UUID, uuid.UUID], NodeSummary | None] = _one(
            lambda keys: graph.summaries(access, keys), lambda n: (n.graph_version_id, n.node_uuid)
        )
        self.node_description: DataLoader[tuple[uuid.UUID, uuid.UUID], NodeDescription | None] = _one(
            lambda keys: graph.descriptions(access, keys), lambda d: (d.graph_version_id, d.node_uuid)
        )
        self.node_detail: DataLoader[tuple[uuid.UUID, uuid.UUID], NodeDetail | None] = _one(
            lambda keys: graph.details(access, keys),
            lambda d: (d.summary.graph_version_id, d.summary.node_uuid),
        )

        async def tests(keys: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[NodeSummary]]:
            edges = await graph.tests_of(access, keys)
            found = {
                (n.graph_version_id, n.node_uuid): n
                for n in await graph.summaries(access, [(e.graph_version_id, e.child_uuid) for e in edges])
            }
            grouped: dict[tuple[uuid.UUID, uuid.UUID], list[NodeSummary]] = defaultdict(list)
            for e in edges:
                grouped[(e.graph_version_id, e.parent_uuid)].append(found[(e.graph_version_id, e.child_uuid)])
            return [sorted(grouped.get(k, []), key=lambda n: n.unique_id) for k in keys]

        self.tests: DataLoader[tuple[uuid.UUID, uuid.UUID], list[NodeSummary]] = DataLoader(load_fn=tests)

        async def history(keys: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[NodeResultRecord]]:
            grouped: dict[tuple[uuid.UUID, uuid.UUID], list[NodeResultRecord]] = defaultdict(list)
            for environment_id, result in await graph.history(access, keys, HISTORY_LIMIT):
                grouped[(environment_id, result.node_uuid)].append(result)
            return [sorted(grouped.get(k, []), key=lambda r: -r.id) for k in keys]

        self.history: DataLoader[tuple[uuid.UUID, uuid.UUID], list[NodeResultRecord]] = DataLoader(load_fn=history)
        self.artifact: DataLoader[uuid.UUID, ArtifactRecord | None] = _one(
            lambda ids: graph.artifacts_by_ids(access, ids), lambda a: a.id
        )
        self.invocation: DataLoader[uuid.UUID, InvocationRecord | None] = _one(
            lambda ids: graph.invocations_by_ids(access, ids), lambda i: i.id
        )
        self.plan: DataLoader[uuid.UUID, PlanRecord | None] = _one(
            lambda ids: services.plans.plans_by_ids(access, ids), lambda p: p.id
        )
        self.job: DataLoader[uuid.UUID, JobRecord | None] = _one(
            lambda ids: services.jobs.jobs_by_ids(access, ids), lambda j: j.id
        )
        self.run: DataLoader[uuid.UUID, RunRecord | None] = _one(
            lambda ids: services.runs.runs_by_ids(access, ids), lambda r: r.id
        )
        self.run_nodes: DataLoader[uuid.UUID, list[RunNodeRecord]] = _many(
            lambda ids: services.runs.nodes(access, ids), lambda n: n.run_id
        )
        self.run_node_count: DataLoader[uuid.UUID, int] = DataLoader(
            load_fn=lambda ids: _counted(services.runs.node_counts(access, ids), ids)
        )
        self.actor_name: DataLoader[str, str] = DataLoader(
            load_fn=lambda labels: services.identity.actor_names(access, labels)
        )
        self.artifacts_of_version: DataLoader[uuid.UUID, list[ArtifactRecord]] = _many(
            lambda ids: graph.artifacts_of(access, ids), lambda a: a.graph_version_id
        )
        self.results_of_invocation: DataLoader[uuid.UUID, list[NodeResultRecord]] = _many(
            lambda ids: graph.results_of(access, ids), lambda r: r.invocation_pk
        )
        self.freshness_of_invocation: DataLoader[uuid.UUID, list[SourceFreshnessRecord]] = _many(
            lambda ids: graph.freshness_of(access, ids), lambda r: r.invocation_pk
        )
