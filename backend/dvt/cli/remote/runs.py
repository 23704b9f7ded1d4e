"""`dvt run`, `dvt runs list` and the waiting of `dvt job trigger --wait` through the API.

Waiting follows the run's `runEvents` subscription (graphql-transport-ws): every event after a cursor, then live
ones to the run's end; a dropped connection resumes after the last event seen, so nothing is missed or repeated.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

from dvt.cli.remote import RemoteError, checked, environment_id, local_id, utc, word

if TYPE_CHECKING:
    from dvt.client import DvtClient
    from dvt.client.fragments import RunFields

RECONNECTS = 5  # a subscription dropped this many times in a row ends the wait with an error
CLOSE_FORBIDDEN = 4403  # graphql-transport-ws: the server refused the credential (dvt.api.app)
NODE_PAGE = 500
RUNS_PAGE = 100
_PLANNING = ("queued", "planning")


@dataclass
class Finished:
    """What `dvt run --wait` prints of a finished run (the local mode's same fields)."""

    run_id: str
    number: int
    status: str
    reason: str | None
    commit_sha: str | None
    nodes: list[dict[str, str]] = field(default_factory=list)


async def trigger(
    api: DvtClient,
    project: str,
    environment: str,
    *,
    select: list[str],
    exclude: list[str],
    full_refresh: bool,
    idempotency_key: str | None,
) -> RunFields:
    from dvt.client.input_types import TriggerRunInput

    env = await environment_id(api, project, environment)
    request = TriggerRunInput(
        environmentId=env,
        select=select or None,
        exclude=exclude or None,
        fullRefresh=full_refresh,
        idempotencyKey=idempotency_key,
    )
    return checked((await api.trigger_run(input=request)).trigger_run)  # type: ignore[return-value]


async def fetch(api: DvtClient, run_id: str) -> RunFields:
    found = (await api.run(id=run_id)).run
    if found is None:
        raise RemoteError("run not found")
    return found


async def approve(api: DvtClient, run: RunFields, as_json: bool) -> RunFields:
    """The run, its plan approved by this token if it was waiting for approval."""
    from dvt.client.input_types import DecidePlanInput

    if word(run.status) != "awaiting_approval" or run.plan is None:
        return run
    plan = (await api.plan(id=run.plan.id)).plan
    if plan is None:
        raise RemoteError("the run's plan is not visible to this token")
    checked((await api.approve_plan(input=DecidePlanInput(planId=plan.id, fingerprint=plan.fingerprint))).approve_plan)
    if not as_json:
        typer.echo(f"plan {local_id(plan.id)} approved")
    return await fetch(api, run.id)


async def settled(api: DvtClient, run: RunFields, approve_it: bool, as_json: bool) -> RunFields:
    """`--approve` without `--wait`: the run once the server's worker planned it, approved if it waits for that."""
    await follow(api, run.id, lambda status: status not in _PLANNING)
    current = await fetch(api, run.id)
    return await approve(api, current, as_json) if approve_it else current


async def wait(api: DvtClient, run: RunFields, approve_it: bool, as_json: bool) -> Finished:
    """Follow the run to its end: approve it when it waits for that (if asked), print its commit once planned and
    "N of M nodes" as they finish (unless JSON), then its nodes."""
    progress = None if as_json else _Progress(api)
    state: dict[str, Any] = {"planned": False, "approved": False}

    async def on_status(status: str) -> None:
        if status in _PLANNING or state["planned"]:
            return
        state["planned"] = True
        current = await fetch(api, run.id)
        if approve_it and not state["approved"]:
            state["approved"] = True
            current = await approve(api, current, as_json)
        if not as_json and current.commit_sha:
            typer.echo(f"run {local_id(current.id)}: planned from commit {current.commit_sha[:12]}")
        if progress is not None and current.plan is not None:
            await progress.load_plan(current.plan.id)

    def on_node(unique_id: str, status: str) -> None:
        if progress is not None:
            progress.node(unique_id, status)

    await follow(api, run.id, lambda status: False, on_status, on_node)
    current = await fetch(api, run.id)
    return Finished(
        run_id=str(local_id(current.id)),
        number=current.number,
        status=str(word(current.status)),
        reason=current.reason,
        commit_sha=current.commit_sha,
        nodes=await nodes(api, current.id),
    )


async def follow(
    api: DvtClient,
    run_id: str,
    until: Callable[[str], bool],
    on_status: Callable[[str], Any] | None = None,
    on_node: Callable[[str, str], None] | None = None,
) -> None:
    """Read the run's events from the start until the run ends (the subscription's end) or `until` accepts a status."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    cursor, failures = 0, 0
    while True:
        try:
            async for message in api.run_events(run_id=run_id, after=cursor):
                batch = message.run_events
                failures = 0
                for event in batch.events:
                    kind = word(event.kind)
                    if kind == "status" and event.run_status is not None:
                        status = str(word(event.run_status))
                        if on_status is not None:
                            await on_status(status)
                        if until(status):
                            return
                    elif kind in ("node_started", "node_finished") and event.unique_id and on_node is not None:
                        on_node(event.unique_id, event.status_text or "")
                cursor = max(cursor, batch.cursor)
            return  # the subscription ends with the run
        except ConnectionClosed as closed:
            if closed.rcvd is not None and closed.rcvd.code == CLOSE_FORBIDDEN:
                raise RemoteError(
                    f"the server refused the token on the run's event stream: {closed.rcvd.reason}"
                ) from None
            failures += 1
            if failures > RECONNECTS:
                raise RemoteError(f"lost the run's event stream: {closed}") from None
        except (TimeoutError, OSError, InvalidStatus) as error:
            failures += 1
            if failures > RECONNECTS:
                raise RemoteError(f"lost the run's event stream: {error}") from None
        await asyncio.sleep(min(2.0**failures / 4, 5.0))  # then resume after the last event seen


async def nodes(api: DvtClient, run_id: str) -> list[dict[str, str]]:
    """The run's nodes as the local mode lists them: started first (by start), then the rest, by unique id."""
    found: list[Any] = []
    after: str | None = None
    while True:
        page = (await api.run_nodes(id=run_id, first=NODE_PAGE, after=after)).run
        if page is None:
            break
        found.extend(page.nodes)
        if len(page.nodes) < NODE_PAGE:
            break
        after = page.nodes[-1].unique_id
    found.sort(key=lambda n: (n.started_at is None, n.started_at.timestamp() if n.started_at else 0.0, n.unique_id))
    return [{"unique_id": n.unique_id, "status": n.status_text} for n in found]


class _Progress:
    """`dvt run --wait`'s "N of M nodes · about X s left", printed each time a node finishes (as the local mode)."""

    def __init__(self, api: DvtClient) -> None:
        self._api = api
        self._planned: dict[str, int] = {}
        self._statuses: dict[str, str] = {}
        self._last: int | None = None

    async def load_plan(self, plan_id: str) -> None:
        from dvt.cli.remote.plans import execution_plan

        plan = (await self._api.plan(id=plan_id)).plan
        if plan is None:
            return
        for item in execution_plan(plan.document).executed():
            self._planned[item.unique_id] = self._planned.get(item.unique_id, 0) + item.estimate.p50_ms

    def node(self, unique_id: str, status: str) -> None:
        from dvt.domain.runs import run_progress

        self._statuses[unique_id] = status
        if not self._planned:
            return
        progress = run_progress(self._planned, self._statuses)
        if progress.finished != self._last:
            self._last = progress.finished
            typer.echo(f"  {progress.text()}")


async def runs_list(
    api: DvtClient, project: str, environment: str, job: str | None, limit: int
) -> list[dict[str, Any]]:
    """The same rows as the local `dvt runs list`, newest first."""
    env = await environment_id(api, project, environment)
    job_id = None
    if job:
        named = [j for j in (await api.jobs(environment_id=env)).jobs if j.name == job]
        if not named:
            raise RemoteError("job not found")
        job_id = named[0].id
    rows: list[Any] = []
    after: str | None = None
    while len(rows) < limit:
        size = min(RUNS_PAGE, limit - len(rows))
        if job_id is None:
            connection = (await api.runs(environment_id=env, first=size, after=after)).runs
        else:
            found = (await api.job_runs(id=job_id, first=size, after=after)).job
            if found is None:
                raise RemoteError("job not found")
            connection = found.runs  # type: ignore[assignment]
        rows.extend(connection.nodes)
        if not connection.page_info.has_next_page or not connection.nodes:
            break
        after = connection.page_info.end_cursor
    return [
        {"id": local_id(r.id), "number": r.number, "status": word(r.status), "trigger": word(r.trigger),
         "job": r.job.name if r.job else None, "commit": r.commit_sha,
         "started": utc(r.started_at), "finished": utc(r.finished_at)}
        for r in rows[:limit]
    ]  # fmt: skip
