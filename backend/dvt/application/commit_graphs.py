"""A commit's graph: a ref of the environment's repository resolved to a commit, parsed by dbt once, and
ingested as that commit's graph version. The same commit again is the same version: no second parse.

Plans follow git through this: a run of an environment plans from the commit its branch names now, and
`dvt plan --ref` previews another branch, tag or sha. A preview's version is kept (its commit may become the
branch's later) but does not become the environment's graph until the environment's own ref names it.

No transaction is held while git and dbt work: the lookups, the ingestion and the make-current are short units
of work of their own. Callers authorize (planning needs the plan permission; a run's planning was authorized
when it was triggered).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestService, IngestTarget
from dvt.application.ports import UnitOfWorkFactory
from dvt.application.records import GraphVersionRecord
from dvt.application.run_ports import GIT_TOKEN, GitSource, ParseJob, ProjectParser
from dvt.application.secrets import SecretService
from dvt.domain.errors import NotFoundError
from dvt.domain.tenancy import TenantScope


@dataclass(frozen=True, slots=True)
class CommitGraph:
    commit_sha: str
    version: GraphVersionRecord
    parsed: bool  # False: an earlier parse (or run) of the same commit answered


class CommitGraphs:
    def __init__(
        self, units: UnitOfWorkFactory, parser: ProjectParser, secrets: SecretService, ingest: IngestService
    ) -> None:
        self._units = units
        self._parser = parser
        self._secrets = secrets
        self._ingest = ingest
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}  # one environment's commits are parsed one at a time

    async def graph_of(self, scope: TenantScope, environment_id: uuid.UUID, ref: str | None = None) -> CommitGraph:
        """The graph of the commit `ref` names now (None: the environment's own ref, whose graph it becomes).

        Raises CommitUnavailable (no such ref, repository unreachable) or ParseFailed (dbt's message).
        """
        async with self._units() as uow:
            found = await uow.tenancy(scope).environments_by_ids([environment_id])
            if not found:
                raise NotFoundError("environment not found")
            environment = found[0]
            projects = await uow.tenancy(scope).projects_by_ids([environment.project_id])
        project = projects[0]
        secrets = await self._secrets.reveal_for_run(scope, environment.id)
        source = GitSource(project.repository, project.subdirectory, secrets.get(GIT_TOKEN))
        own = ref is None or ref == environment.git_ref
        commit = await self._parser.resolve(source, ref or environment.git_ref)
        async with self._locks.setdefault(environment.id, asyncio.Lock()):
            async with self._units() as uow:
                graphs = uow.graphs(scope)
                version = await graphs.version_by_commit(environment.id, commit)
                if version is not None:
                    if own and await graphs.make_current(environment.id, version.id):
                        await uow.commit()  # the branch names this commit again: its graph is the current one
                    return CommitGraph(commit, version, parsed=False)
            job = ParseJob(environment.id, source, commit, environment.adapter.value, dict(environment.settings),
                           secrets)  # fmt: skip
            manifest = await self._parser.parse(job)
            target = IngestTarget(
                project.slug, environment.slug, create_missing=False, same_project=True, commit_sha=commit, current=own
            )
            report = await self._ingest.ingest(Access.system(scope), target, [ArtifactFile("manifest.json", manifest)])
            async with self._units() as uow:
                ingested = await uow.graphs(scope).versions_by_ids(
                    [report.graph_version_id] if report.graph_version_id else []
                )
        if not ingested:
            raise NotFoundError("the commit's graph version is gone")
        return CommitGraph(commit, ingested[0], parsed=True)
