"""What a worker does with a run: claim it, hand it to the dbt runner, record what dbt reports, and end it.

The rooms: `run_claim` (the claim, one transaction), `run_spec` (what the runner is given), `run_sink` (dbt's
reports as they arrive, so a subscriber sees a node finish while dbt is still running; what the database cannot
take is spooled on the worker's disk and delivered in order when it is back) and `run_outcome` (the run's end,
delivered after everything else, so the terminal status is always the run's last event).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dvt.application.access import Access
from dvt.application.ingest import IngestService
from dvt.application.plans import PlanService
from dvt.application.ports import ArtifactReader, ArtifactStore, UnitOfWorkFactory
from dvt.application.run_claim import Claim, Claimant, claim
from dvt.application.run_outcome import DbtResults, end_run, keep_artifacts
from dvt.application.run_ports import DbtRunner, NoMetrics, RunLimits, RunMetrics, RunnerOutcome
from dvt.application.run_sink import (
    BACKOFF_FIRST,
    BACKOFF_MAX,
    DatabaseContact,
    RunSink,
    RunStillHeld,
    SpoolExpired,
    keep_outcome,
)
from dvt.application.run_spec import run_spec
from dvt.application.run_spool import RunSpool
from dvt.application.runs import RunService
from dvt.application.secrets import SecretService
from dvt.domain.errors import DomainError
from dvt.domain.runs import RunStatus
from dvt.domain.tenancy import Environment, TenantScope

log = logging.getLogger(__name__)

DEFAULT_PATIENCE = timedelta(seconds=30)  # DVT_WORKER_HEARTBEAT_SECONDS


class RunExecutor:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        runs: RunService,
        plans: PlanService,
        secrets: SecretService,
        ingest: IngestService,
        store: ArtifactStore,
        runner: DbtRunner,
        *,
        read: ArtifactReader,
        work_root: Path,
        limits: RunLimits,
        worker_id: str,
        retry_lost: bool = False,
        retention: timedelta | None = None,
        metrics: RunMetrics | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        spool_for: timedelta = timedelta(hours=24),
    ) -> None:
        self.metrics = metrics or NoMetrics()
        self.contact = DatabaseContact()  # the worker adapter reports its connections here too
        self._spool_for = spool_for
        self._units = units
        self._runs = runs
        self._plans = plans
        self._secrets = secrets
        self._ingest = ingest
        self._store = store
        self._runner = runner
        self._read = read  # run_results.json, read as ingestion reads it
        self._work_root = work_root.resolve()
        self._limits = limits
        self.worker_id = worker_id
        self._retry_lost = retry_lost
        self._retention = retention
        self._clock = clock

    async def maintain(self) -> None:
        """Periodic upkeep a worker does between runs: retention of old runs' events and logs."""
        if self._retention is not None:
            events, chunks = await self._runs.prune(self._retention)
            if events or chunks:
                log.info("retention: deleted %d events and %d log chunks of old runs", events, chunks)

    async def execute(
        self, tenant_id: uuid.UUID, run_id: uuid.UUID, patience: timedelta = DEFAULT_PATIENCE
    ) -> RunStatus | None:
        """Run one queued job; returns the run's final status, or None when there was nothing to do.

        `patience`: how long a worker may stay silent before its run is presumed lost. Raises `RunStillHeld`
        when the job was handed out again while the worker running it is (or may still be) alive.
        """
        scope = TenantScope(tenant_id)
        claim = await self._claim(scope, run_id, patience)
        if claim is None:  # a run the claim ended (lost, stale) freed its slot in the claim's transaction
            return None
        work_dir = self._work_root / f"{run_id}-{claim.run.attempt}"
        # A run's work directory holds a checkout and dbt's logs: removing one takes the event loop for seconds.
        await asyncio.to_thread(shutil.rmtree, work_dir, ignore_errors=True)
        work_dir.mkdir(parents=True)
        sink = RunSink(
            self._units, scope, claim.run, RunSpool(work_dir / "spool" / "reports.jsonl"), worker=self.worker_id,
            patience_seconds=patience.total_seconds(), contact=self.contact,
            keep_seconds=self._spool_for.total_seconds(),
        )  # fmt: skip
        sink.start()
        try:
            result, ephemeral = await self._run_dbt(scope, claim, work_dir, sink)
            keep_outcome(work_dir / "spool", result)
            await sink.drain()  # everything dbt reported is in the database before the outcome
            status = await self._deliver_outcome(scope, claim, result, sink, ephemeral)
        except SpoolExpired:
            log.error("run %s: gave up delivering after %s; what it owes is in %s", run_id, self._spool_for, work_dir)
            # Its job comes back after the patience; this worker is silent by then: the run ends worker_lost.
            raise RunStillHeld(run_id, self.worker_id, patience.total_seconds()) from None
        finally:
            await sink.close()
        await asyncio.to_thread(shutil.rmtree, work_dir, ignore_errors=True)
        return status

    async def _run_dbt(
        self, scope: TenantScope, claim: Claim, work_dir: Path, sink: RunSink
    ) -> tuple[RunnerOutcome, frozenset[str]]:
        ephemeral: frozenset[str] = frozenset()
        try:
            state_dir = self._state_dir(claim.environment)
            spec, ephemeral = await run_spec(
                self._units, self._secrets, scope, claim, work_dir, state_dir, self._limits
            )
            if spec.runs_anything():
                return await self._runner.execute(spec, sink), ephemeral
            # as dbt does with a selection that matches nothing: nothing to do is a success
            await sink.log("stderr", ["nothing to run: the plan runs no node"])
            return RunnerOutcome(exit_code=0), ephemeral
        except Exception as error:  # the runner must not take the worker down; the run must still end
            log.exception("run %s: the runner failed", claim.run.id)
            return RunnerOutcome(exit_code=None, error=f"internal error: {type(error).__name__}: {error}"), ephemeral

    async def _deliver_outcome(
        self, scope: TenantScope, claim: Claim, result: RunnerOutcome, sink: RunSink, ephemeral: frozenset[str]
    ) -> RunStatus | None:
        """Finish the run (artifacts, node results, terminal status), waiting out the database if need be."""
        deadline = time.monotonic() + self._spool_for.total_seconds()
        backoff = BACKOFF_FIRST
        sink.finishing = True
        while not sink.taken:
            try:
                return await self._finish(scope, claim, result, sink, ephemeral)
            except (DomainError, LookupError):
                raise
            except Exception:
                if time.monotonic() > deadline:
                    raise SpoolExpired(f"run {claim.run.id}: its outcome could not be delivered") from None
                log.warning("run %s: its outcome could not be delivered yet; retrying", claim.run.id, exc_info=True)
                self.contact.lost()
                await sink.wait_for_database(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
        current = await self._runs.run(Access.system(scope), claim.run.id)  # ended elsewhere: their verdict stands
        return RunStatus(current.status) if current else None

    async def _claim(self, scope: TenantScope, run_id: uuid.UUID, patience: timedelta) -> Claim | None:
        claimant = Claimant(self.worker_id, self._limits, self._retry_lost, self.contact.seconds())
        async with self._units() as uow:
            claimed = await claim(uow, self._plans, self._runs, scope, run_id, claimant, patience)
            await uow.commit()
        return claimed

    def _state_dir(self, environment: Environment) -> Path:
        kept = self._work_root / "environments" / str(environment.id)
        kept.mkdir(parents=True, exist_ok=True)
        return kept

    async def _finish(
        self, scope: TenantScope, claimed: Claim, result: RunnerOutcome, sink: RunSink, ephemeral: frozenset[str]
    ) -> RunStatus:
        dbt = DbtResults.read_all(self._read, result.artifacts)
        kept = await keep_artifacts(self._store, self._ingest, scope, claimed, result, dbt)
        async with self._units() as uow:
            final = await end_run(
                uow, self._runs, scope, claimed, result, sink.finished, ephemeral, kept, dbt,
                worker_id=self.worker_id, metrics=self.metrics, now=self._clock(),
            )  # fmt: skip
            await uow.commit()
        return final
