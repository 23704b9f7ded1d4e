"""What a worker does with a run: claim it, hand it to the dbt runner, record what dbt reports, and finish it.

Events are written as they arrive (`run_sink.py`), so a subscriber sees a node finish while dbt is still
running. What the database cannot take (it is restarting, or away for an hour) is spooled on the worker's
disk and delivered in order when it is back; the outcome is delivered after everything else, so the terminal
status is always the run's last event.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestService, IngestTarget
from dvt.application.plans import PlanService
from dvt.application.ports import ArtifactStore, UnitOfWorkFactory
from dvt.application.records import PlanRecord
from dvt.application.run_ports import (
    DbtRunner,
    NoMetrics,
    QueryTag,
    RunLimits,
    RunMetrics,
    RunnerOutcome,
    RunSpec,
)
from dvt.application.run_records import NewRunEvent, RunRecord
from dvt.application.run_sink import (
    BACKOFF_FIRST,
    BACKOFF_MAX,
    DatabaseContact,
    RunSink,
    RunStillHeld,
    SpoolExpired,
    holds,
    keep_outcome,
)
from dvt.application.run_spool import RunSpool
from dvt.application.runs import RunService, move, plan_items
from dvt.application.secrets import SecretService
from dvt.domain.errors import DomainError, ValidationError
from dvt.domain.plan.context import RUNNABLE
from dvt.domain.plan.estimate import RateCard
from dvt.domain.plan.plan import PlanStatus
from dvt.domain.runs import FailureReason, RunStatus, outcome, worker_presumed_lost
from dvt.domain.tenancy import Environment, Project, TenantScope

log = logging.getLogger(__name__)

INGESTED = ("manifest.json", "run_results.json", "catalog.json", "sources.json")
EPHEMERAL = "ephemeral"
DEFAULT_PATIENCE = timedelta(seconds=30)  # DVT_WORKER_HEARTBEAT_SECONDS
REGRESSION_FACTOR = 3  # actual above 3x the plan's p50 estimate, and by more than a second's worth


@dataclass(frozen=True, slots=True)
class _Claim:
    run: RunRecord
    plan: PlanRecord
    environment: Environment
    project: Project


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
        if claim is None:
            await self._runs.dispatch(scope)
            return None
        work_dir = self._work_root / f"{run_id}-{claim.run.attempt}"
        shutil.rmtree(work_dir, ignore_errors=True)
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
        shutil.rmtree(work_dir, ignore_errors=True)
        try:
            await self._runs.dispatch(scope)
        except Exception:  # the run has ended; the next run's end or the next job dispatches the queue
            log.warning("dispatch after run %s failed", run_id, exc_info=True)
        return status

    async def _run_dbt(
        self, scope: TenantScope, claim: _Claim, work_dir: Path, sink: RunSink
    ) -> tuple[RunnerOutcome, frozenset[str]]:
        ephemeral: frozenset[str] = frozenset()
        try:
            spec, ephemeral = await self._spec(scope, claim, work_dir)
            if spec.select:
                return await self._runner.execute(spec, sink), ephemeral
            # as dbt does with a selection that matches nothing: nothing to do is a success
            await sink.log("stderr", ["nothing to run: the plan runs no node"])
            return RunnerOutcome(exit_code=0), ephemeral
        except Exception as error:  # the runner must not take the worker down; the run must still end
            log.exception("run %s: the runner failed", claim.run.id)
            return RunnerOutcome(exit_code=None, error=f"internal error: {type(error).__name__}: {error}"), ephemeral

    async def _deliver_outcome(
        self, scope: TenantScope, claim: _Claim, result: RunnerOutcome, sink: RunSink, ephemeral: frozenset[str]
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
        current = await self._runs.run(scope, claim.run.id)  # ended by someone else: their verdict stands
        return RunStatus(current.status) if current else None

    async def _claim(self, scope: TenantScope, run_id: uuid.UUID, patience: timedelta) -> _Claim | None:
        async with self._units() as uow:
            run = await uow.runs(scope).get(run_id, for_update=True)
            if run is None or run.plan_id is None:
                return None
            plan = await uow.plans(scope).get(run.plan_id)
            environments = await uow.tenancy(scope).environments_by_ids([run.environment_id])
            projects = await uow.tenancy(scope).projects_by_ids([environments[0].project_id]) if environments else []
            if plan is None or not projects:
                return None
            status = RunStatus(run.status)
            if status is RunStatus.RUNNING:
                # The queue handed this job out again: the worker that had it went silent. Presumed lost only
                # when silent longer than the patience by the database's clock, and not while this process
                # itself has only just regained the database; else look again later.
                silent = await uow.runs(scope).silence(run.id)
                seconds = patience.total_seconds()
                if not worker_presumed_lost(silent, seconds, self.contact.seconds()):
                    raise RunStillHeld(run.id, run.worker, seconds)
                lost = f"worker {run.worker} lost (no heartbeat for {silent:.0f} s)"
                if self._retry_lost and run.attempt < 2:
                    event = NewRunEvent("worker_lost", f"worker_lost:{run.attempt}", message=lost + "; retrying once")
                    await uow.runs(scope).append_event(run.id, event)
                    await uow.runs(scope).update(run.id, worker=self.worker_id, attempt=run.attempt + 1)
                    await uow.commit()
                    claimed = await uow.runs(scope).get(run.id)
                    assert claimed is not None
                    return _Claim(claimed, plan, environments[0], projects[0])
                await uow.runs(scope).append_event(run.id, NewRunEvent("worker_lost", "worker_lost", message=lost))
                await move(uow, scope, run, RunStatus.FAILED, FailureReason.WORKER_LOST.value)
                await uow.commit()
                return None
            if status is not RunStatus.AWAITING_WORKER:
                return None  # finished or canceled meanwhile, or a duplicate delivery: nothing to run
            stale = await self._plans.staleness(scope, plan, uow)  # in this transaction: one connection
            if stale is not None:
                await move(uow, scope, run, RunStatus.FAILED, stale)
                await uow.commit()
                return None
            if plan.status != PlanStatus.APPROVED.value:
                return None
            limits = self._limits.to_json()
            run = await move(
                uow, scope, run, RunStatus.RUNNING, f"running on {self.worker_id}",
                worker=self.worker_id, attempt=run.attempt + 1, limits=limits,
            )  # fmt: skip
            await uow.commit()
        return _Claim(run, plan, environments[0], projects[0])

    async def _spec(self, scope: TenantScope, claim: _Claim, work_dir: Path) -> tuple[RunSpec, frozenset[str]]:
        """What the runner gets, and which planned nodes are ephemeral (compiled into others, never run)."""
        items = plan_items(claim.plan)
        async with self._units() as uow:
            graph = await uow.graphs(scope).all_nodes(claim.plan.head_version_id)
            tenants = await uow.platform.tenants_by_ids([scope.tenant_id])
        fqn = {node.unique_id: node.fqn for _, node in graph}
        ephemeral = frozenset(node.unique_id for _, node in graph if node.materialized == "ephemeral")
        request = claim.run.request
        selection = _as_requested(orjson.loads(claim.plan.document)["items"], request)
        if selection is None:  # name each node the plan runs, and nothing dbt would add on its own
            listed = {"fqn:" + ".".join(fqn[i["unique_id"]]) for i in items if fqn.get(i["unique_id"])}
            selection = (tuple(sorted(listed)), (), None, "empty")
        select, exclude, selector, indirect = selection
        variables: dict[str, Any] = dict(request.get("vars") or {})
        for item in items:
            variables.update(((item.get("partition") or {}).get("vars")) or {})
        secrets = await self._secrets.reveal_for_run(scope, claim.environment.id)
        tag = QueryTag(
            run_id=claim.run.id,
            tenant=tenants[0].slug if tenants else str(scope.tenant_id),
            environment=claim.environment.slug,
            trace_id=claim.run.trace_id,
            node_uuids={i["unique_id"]: i["node_uuid"] for i in items},
        )
        spec = RunSpec(
            run_id=claim.run.id,
            repository=claim.project.repository,
            git_ref=claim.environment.git_ref,
            subdirectory=claim.project.subdirectory,
            adapter=claim.environment.adapter.value,
            settings=dict(claim.environment.settings),
            secrets=secrets,
            command=claim.run.command,
            select=select,
            exclude=exclude,
            selector=selector,
            indirect_selection=indirect,
            tag=tag,
            work_dir=str(work_dir),
            state_dir=str(self._state_dir(claim.environment)),
            vars=variables,
            full_refresh=bool(request.get("full_refresh")),
            limits=self._limits,
            git_token=secrets.get("DBT_ENV_SECRET_GIT_TOKEN"),
        )
        return spec, ephemeral

    def _state_dir(self, environment: Environment) -> Path:
        kept = self._work_root / "environments" / str(environment.id)
        kept.mkdir(parents=True, exist_ok=True)
        return kept

    async def _finish(
        self, scope: TenantScope, claim: _Claim, result: RunnerOutcome, sink: RunSink, ephemeral: frozenset[str]
    ) -> RunStatus:
        run = claim.run
        stored_artifacts, version_id, invocation_id, refused = await self._keep_artifacts(scope, claim, result)
        results = _run_results(result.artifacts.get("run_results.json"))
        statuses = {**sink.finished, **{uid: r["status"] for uid, r in results.items()}}
        reason: str | None
        if result.canceled:
            final, reason = RunStatus.CANCELED, "canceled while running: finished nodes are kept"
        elif result.timed_out:
            final, reason = RunStatus.FAILED, FailureReason.TIMEOUT.value
        elif result.exit_code is None:
            final, reason = RunStatus.FAILED, f"{FailureReason.SETUP.value}: {result.error or 'dbt did not start'}"
        else:
            final = outcome(result.exit_code, statuses.values())
            reason = FailureReason.DBT_ERROR.value if final is RunStatus.FAILED else None
        if refused is not None and final is not RunStatus.CANCELED:  # whatever dbt said, not from these artifacts
            final, reason = RunStatus.FAILED, f"{FailureReason.ARTIFACTS_REFUSED.value}: {refused}"
        rate = RateCard.parse(claim.environment.rate_card, claim.environment.adapter.value)
        second = rate.cost_micros(1000)
        async with self._units() as uow:
            runs = uow.runs(scope)
            nodes = {n.unique_id: n for n in await runs.nodes_of([run.id])}
            total, regressions = 0, 0
            changes: list[tuple[str, dict[str, Any]]] = []
            for uid, node in nodes.items():
                found = results.get(uid)
                values: dict[str, Any] = {}
                if found is not None:
                    seconds = float(found.get("execution_time") or 0.0)
                    actual = rate.cost_micros(round(seconds * 1000))
                    estimate = node.estimated_cost_micros
                    regression = bool(estimate and actual > REGRESSION_FACTOR * estimate and actual - estimate > second)
                    total += actual
                    regressions += regression
                    values = {
                        "status": found["status"],
                        "execution_time": seconds,
                        "message": found.get("message"),
                        "actual_cost_micros": actual,
                        "regression": regression,
                    }
                    response = found.get("adapter_response") or {}
                    if response.get("rows_affected") is not None:
                        values["rows_affected"] = _int(response.get("rows_affected"))
                    if response.get("query_id"):
                        values["query_id"] = str(response["query_id"])
                elif uid in ephemeral:
                    values = {"status": EPHEMERAL}  # dbt compiles it into the models that use it
                if values:
                    changes.append((uid, values))
            await runs.update_nodes(run.id, changes)
            unplanned = sorted(u for u in results if u not in nodes and u.split(".", 1)[0] in RUNNABLE)
            if unplanned:  # dbt ran what the plan did not: said loudly, since approval covered the plan only
                named = ", ".join(unplanned[:10]) + (f" and {len(unplanned) - 10} more" if len(unplanned) > 10 else "")
                message = f"dbt ran {len(unplanned)} nodes the plan did not: {named}"
                await runs.append_event(
                    run.id, NewRunEvent("selection_mismatch", "selection_mismatch", message=message)
                )
                if final is not RunStatus.CANCELED:  # never a success: what ran was not what was approved
                    final, reason = RunStatus.FAILED, f"{FailureReason.SELECTION_MISMATCH.value}: {message}"
            current = await runs.get(run.id, for_update=True)
            assert current is not None
            if not holds(current, self.worker_id, run.attempt):
                return RunStatus(current.status)  # someone else ended or took it: keep their verdict
            for uid, found in results.items():
                kind = nodes[uid].resource_type if uid in nodes else "unknown"
                self.metrics.node_finished(kind, str(found["status"]), float(found.get("execution_time") or 0.0))
            now = self._clock()
            started, created = current.started_at, current.created_at
            self.metrics.run_finished(
                final.value,
                (now - started).total_seconds() if started else None,
                (started - created).total_seconds() if started and created else None,
            )
            await move(
                uow, scope, current, final, reason,
                exit_code=result.exit_code, graph_version_id=version_id, invocation_id=invocation_id,
                actual_cost_micros=total, regressions=regressions, artifacts=stored_artifacts,
                limits={**current.limits, **result.limits},
            )  # fmt: skip
            await uow.commit()
        return final

    async def _keep_artifacts(
        self, scope: TenantScope, claim: _Claim, result: RunnerOutcome
    ) -> tuple[dict[str, Any], uuid.UUID | None, str | None, str | None]:
        """Store every artifact dbt wrote and ingest them as the environment's next graph version.

        Returns what was stored, the graph version, dbt's invocation id, and why ingestion refused the
        artifacts (another project's manifest, an unreadable file), which fails the run; None if it did not.
        """
        stored: dict[str, Any] = {}
        for name, data in result.artifacts.items():
            digest = hashlib.sha256(data).hexdigest()
            await asyncio.to_thread(self._store.put, digest, data)
            stored[name] = {"sha256": digest, "size_bytes": len(data)}
        files = [ArtifactFile(name, result.artifacts[name]) for name in INGESTED if name in result.artifacts]
        if "manifest.json" not in result.artifacts:
            return stored, None, None, None
        invocation_id = _invocation(result.artifacts.get("run_results.json"))
        target = IngestTarget(claim.project.slug, claim.environment.slug, create_missing=False, same_project=True)
        refused: str | None = None
        try:
            report = await self._ingest.ingest(Access.system(scope), target, files)
        except Exception as error:  # reported on the run; a refusal also fails it
            if isinstance(error, ValidationError):  # the files themselves were refused
                refused = str(error)
                log.warning("run %s: its artifacts were refused: %s", claim.run.id, error)
            else:
                log.exception("run %s: ingesting its artifacts failed", claim.run.id)
            async with self._units() as uow:
                event = NewRunEvent("ingest_failed", "ingest_failed", message=f"{type(error).__name__}: {error}")
                await uow.runs(scope).append_event(claim.run.id, event)
                await uow.commit()
            return stored, None, invocation_id, refused
        return stored, report.graph_version_id, invocation_id, None


# Selection methods whose answer comes from what DVT holds (earlier graphs, results, freshness), not from the
# checkout dbt sees: a request using them is passed to dbt as the plan's node list.
_DVT_ONLY_METHODS = ("state:", "result:", "source_status:")


def _as_requested(
    items: list[dict[str, Any]], request: dict[str, Any]
) -> tuple[tuple[str, ...], tuple[str, ...], str | None, str] | None:
    """The request's own dbt selection when the plan runs exactly what it selects (no SKIP, no PARTIAL).

    dbt then selects the same nodes (DVT's selection is checked against `dbt ls`), and evaluating one
    selector per node costs dbt seconds on a large project (docs/benchmarks.md). Else None.
    """
    executed = [i for i in items if i["resource_type"] in RUNNABLE]  # sources, exposures: nothing to run
    if not executed or any(i["action"] != "RUN" for i in executed) or request.get("selector"):
        return None
    select, exclude = tuple(request.get("select") or ()), tuple(request.get("exclude") or ())
    if any(method in text for text in (*select, *exclude) for method in _DVT_ONLY_METHODS):
        return None
    return select or ("fqn:*",), exclude, None, str(request.get("indirect_selection") or "eager")


def _run_results(data: bytes | None) -> dict[str, dict[str, Any]]:
    if not data:
        return {}
    try:
        results = orjson.loads(data).get("results") or []
    except orjson.JSONDecodeError:
        return {}
    return {r["unique_id"]: r for r in results if isinstance(r, dict) and "unique_id" in r}


def _invocation(data: bytes | None) -> str | None:
    if not data:
        return None
    try:
        found = orjson.loads(data).get("metadata", {}).get("invocation_id")
    except orjson.JSONDecodeError:
        return None
    return str(found) if found else None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
