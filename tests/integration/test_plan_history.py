"""A server keeps a selection's history and estimates between plans; results that arrive (or attach to their graph
version) move the environment's history mark, and the next plan reads the history again."""

from __future__ import annotations

from pathlib import Path

import orjson

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.plan.plan import Confidence, ExecutionPlan, PlanRequest
from dvt.domain.tenancy import TenantScope
from tests.conftest import FIXTURES

FOLDER = FIXTURES / "yu-iskw__dbt-artifacts-parser"
MANIFEST = FOLDER / "manifest_1.12__v12__jaffle_shop.json"
# The same invocation as MANIFEST; dbt wrote it for `docs generate`, which is no history: read as a `dbt build`'s.
_GENERATED = orjson.loads((FOLDER / "run_results_1.12__v6__jaffle_shop.json").read_bytes())
RESULTS = ArtifactFile(
    "run_results.json", orjson.dumps({**_GENERATED, "args": {**_GENERATED["args"], "which": "build"}})
)


async def _ingest(app: Services, scope: TenantScope, *files: Path | ArtifactFile) -> None:
    read = [f if isinstance(f, ArtifactFile) else ArtifactFile(f.name, f.read_bytes()) for f in files]
    await app.ingest.ingest(Access.system(scope), IngestTarget("hist", "prod"), read)


async def _confidences(app: Services, scope: TenantScope) -> tuple[str, set[Confidence]]:
    access = Access.system(scope)
    environment = await app.tenancy.environment(access, "hist", "prod")
    stored = await app.plans.create(access, environment.id, PlanRequest(select=("fqn:*",)))
    plan = ExecutionPlan.from_document(stored.document)
    return stored.fingerprint, {i.estimate.confidence for i in plan.executed()}


async def test_results_ingested_after_a_plan_are_in_the_next_plan(app: Services, scope: TenantScope) -> None:
    await _ingest(app, scope, MANIFEST)
    before, confidences = await _confidences(app, scope)
    assert confidences == {Confidence.NONE}
    again, _ = await _confidences(app, scope)
    assert again == before  # nothing moved: the same plan

    await _ingest(app, scope, RESULTS)
    after, confidences = await _confidences(app, scope)
    assert after != before
    assert Confidence.HISTORY in confidences


async def test_the_mark_moves_when_results_attach_and_stays_when_nothing_is_written(
    app: Services, scope: TenantScope, settings: Settings
) -> None:
    assert settings.database_url
    engine = create_engine(settings.database_url)
    try:
        units = create_session_factory(engine)

        async def mark() -> tuple[int, int]:
            environment = await app.tenancy.environment(Access.system(scope), "hist", "prod")
            async with SqlUnitOfWork(units) as uow:
                return await uow.results(scope).history_mark(environment.id)

        await _ingest(app, scope, RESULTS)  # kept unattached: the environment has no graph yet
        unattached = await mark()
        assert unattached[0] == 1
        assert await mark() == unattached  # read twice, nothing written: the same mark
        await _ingest(app, scope, MANIFEST)  # its manifest arrives: the results attach to that version
        assert await mark() != unattached
    finally:
        await engine.dispose()
