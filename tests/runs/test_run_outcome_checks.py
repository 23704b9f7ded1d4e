"""A run ends with what dbt did checked against its plan (issue 11, D1): dbt running nodes the plan did not,
or writing another dbt project's manifest, fails the run, never a success, keeping its events and results.

The worker's own code finishes the run on the real database; the dbt runner is a fake here, since the point
is what happens after dbt reports, and real dbt can no longer be talked into running another project.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dvt.adapters.artifacts.readers import read_artifact
from dvt.adapters.artifacts.store import LocalArtifactStore
from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.run_execution import RunExecutor
from dvt.application.run_ports import RunLimits, RunnerEvent, RunnerOutcome, RunSink, RunSpec
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.runs import RunEventKind, RunStatus
from tests.api.test_plans_api import run_results
from tests.conftest import FIXTURES
from tests.runs.conftest import Place
from tests.runs.test_runs import approve_and_trigger

PLANNED = "model.demo_shop.stg_orders"
UNPLANNED = "model.other_project.on_disk_elsewhere"
OTHER_PROJECT = FIXTURES / "yu-iskw__dbt-artifacts-parser" / "manifest_1.11__v12__jaffle_shop.json"


@dataclass
class ReportingRunner:
    """Reports a node as dbt would, then hands back the artifacts it was given."""

    artifacts: dict[str, bytes]
    specs: list[RunSpec] = field(default_factory=list)

    async def execute(self, spec: RunSpec, sink: RunSink) -> RunnerOutcome:
        self.specs.append(spec)
        now = datetime.now(UTC)
        await sink.event(RunnerEvent(RunEventKind.NODE_STARTED, now, unique_id=PLANNED))
        await sink.event(RunnerEvent(RunEventKind.NODE_FINISHED, now, unique_id=PLANNED, status="success"))
        return RunnerOutcome(exit_code=0, artifacts=self.artifacts)


@pytest.fixture
async def executor_for(app: Services, settings: Settings, tmp_path: Path) -> AsyncIterator[type[RunExecutor] | object]:
    engine = create_engine(settings.database_url or "", pool_size=2)
    sessions = create_session_factory(engine)

    def make(runner: ReportingRunner) -> RunExecutor:
        return RunExecutor(
            lambda: SqlUnitOfWork(sessions), app.runs, app.plans, app.secrets, app.ingest,
            LocalArtifactStore(tmp_path / "store"), runner, read=read_artifact, work_root=tmp_path / "work",
            limits=RunLimits(),
            worker_id="test-worker",
        )  # fmt: skip

    yield make
    await engine.dispose()


async def run_with(place: Place, executor_for: object, artifacts: dict[str, bytes]) -> uuid.UUID:
    run = await approve_and_trigger(place, ("stg_orders",))
    executor = executor_for(ReportingRunner(artifacts))  # type: ignore[operator]
    status = await executor.execute(place.scope.tenant_id, run.id)
    assert status is not None, "the executor claimed and finished the run"
    return run.id


async def test_dbt_running_nodes_the_plan_did_not_fails_the_run(
    place: Place, demo: tuple[Path, bytes], executor_for: object
) -> None:
    results = run_results("manifest.json", str(uuid.uuid4()), {PLANNED: 0.1, UNPLANNED: 0.1})
    run_id = await run_with(place, executor_for, {"run_results.json": results, "manifest.json": demo[1]})

    run = await place.services.runs.run(place.access, run_id)
    assert run is not None and run.status == RunStatus.FAILED.value, run
    assert run.reason is not None and run.reason.startswith("selection_mismatch:") and UNPLANNED in run.reason
    events = await place.services.runs.events(place.access, run_id, 0, 1000)
    assert [e.kind for e in events if e.kind in ("node_finished", "selection_mismatch")] == [
        "node_finished",
        "selection_mismatch",
    ]
    assert events[-1].kind == "status" and events[-1].status == "failed"
    nodes = {n.unique_id: n.status for n in await place.services.runs.nodes(place.access, [run_id])}
    assert nodes[PLANNED] == "success", "the node results are kept"


async def test_a_manifest_of_another_project_fails_the_run_and_is_not_the_environments_graph(
    place: Place, executor_for: object
) -> None:
    before = await place.services.graph.versions(place.access, place.environment.id, None, 10)
    results = run_results("manifest.json", str(uuid.uuid4()), {PLANNED: 0.1})
    artifacts = {"run_results.json": results, "manifest.json": OTHER_PROJECT.read_bytes()}
    run_id = await run_with(place, executor_for, artifacts)

    run = await place.services.runs.run(place.access, run_id)
    after = await place.services.graph.versions(place.access, place.environment.id, None, 10)
    assert run is not None and run.status == RunStatus.FAILED.value, run
    assert run.reason is not None and run.reason.startswith("artifacts_refused:") and "'jaffle_shop'" in run.reason
    assert run.graph_version_id is None
    assert [v.id for v in after.items] == [v.id for v in before.items]
    events = await place.services.runs.events(place.access, run_id, 0, 1000)
    assert "ingest_failed" in [e.kind for e in events]
