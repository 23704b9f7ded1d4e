"""`dvt run` (plan, approve if asked, run, wait) and `dvt worker` (take runs from the queue)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dvt.cli.common import JsonOption, TenantOption, app, group, load_settings, run, scoped, services
from dvt.cli.remote import Target, remote_mode
from dvt.domain.runs import RunStatus, Trigger
from dvt.domain.tenancy import DEFAULT_TENANT

if TYPE_CHECKING:
    from collections.abc import Callable

    from dvt.application.access import Access
    from dvt.application.run_records import RunRecord
    from dvt.application.services import Services
    from dvt.config import Settings

WAIT_POLL_SECONDS = 0.5
_PLANNING = (RunStatus.QUEUED.value, RunStatus.PLANNING.value)


async def _until(
    built: Services,
    access: Access,
    run: RunRecord,
    reached: Callable[[str], bool],
    progress: _ProgressLine | None = None,
) -> RunRecord:
    """The run once its status is one `reached` accepts (read every half second), its progress shown meanwhile."""
    while not reached(run.status):
        await asyncio.sleep(WAIT_POLL_SECONDS)
        fetched = await built.runs.run(access, run.id)
        assert fetched is not None
        run = fetched
        if progress is not None and run.status == RunStatus.RUNNING.value:
            await progress.show(run)
    return run


async def _approved(built: Services, access: Access, run_id: uuid.UUID, as_json: bool) -> RunRecord:
    """The run, its plan approved by the CLI's identity if it was waiting for approval."""
    current = await built.runs.run(access, run_id)
    assert current is not None
    if current.status == RunStatus.AWAITING_APPROVAL.value and current.plan_id:
        plan = await built.plans.plan(access, current.plan_id)
        assert plan is not None
        await built.plans.approve(access, plan.id, plan.fingerprint)
        if not as_json:
            typer.echo(f"plan {plan.id} approved")
        current = await built.runs.run(access, run_id)
        assert current is not None
    return current


class _ProgressLine:
    """`dvt run --wait`'s "N of M nodes · about X s left", printed each time a node finishes."""

    def __init__(self, built: Services, access: Access) -> None:
        self._built, self._access = built, access
        self._planned: dict[str, int] | None = None
        self._last: int | None = None

    async def show(self, run: RunRecord) -> None:
        from dvt.domain.plan.plan import ExecutionPlan
        from dvt.domain.runs import run_progress

        if self._planned is None:
            plan = await self._built.plans.plan(self._access, run.plan_id) if run.plan_id else None
            items = ExecutionPlan.from_document(plan.document).executed() if plan else ()
            planned: dict[str, int] = {}
            for i in items:  # a node two steps run is estimated at both runs
                planned[i.unique_id] = planned.get(i.unique_id, 0) + i.estimate.p50_ms
            self._planned = planned
        nodes = await self._built.runs.nodes(self._access, [run.id])
        progress = run_progress(self._planned, {n.unique_id: n.status for n in nodes})
        if progress.finished != self._last:
            self._last = progress.finished
            typer.echo(f"  {progress.text()}")


async def wait_locally(
    settings: Settings, built: Services, access: Access, started: RunRecord, approve: bool, as_json: bool
) -> tuple[RunRecord, list[dict[str, str]]]:
    """The run once finished, and its nodes; approved if asked, its progress shown meanwhile (unless JSON)."""
    from dvt.bootstrap import run_worker

    # Planning and running are a worker's: this process runs one meanwhile unless workers run elsewhere.
    worker = run_worker(settings, built) if settings.embedded_worker else None
    working = asyncio.create_task(worker.run()) if worker else None
    try:
        current = await _until(built, access, started, lambda s: s not in _PLANNING)
        if approve:
            current = await _approved(built, access, current.id, as_json)
        if not as_json and current.commit_sha:
            typer.echo(f"run {current.id}: planned from commit {current.commit_sha[:12]}")
        shown = None if as_json else _ProgressLine(built, access)
        current = await _until(built, access, current, lambda s: RunStatus(s).finished, shown)
    finally:
        if worker is not None and working is not None:
            worker.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(working, 30)
    nodes = await built.runs.nodes(access, [current.id])
    return current, [{"unique_id": n.unique_id, "status": n.status} for n in nodes]


@app.command(name="run")
def run_command(
    project: Annotated[str, typer.Option(help="Project slug")],
    environment: Annotated[str, typer.Option(help="Environment slug")],
    select: Annotated[list[str] | None, typer.Option("--select", "-s", help="dbt selection (repeatable)")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="dbt exclusion (repeatable)")] = None,
    full_refresh: Annotated[bool, typer.Option("--full-refresh")] = False,
    approve: Annotated[bool, typer.Option("--approve", help="Approve the plan as the CLI's identity")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the run to finish (runs a worker meanwhile)")] = False,
    idempotency_key: Annotated[
        str | None,
        typer.Option("--idempotency-key", help="The same key again returns that run instead of starting another"),
    ] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Run the selection with dbt: a worker plans it from the commit the environment's branch names now, then it
    runs (it waits for approval unless policy or --approve gives it)."""
    if (found := remote_mode()) is not None:
        _run_remotely(
            found, project, environment, select or [], exclude or [], full_refresh, approve, wait, idempotency_key,
            tenant, as_json,
        )  # fmt: skip
        return

    async def work() -> tuple[RunRecord, list[dict[str, str]]]:
        from dvt.domain.plan.plan import PlanRequest

        settings = load_settings()
        async with scoped(tenant) as (built, access):
            found = await built.tenancy.environment(access, project, environment)
            request = PlanRequest(select=tuple(select or ()), exclude=tuple(exclude or ()), full_refresh=full_refresh)
            started = await built.runs.trigger(
                access, found.id, request=request, trigger=Trigger.CLI, idempotency_key=idempotency_key
            )
            if not as_json:
                typer.echo(f"run {started.id}: {started.status} ({started.reason or 'queued'})")
            if not wait and not approve:
                return started, []
            if not wait:  # --approve alone: plan it here (a worker elsewhere may be first: one of us wins), approve
                if started.status == RunStatus.PLANNING.value and started.plan_id is None:
                    await built.run_planner.plan(access.scope.tenant_id, started.id)
                current = await _approved(built, access, started.id, as_json)
                return current, []
            return await wait_locally(settings, built, access, started, approve, as_json)

    finished, nodes = run(work)
    show_finished(str(finished.id), finished.status, finished.reason, finished.commit_sha, nodes, as_json, wait)


def show_finished(
    run_id: str,
    status: str,
    reason: str | None,
    commit_sha: str | None,
    nodes: list[dict[str, str]],
    as_json: bool,
    wait: bool,
) -> None:
    """What `dvt run` prints of the run it started (both modes); with --wait, exit 1 unless it succeeded."""
    if as_json:
        body: dict[str, Any] = {
            "run_id": run_id,
            "status": status,
            "reason": reason,
            "commit_sha": commit_sha,
            "nodes": nodes,
        }
        typer.echo(json.dumps(body, indent=2))
    elif not wait:
        typer.echo(f"run {run_id}: {status}" + (f" ({reason})" if reason else ""))
    else:
        for node in nodes:
            typer.echo(f"  {node['status']:<10} {node['unique_id']}")
        typer.echo(f"run {run_id}: {status}" + (f" ({reason})" if reason else ""))
    if wait and status not in (RunStatus.SUCCESS.value, RunStatus.WARNING.value):
        raise typer.Exit(1)


def _run_remotely(
    found: Target,
    project: str,
    environment: str,
    select: list[str],
    exclude: list[str],
    full_refresh: bool,
    approve: bool,
    wait: bool,
    idempotency_key: str | None,
    tenant: str,
    as_json: bool,
) -> None:
    from dvt.cli import remote
    from dvt.cli.remote import runs as remote_runs

    async def work() -> remote_runs.Finished:
        async with remote.connected(found) as api:
            await remote.check_tenant(api, tenant)
            started = await remote_runs.trigger(
                api, project, environment, select=select, exclude=exclude, full_refresh=full_refresh,
                idempotency_key=idempotency_key,
            )  # fmt: skip
            if not as_json:
                typer.echo(
                    f"run {remote.local_id(started.id)}: {remote.word(started.status)} ({started.reason or 'queued'})"
                )
            if wait:
                return await remote_runs.wait(api, started, approve, as_json)
            current = await remote_runs.settled(api, started, approve, as_json) if approve else started
            return remote_runs.Finished(
                str(remote.local_id(current.id)), current.number, str(remote.word(current.status)), current.reason,
                current.commit_sha,
            )  # fmt: skip

    done = remote.run(work, found)
    show_finished(done.run_id, done.status, done.reason, done.commit_sha, done.nodes, as_json, wait)


@app.command()
def worker() -> None:
    """Take runs from the queue and execute them with dbt, until interrupted (any number, on any machine)."""

    async def work() -> None:
        from dvt.adapters.queue.worker import run_forever
        from dvt.bootstrap import run_worker

        settings = load_settings()
        async with services(settings) as built:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sent in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sent, stop.set)
            typer.echo(f"worker {built.run_executor.worker_id} waiting for runs")
            # Every process fires due jobs: each occurrence fires once, whatever the number of processes.
            scheduling = asyncio.create_task(built.scheduler.run(stop) if settings.scheduler_enabled else stop.wait())
            # The database going away (a restart, an outage) does not end the worker: it reconnects.
            await run_forever(lambda: run_worker(settings, built), stop)
            stop.set()
            await scheduling

    run(work)


runs_app = group("runs", "Upkeep of runs")


@runs_app.command("prune")
def runs_prune(
    days: Annotated[float | None, typer.Option(help="Keep this many days (default DVT_RUN_RETENTION_DAYS)")] = None,
) -> None:
    """Delete the events and log chunks of runs that finished longer ago (run rows and node results stay)."""

    async def work() -> tuple[int, int]:
        settings = load_settings()
        async with services(settings) as built:
            return await built.runs.prune(timedelta(days=days if days is not None else settings.run_retention_days))

    events, chunks = run(work)
    typer.echo(f"deleted {events} events and {chunks} log chunks")
