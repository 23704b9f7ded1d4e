"""A plan is made with Python's cyclic collector paused (its full passes over two graphs in memory were a third
of a big plan's time), and the collector runs again afterwards."""

from __future__ import annotations

import gc

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.plans import PlanService
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.plan.context import PlanContext
from dvt.domain.plan.plan import Decision, PlanRequest
from dvt.domain.plan.policies.registry import PolicyRegistry
from dvt.domain.tenancy import TenantScope
from tests.integration.test_graph_loading import JAFFLE


class CollectorSpy:
    id = "collector_spy"
    version = "1"

    def __init__(self) -> None:
        self.seen: list[bool] = []

    def evaluate(self, context: PlanContext) -> list[Decision]:
        self.seen.append(gc.isenabled())
        return []


async def test_a_plan_is_made_with_the_collector_paused_and_it_runs_again_after(
    app: Services, scope: TenantScope, settings: Settings
) -> None:
    access = Access.system(scope)
    await app.ingest.ingest(access, IngestTarget("gc", "prod"), [ArtifactFile("manifest.json", JAFFLE.read_bytes())])
    environment = await app.tenancy.environment(access, "gc", "prod")
    spy = CollectorSpy()
    registry = PolicyRegistry()
    registry.register(spy)
    assert settings.database_url
    engine = create_engine(settings.database_url)
    try:
        service = PlanService(lambda: SqlUnitOfWork(create_session_factory(engine)), registry)
        assert gc.isenabled()
        await service.create(access, environment.id, PlanRequest(select=("state:modified+",)))
    finally:
        await engine.dispose()
    assert spy.seen == [False]
    assert gc.isenabled()
