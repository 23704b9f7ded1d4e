"""Job tests: a tenant with an environment holding a real manifest's graph, and a clock the test sets."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.job_scheduler import JobScheduler
from dvt.application.jobs import JobDefinition, JobService
from dvt.application.ports import UnitOfWork
from dvt.application.run_moves import move
from dvt.application.run_records import RunQuery, RunRecord
from dvt.application.services import Services
from dvt.domain.identity import SYSTEM
from dvt.domain.jobs import JobStep
from dvt.domain.runs import RunStatus
from dvt.domain.tenancy import Environment, TenantScope
from tests.conftest import FIXTURES

MANIFEST = FIXTURES / "yu-iskw__dbt-artifacts-parser" / "manifest_1.11__v12__jaffle_shop.json"


class Clock:
    """A clock the test moves: schedules are computed and checked on it, never on the wall clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Place:
    services: Services
    scope: TenantScope
    access: Access
    environment: Environment
    tenant_slug: str
    clock: Clock
    jobs: JobService  # on the test's clock, sharing the app's run service
    scheduler: JobScheduler


async def make_place(services: Services, clock: Clock, *, ingest: bool = True) -> Place:
    tenant = await services.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")
    scope = TenantScope(tenant.id)
    access = Access.system(scope)
    await services.tenancy.create_project(access, "shop", "/nonexistent/repository")
    environment = await services.tenancy.create_environment(
        access, "shop", "dev", "duckdb", git_ref="main", settings={"path": "demo.duckdb"}
    )
    if ingest:
        await services.ingest.ingest(
            access,
            IngestTarget("shop", "dev", create_missing=False),
            [ArtifactFile("manifest.json", MANIFEST.read_bytes())],
        )
    units = services.jobs._units
    runs = services.jobs._runs
    return Place(
        services, scope, access, environment, tenant.slug, clock,
        JobService(units, runs, clock=clock), JobScheduler(units, runs, clock=clock),
    )  # fmt: skip


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 20, 9, 59, 30, tzinfo=UTC))


@pytest.fixture
async def place(app: Services, clock: Clock) -> AsyncIterator[Place]:
    made = await make_place(app, clock)
    yield made
    await clean_up(made)


async def clean_up(place: Place) -> None:
    """No job of a test is left for another test's scheduler to fire (schedulers serve every tenant), and no
    run for another test's worker to take."""
    async with place.services.jobs._units() as uow:
        session = uow.session  # type: ignore[attr-defined]
        await session.execute(text("DELETE FROM jobs WHERE tenant_id = :t"), {"t": place.scope.tenant_id})
        # Ended in one statement (hundreds of runs one cancel at a time took a minute): a worker that takes one
        # of their queued jobs finds the run ended and does nothing.
        unfinished = [s.value for s in RunStatus if not s.finished]
        await session.execute(
            text("UPDATE runs SET status = 'canceled', finished_at = now() WHERE tenant_id = :t AND status = ANY(:s)"),
            {"t": place.scope.tenant_id, "s": unfinished},
        )
        await uow.commit()


def definition(name: str, step: str = "build -s stg_customers", **values: object) -> JobDefinition:
    return JobDefinition(name=name, steps=(JobStep.parse(step),), **values)  # type: ignore[arg-type]


async def end_run(place: Place, run_id: uuid.UUID, status: RunStatus) -> RunRecord:
    """End a run as workers would (planned, then through `running`), telling the listeners in one transaction."""
    async with place.services.jobs._units() as uow:
        run = await uow.runs(place.scope).get(run_id, for_update=True)
        assert run is not None
        ended = await end_in(uow, place, run, status)
        await uow.commit()
    return ended


async def end_in(uow: UnitOfWork, place: Place, run: RunRecord, status: RunStatus) -> RunRecord:
    """`end_run` in the caller's transaction, which holds the run's lock."""
    if run.status == RunStatus.PLANNING.value:  # no worker plans it here: as if its plan needed no approval
        run = await move(uow, place.scope, run, RunStatus.AWAITING_WORKER)
    if run.status == RunStatus.AWAITING_APPROVAL.value:
        run = await move(uow, place.scope, run, RunStatus.AWAITING_WORKER)
    if run.status == RunStatus.AWAITING_WORKER.value:
        run = await move(uow, place.scope, run, RunStatus.RUNNING)
    ended = await move(uow, place.scope, run, status)
    await place.services.runs.ended(uow, place.scope, ended)
    return ended


async def job_runs(place: Place, job_id: uuid.UUID) -> list[RunRecord]:
    page = await place.jobs.runs(place.access, job_id, RunQuery(limit=1000))
    return list(reversed(page.items))  # oldest first
