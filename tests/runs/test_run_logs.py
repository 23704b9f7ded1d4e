"""A run's log is grouped once, by the runner: each chunk it sends is stored as it came, in the order it came,
streams interleaved as dbt wrote them (the sink no longer regroups lines per stream)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dvt.adapters.artifacts.readers import read_artifact
from dvt.adapters.artifacts.store import LocalArtifactStore
from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.run_execution import RunExecutor
from dvt.application.run_ports import RunLimits, RunnerOutcome, RunSink, RunSpec
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.runs import RunStatus
from tests.runs.conftest import Place
from tests.runs.test_runs import approve_and_trigger

# A stream comes back after another: a per-stream buffer would have stored "one two four" as one chunk.
CHUNKS = [
    ("dbt", ["start"]), ("stdout", ["one", "two"]), ("stderr", ["three"]), ("stdout", ["four"]), ("dbt", ["five"]),
]  # fmt: skip


@dataclass
class LoggingRunner:
    """Sends the log chunks a real runner's batcher would, then ends as dbt does with nothing to report."""

    async def execute(self, spec: RunSpec, sink: RunSink) -> RunnerOutcome:
        for stream, lines in CHUNKS:
            await sink.log(stream, lines)
        return RunnerOutcome(exit_code=0)


@pytest.fixture
async def executor(app: Services, settings: Settings, tmp_path: Path) -> AsyncIterator[Callable[[], RunExecutor]]:
    engine = create_engine(settings.database_url or "", pool_size=2)
    sessions = create_session_factory(engine)
    yield lambda: RunExecutor(
        lambda: SqlUnitOfWork(sessions), app.runs, app.plans, app.secrets, app.ingest,
        LocalArtifactStore(tmp_path / "store"), LoggingRunner(), read=read_artifact, work_root=tmp_path / "work",
        limits=RunLimits(), worker_id="test-worker",
    )  # fmt: skip
    await engine.dispose()


async def test_log_chunks_are_stored_as_the_runner_sent_them_in_order(
    app: Services, place: Place, executor: Callable[[], RunExecutor]
) -> None:
    run = await approve_and_trigger(place, ("stg_orders",))
    assert await executor().execute(place.scope.tenant_id, run.id) == RunStatus.SUCCESS
    chunks = await app.runs.logs(place.access, run.id, 0, 100)
    assert [(c.stream, c.text.split("\n"), c.line_count) for c in chunks] == [
        (stream, lines, len(lines)) for stream, lines in CHUNKS
    ]
