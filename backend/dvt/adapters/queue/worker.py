"""A worker: takes run jobs from pgqueuer and executes them, any number of workers on any machines.

pgqueuer records a heartbeat for each job a worker holds; a job whose heartbeat goes stale (the worker was
killed or lost the database) is handed out again. The executor then looks at the run's own heartbeat (which
the worker writes through its pool, so it resumes as soon as the database is back): a worker silent longer
than the patience is lost and its run ends `worker_lost`; one that may still be alive keeps its run, and the
job is put back to be looked at again after the patience (`RetryRequested`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import asyncpg
from pgqueuer.domain.errors import RetryRequested
from pgqueuer.domain.models import Job
from pgqueuer.qm import QueueManager
from pgqueuer.queries import Queries

from dvt.adapters.db.repositories.runs import PLANNING, RUN_JOB
from dvt.adapters.queue.sweep import sweep_forever
from dvt.application.run_execution import RunExecutor
from dvt.application.run_planning import RunPlanner
from dvt.application.run_sink import RunStillHeld

log = logging.getLogger(__name__)
MAINTENANCE_SECONDS = 3600


class RunWorker:
    def __init__(
        self,
        dsn: str,
        executor: RunExecutor,
        planner: RunPlanner,
        *,
        concurrency: int = 2,
        heartbeat_timeout: timedelta = timedelta(seconds=30),
        poll: timedelta = timedelta(seconds=5),
        sweep: Callable[[], Awaitable[int]] | None = None,
        sweep_every: timedelta = timedelta(seconds=30),
    ) -> None:
        self._dsn = dsn
        self._executor = executor
        self._planner = planner
        self._concurrency = max(2, concurrency)
        self._heartbeat = heartbeat_timeout
        self._poll = poll
        self._sweep = sweep
        self._sweep_every = sweep_every
        self._manager: QueueManager | None = None
        self._connection: asyncpg.Connection | None = None

    async def run(self) -> None:
        """Process jobs until `stop` is called (or the connection is lost: then raise, the caller restarts)."""
        try:
            self._connection = await asyncpg.connect(self._dsn, server_settings={"application_name": "dvt-queue"})
        except Exception:
            self._executor.contact.lost()
            raise
        self._executor.contact.reached()
        manager = self._manager = QueueManager(Queries.from_asyncpg_connection(self._connection))
        executor = self._executor

        @manager.entrypoint(RUN_JOB)
        async def execute_run(job: Job) -> None:
            tenant, run, *planning = (job.payload or b"").decode().split(":")
            executor.metrics.worker_busy(1)
            try:
                if planning == [PLANNING]:
                    await self._planner.plan(uuid.UUID(tenant), uuid.UUID(run))
                else:
                    await executor.execute(uuid.UUID(tenant), uuid.UUID(run), self._heartbeat)
            except RunStillHeld as held:
                log.warning("%s", held)
                raise RetryRequested(timedelta(seconds=held.retry_after), str(held)) from None
            finally:
                executor.metrics.worker_busy(-1)

        executor.metrics.worker_capacity(self._concurrency)
        upkeep = asyncio.create_task(self._maintain())
        sweeping = asyncio.create_task(sweep_forever(self._sweep, self._sweep_every))
        try:
            await manager.run(
                dequeue_timeout=self._poll,
                batch_size=1,
                max_concurrent_tasks=self._concurrency,
                heartbeat_timeout=self._heartbeat,
            )
        except Exception:
            executor.contact.lost()
            raise
        finally:
            upkeep.cancel()
            sweeping.cancel()
            executor.metrics.worker_capacity(-self._concurrency)
            with contextlib.suppress(Exception):
                await self._connection.close()

    async def _maintain(self) -> None:
        while True:
            try:
                await self._executor.maintain()
            except Exception:  # upkeep must never stop the worker; it tries again next time
                log.warning("worker upkeep failed", exc_info=True)
            await asyncio.sleep(MAINTENANCE_SECONDS)

    def stop(self) -> None:
        if self._manager is not None:
            self._manager.shutdown.set()


async def run_forever(worker_factory: Callable[[], RunWorker], stop: asyncio.Event) -> None:
    """Keep a worker running across database restarts until `stop` is set."""
    while not stop.is_set():
        worker = worker_factory()
        task = asyncio.create_task(worker.run())
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            worker.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 30)
            return
        stopper.cancel()
        error = task.exception()
        log.warning("worker stopped (%s); restarting in 2 s", error)
        await asyncio.sleep(2)
