"""Run tests: real git repositories, real dbt on DuckDB (and PostgreSQL), real workers on the test database."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dvt.adapters.db.engine import plain_dsn
from dvt.adapters.queue.worker import RunWorker
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.run_records import RunRecord
from dvt.application.services import Services
from dvt.domain.identity import SYSTEM
from dvt.domain.runs import RunStatus
from dvt.domain.tenancy import Environment, TenantScope
from tests.support import migrations
from tests.support.dbt_repos import demo_repo, git, parse

FINISH_SECONDS = 180  # a generous bound on a dbt run here; tests assert outcomes, never durations
SWEEP_SECONDS = 0.5  # test workers sweep often: a run the sweep must start does not keep a test waiting


@pytest.fixture
def fresh_database(database_url: str) -> Iterator[str]:
    """An empty database of its own, next to the session's, for a migration test."""
    with migrations.fresh_database(database_url) as url:
        yield url


@dataclass
class Place:
    """A tenant with one project (a git repository) and its environment, holding the parsed graph."""

    services: Services
    scope: TenantScope
    access: Access
    environment: Environment
    repo: Path
    tenant_slug: str


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    repo = demo_repo(tmp_path_factory.mktemp("repos") / "demo")
    return repo, parse(repo, tmp_path_factory.mktemp("parse"))


async def make_place(
    services: Services,
    repo: Path,
    manifest: bytes,
    *,
    adapter: str = "duckdb",
    settings: dict[str, object] | None = None,
) -> Place:
    tenant = await services.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")
    scope = TenantScope(tenant.id)
    access = Access.system(scope)
    await services.tenancy.create_project(access, "shop", str(repo))
    environment = await services.tenancy.create_environment(
        access, "shop", "dev", adapter, git_ref="main", settings=settings or {"path": "demo.duckdb"}
    )
    # The manifest is the parse of the repository's head: runs planned from that commit reuse it, no parse.
    target = IngestTarget("shop", "dev", create_missing=False, commit_sha=git(repo, "rev-parse", "HEAD").strip())
    await services.ingest.ingest(access, target, [ArtifactFile("manifest.json", manifest)])
    return Place(services, scope, access, environment, repo, tenant.slug)


@pytest.fixture(autouse=True)
async def no_run_left_waiting(app: Services, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """Cancel, after each test, the runs it triggered and left unfinished. A worker takes jobs first come first
    served, whatever their tenant: a run left queued here was built by the next test's worker, before its own."""
    triggered: list[tuple[Access, uuid.UUID]] = []
    trigger = app.runs.trigger

    async def recording(access: Access, *args: Any, **kwargs: Any) -> RunRecord:
        run = await trigger(access, *args, **kwargs)
        triggered.append((access, run.id))
        return run

    monkeypatch.setattr(app.runs, "trigger", recording)
    yield
    for access, run_id in triggered:
        with contextlib.suppress(Exception):  # most have finished: a finished run is not canceled again
            await app.runs.cancel(access, run_id)


@pytest.fixture
async def place(app: Services, demo: tuple[Path, bytes]) -> Place:
    return await make_place(app, *demo)


@pytest.fixture
def variant(tmp_path: Path) -> Callable[[Mapping[str, str | None]], tuple[Path, bytes]]:
    """The demo project with changes, as a repository and its parsed manifest."""

    def make(changes: Mapping[str, str | None]) -> tuple[Path, bytes]:
        name = uuid.uuid4().hex[:8]
        repo = demo_repo(tmp_path / name, changes)
        return repo, parse(repo, tmp_path / f"{name}-parse")

    return make


@contextlib.asynccontextmanager
async def workers(services: Services, count: int = 1, heartbeat: float = 30) -> AsyncIterator[list[RunWorker]]:
    """`count` real workers in this process, taking jobs from the test database's queue (and sweeping it)."""
    taken = [
        RunWorker(
            plain_dsn(services.database_url),
            services.run_executor,
            services.run_planner,
            heartbeat_timeout=timedelta(seconds=heartbeat),
            poll=timedelta(seconds=0.5),
            sweep=services.runs.sweep,
            sweep_every=timedelta(seconds=SWEEP_SECONDS),
        )
        for _ in range(count)
    ]
    tasks = [asyncio.create_task(w.run()) for w in taken]
    try:
        yield taken
    finally:
        for w in taken:
            w.stop()
        for task in tasks:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 60)


@pytest.fixture
async def worker(app: Services) -> AsyncIterator[RunWorker]:
    async with workers(app) as taken:
        yield taken[0]


async def finished(services: Services, scope: TenantScope, run_id: uuid.UUID) -> RunRecord:
    async with asyncio.timeout(FINISH_SECONDS):
        while True:
            run = await services.runs.run(Access.system(scope), run_id)
            assert run is not None
            if RunStatus(run.status).finished:
                return run
            await asyncio.sleep(0.2)


async def reaches(
    services: Services, scope: TenantScope, run_id: uuid.UUID, kind: str, unique_id: str | None = None
) -> None:
    """Wait, following the run's events, until it has one of this kind (of this node, when given)."""
    async with asyncio.timeout(FINISH_SECONDS):
        async for batch in services.runs.follow_events(Access.system(scope), run_id, 0):
            if any(e.kind == kind and unique_id in (None, e.unique_id) for e in batch):
                return
    raise AssertionError(f"run {run_id} finished without a {kind} event")
