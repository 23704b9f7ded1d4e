"""A database outage mid-run, longer than a worker's patience: the run still ends with its true outcome.

The test has a PostgreSQL server of its own and a `dvt worker` process on it that runs the run; a second
worker (in the test's process, as `dvt serve` embeds one) is there to declare the first lost, as it would
after a real outage. The server is killed while dbt runs and comes back after several patiences.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest

from dvt.adapters.db.engine import plain_dsn
from dvt.adapters.db.migrate import upgrade_async
from dvt.adapters.queue.worker import RunWorker, run_forever
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.runs import RunStatus
from tests.runs.conftest import FINISH_SECONDS, finished, make_place, reaches
from tests.runs.test_runs import Variant, approve_and_trigger, explain
from tests.runs.test_runs_process import dvt_env
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.server import dvt_worker

__all__ = ["private_postgres"]  # the fixture: a PostgreSQL server of the test's own

PATIENCE = 2  # DVT_WORKER_HEARTBEAT_SECONDS of both workers: a worker silent this long may be declared lost
OUTAGE = 4 * PATIENCE  # each outage: several patiences long (a worker judged on its silence alone is lost)
FIRST_SLEEP = PATIENCE * 2  # ends during the first outage: its end and the next start wait on the worker's disk
# Still running when the database is back (it must not be declared lost), ends in the second outage, which
# starts a few seconds after the first ends: FIRST_SLEEP + SECOND_SLEEP falls between OUTAGE and 2 * OUTAGE.
SECOND_SLEEP = 10
SLOW_THEN_MORE = {
    "models/marts/finance/slow_1.py": (
        "import time\n\n\ndef model(dbt, session):\n    dbt.config(materialized='table')\n"
        f"    dbt.ref('stg_orders')\n    time.sleep({FIRST_SLEEP})\n    return session.sql('select 1 as x')\n"
    ),
    "models/marts/finance/slow_2.py": (
        "import time\n\n\ndef model(dbt, session):\n    dbt.config(materialized='table')\n"
        f"    dbt.ref('slow_1')\n    time.sleep({SECOND_SLEEP})\n    return session.sql('select 1 as x')\n"
    ),
    "models/marts/finance/after_slow.sql": "select * from {{ ref('slow_2') }}\n",
}


@pytest.fixture
def server(private_postgres: PrivatePostgres) -> PrivatePostgres:
    return private_postgres


@pytest.fixture
async def outage_app(server: PrivatePostgres, settings: Settings, tmp_path: Path) -> AsyncIterator[Services]:
    own = Settings(
        database_url=server.url, data_dir=tmp_path / "app", secret_keys=settings.secret_keys,
        rate_limit_per_minute=1_000_000,
    )  # fmt: skip
    await upgrade_async(server.url)
    async with services(own, migrate=False) as built:
        yield built


@pytest.fixture
def worker_process(server: PrivatePostgres, settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """A `dvt worker` process on the test's server, with a short patience; yields its log file."""
    own = Settings(database_url=server.url, data_dir=tmp_path, secret_keys=settings.secret_keys)
    env = dvt_env(own, tmp_path / "worker", DVT_WORKER_HEARTBEAT_SECONDS=str(PATIENCE))
    log = tmp_path / "worker.log"
    with dvt_worker(env, log):
        yield log


@contextlib.asynccontextmanager
async def watcher(app: Services) -> AsyncIterator[None]:
    """A second worker, as `dvt serve` embeds one: it outlives the outage and may declare the first lost."""
    stop = asyncio.Event()

    def worker() -> RunWorker:
        patience, poll = timedelta(seconds=PATIENCE), timedelta(seconds=0.5)
        return RunWorker(
            plain_dsn(app.database_url), app.run_executor, app.run_planner, heartbeat_timeout=patience, poll=poll
        )

    task = asyncio.create_task(run_forever(worker, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def outage(server: PrivatePostgres) -> None:
    await asyncio.to_thread(server.kill)
    await asyncio.sleep(OUTAGE)
    await asyncio.to_thread(server.start)


async def workers_listening(url: str, count: int) -> None:
    """Wait until `count` workers take jobs from the queue (each holds one `dvt-queue` connection)."""
    connection = await asyncpg.connect(plain_dsn(url))
    query = "select count(*) from pg_stat_activity where application_name = 'dvt-queue'"
    try:
        async with asyncio.timeout(120):
            while int(await connection.fetchval(query)) < count:  # noqa: ASYNC110 (another process's state)
                await asyncio.sleep(0.5)
    finally:
        await connection.close()


async def test_a_database_outage_longer_than_the_patience_loses_nothing_and_the_run_ends_success(
    server: PrivatePostgres,
    outage_app: Services,
    worker_process: Path,
    variant: Variant,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = outage_app
    await workers_listening(server.url, 1)
    place = await make_place(app, *variant(SLOW_THEN_MORE))
    run = await approve_and_trigger(place)
    await reaches(app, place.scope, run.id, "node_started", "model.demo_shop.slow_1")
    looked = f"run {run.id} is still held by"
    async with watcher(app):
        await outage(server)  # slow_1 ends and slow_2 starts meanwhile
        async with asyncio.timeout(FINISH_SECONDS):
            while looked not in caplog.text:
                current = await app.runs.run(place.access, run.id)
                assert current is not None and current.status == RunStatus.RUNNING.value, current
                await asyncio.sleep(0.2)
        await outage(server)  # dbt ends meanwhile: its last reports and its outcome wait on the worker's disk
        done = await finished(app, place.scope, run.id)
    worker_log = await asyncio.to_thread(worker_process.read_text, errors="replace")
    assert done.status == RunStatus.SUCCESS.value, await explain(app, place, done) + worker_log[-8000:]
    events = await app.runs.events(place.access, run.id, 0, 10_000)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))  # in order, none lost, none doubled
    assert (events[-1].kind, events[-1].status) == ("status", "success")  # the terminal status is the last event
    assert [e.status for e in events if e.kind == "status"] == [
        "queued", "planning", "awaiting_worker", "running", "success",
    ]  # fmt: skip
    assert not [e for e in events if e.kind == "worker_lost"]
    finishes = [e.unique_id for e in events if e.kind == "node_finished"]
    assert len(finishes) == len(set(finishes))
    assert {"model.demo_shop.slow_1", "model.demo_shop.slow_2", "model.demo_shop.after_slow"} <= set(finishes)
    assert any(e.kind == "invocation_finished" for e in events)
    assert done.graph_version_id is not None and {"manifest.json", "run_results.json"} <= set(done.artifacts)
    nodes = {n.unique_id: n.status for n in await app.runs.nodes(place.access, [run.id])}
    assert set(nodes.values()) <= {"success", "pass", "ephemeral", "no-op"}, nodes  # no-op: the exposure
    logs = await app.runs.logs(place.access, run.id, 0, 10_000)
    assert any("Completed successfully" in chunk.text for chunk in logs)
