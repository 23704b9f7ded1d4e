"""Dispatch under load and faults (issue 11, D3 and D4): each command on one connection, the dispatch sweep,
client idempotency keys, and the runs of one DuckDB database serialised by DVT instead of failing on its lock."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from strawberry.relay import to_base64

from dvt.adapters.db.engine import create_engine, create_session_factory, plain_dsn
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.api.app import create_app
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.run_records import RunQuery, RunRecord
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.quotas import Quotas
from dvt.domain.runs import ACTIVE, RunStatus
from tests.api.conftest import GraphQLClient, token_for
from tests.runs.conftest import FINISH_SECONDS, Place, finished, make_place, workers

TRIGGER = """mutation($input: TriggerRunInput!) { triggerRun(input: $input) {
  __typename ... on Run { id status reason } ... on Error { message code } } }"""
SEEDS = ("raw_orders", "raw_customers", "raw_payments")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def narrow(settings: Settings) -> AsyncIterator[Services]:
    """The application on a pool of two connections (and two in overflow): 30 callers at once share four."""
    async with services(settings.model_copy(update={"database_pool_size": 2}), migrate=False) as built:
        yield built


@contextlib.asynccontextmanager
async def transaction(services: Services) -> AsyncIterator[SqlUnitOfWork]:
    """A transaction of the test's own, beside the application's (on a connection of its own)."""
    engine = create_engine(services.database_url, pool_size=1)
    try:
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            yield uow
    finally:
        await engine.dispose()


async def approved_plan(place: Place, select: tuple[str, ...]) -> uuid.UUID:
    plan = await place.services.plans.create(place.access, place.environment.id, PlanRequest(select=select))
    if plan.status == "draft":
        plan = await place.services.plans.approve(place.access, plan.id, plan.fingerprint)
    return plan.id


async def runs_of(services: Services, place: Place) -> list[RunRecord]:
    page = await services.runs.runs(place.access, place.environment.id, RunQuery(limit=1000))
    return page.items


def queued_run(place: Place, plan_id: uuid.UUID, **values: Any) -> RunRecord:
    """A run row as a trigger writes it, before any dispatch."""
    return RunRecord(
        id=uuid.uuid4(), environment_id=place.environment.id, plan_id=plan_id, status=RunStatus.QUEUED.value,
        trigger="api", actor="test", trace_id=uuid.uuid4().hex, **values,
    )  # fmt: skip


async def cancel_all(services: Services, place: Place) -> None:
    """Leave nothing for the shared test database's later workers to run."""
    for run in await runs_of(services, place):
        if not RunStatus(run.status).finished:
            await services.runs.cancel(place.access, run.id)


# -- D3: the pool, the sweep, idempotency keys --------------------------------------------------------------------


async def test_thirty_concurrent_trigger_calls_on_a_small_pool_all_succeed_and_every_run_is_dispatched(
    narrow: Services, demo: tuple[Path, bytes]
) -> None:
    # A PostgreSQL environment: its runs may overlap, so every one of them can move on at once.
    place = await make_place(narrow, *demo, adapter="postgres", settings={"host": "127.0.0.1", "dbname": "none"})
    environment = to_base64("Environment", str(place.environment.id))
    transport = httpx.ASGITransport(app=create_app(narrow))
    async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test", timeout=300) as http:
        caller = GraphQLClient(http, await token_for(narrow, place.scope, "admin"))
        answers = await asyncio.gather(
            *(caller(TRIGGER, input={"environmentId": environment, "select": ["stg_orders"]}) for _ in range(30))
        )
    try:
        assert [a.get("errors") for a in answers] == [None] * 30
        assert {a["data"]["triggerRun"]["__typename"] for a in answers} == {"Run"}
        runs = await runs_of(narrow, place)
        assert len(runs) == 30  # each call made its run, once
        assert len({a["data"]["triggerRun"]["id"] for a in answers}) == 30
        # All dispatched, none left queued: each waits in planning for a worker to plan it from the branch.
        assert {r.status for r in runs} == {RunStatus.PLANNING.value}
    finally:
        await cancel_all(narrow, place)


def trigger_process(settings: Settings, place: Place, plan_id: uuid.UUID, key: str, mode: str) -> subprocess.Popen[str]:
    """Another process (tests/runs/trigger_process.py) triggering a run of `plan_id` in `place`, to be killed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVT_")}
    env.update(
        DVT_DATABASE_URL=settings.database_url or "", DVT_SECRET_KEYS=settings.secret_keys or "",
        DVT_DATA_DIR=str(settings.data_dir), PYTHONPATH=os.pathsep.join(sys.path),
    )  # fmt: skip
    args = [str(place.scope.tenant_id), str(place.environment.id), str(plan_id), key, mode]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.runs.trigger_process", *args],
        env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


async def first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return (await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 120)).strip()


async def test_a_run_left_queued_by_a_killed_process_is_started_by_the_workers_sweep(
    app: Services, place: Place, settings: Settings
) -> None:
    """The triggering process dies (SIGKILL) with its run queued behind a full quota; when the quota frees,
    no trigger, cancel or run end is left to dispatch it: the sweep of a worker in another process does."""
    plan_id = await approved_plan(place, ("raw_orders",))
    await app.tenancy.set_quotas(place.access, Quotas(max_concurrent_runs=0), place.environment.id)
    process = trigger_process(settings, place, plan_id, "killed-while-queued", "wait")
    try:
        said = await first_line(process)
        assert said.endswith(" queued"), said
        run_id = uuid.UUID(said.split()[1])
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    await app.tenancy.set_quotas(place.access, Quotas(max_concurrent_runs=1), place.environment.id)
    queued = await app.runs.run(place.access, run_id)
    assert queued is not None and queued.status == RunStatus.QUEUED.value  # raising the quota moved nothing
    async with workers(app):
        done = await finished(app, place.scope, run_id)
    assert done.status == RunStatus.SUCCESS.value, done.reason


async def test_a_process_killed_between_writing_its_run_and_dispatching_it_leaves_no_run_behind(
    app: Services, place: Place, settings: Settings
) -> None:
    """The run row and its dispatch are one transaction: killed between them, the trigger left nothing, so the
    client's retry (same idempotency key) makes the run, which starts and succeeds."""
    plan_id = await approved_plan(place, ("raw_orders",))
    process = trigger_process(settings, place, plan_id, "killed-mid-trigger", "die-before-dispatch")
    try:
        assert await first_line(process) == "dying"
        await asyncio.to_thread(process.wait, 60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert await runs_of(app, place) == []  # neither a run stuck in `queued` nor its event
    again = await app.runs.trigger(
        place.access, place.environment.id, plan_id=plan_id, idempotency_key="killed-mid-trigger"
    )
    assert again.status == RunStatus.AWAITING_WORKER.value
    async with workers(app):
        done = await finished(app, place.scope, again.id)
    assert done.status == RunStatus.SUCCESS.value, done.reason


async def test_the_same_idempotency_key_twice_at_once_makes_one_run(app: Services, place: Place) -> None:
    environment = to_base64("Environment", str(place.environment.id))
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test", timeout=120) as http:
        caller = GraphQLClient(http, await token_for(app, place.scope, "admin"))
        same = {"environmentId": environment, "select": ["raw_orders"], "idempotencyKey": "nightly-2026-12-05"}
        first, second = await asyncio.gather(caller.data(TRIGGER, input=same), caller.data(TRIGGER, input=same))
        again = await caller.data(TRIGGER, input=same)  # a client's retry, later
        other = await caller.data(TRIGGER, input={**same, "idempotencyKey": "nightly-2026-12-06"})
        bad = await caller.data(TRIGGER, input={**same, "idempotencyKey": "x" * 201})
    try:
        ids = {first["triggerRun"]["id"], second["triggerRun"]["id"], again["triggerRun"]["id"]}
        assert len(ids) == 1
        assert other["triggerRun"]["id"] not in ids
        assert bad["triggerRun"]["__typename"] == "ValidationError" and "idempotencyKey" in bad["triggerRun"]["message"]
        assert len(await runs_of(app, place)) == 2
    finally:
        await cancel_all(app, place)


async def test_a_key_held_by_an_uncommitted_trigger_returns_that_run_once_it_commits(
    app: Services, place: Place, settings: Settings
) -> None:
    """The race the unique index decides: both callers looked and found no run with the key."""
    plan_id = await approved_plan(place, ("raw_orders",))
    async with transaction(app) as uow:
        held = await uow.runs(place.scope).add(queued_run(place, plan_id, idempotency_key="k1"))
        assert held is not None
        second = asyncio.create_task(
            app.runs.trigger(place.access, place.environment.id, plan_id=plan_id, idempotency_key="k1")
        )
        await waiting_on_a_lock(settings.database_url or "")
        await uow.commit()
    try:
        assert (await second).id == held.id
        assert [r.id for r in await runs_of(app, place)] == [held.id]
    finally:
        await cancel_all(app, place)


async def waiting_on_a_lock(database_url: str) -> None:
    """Until some session of the test database waits for a lock held by another transaction."""
    connection = await asyncpg.connect(plain_dsn(database_url))
    try:
        async with asyncio.timeout(FINISH_SECONDS):
            while True:
                waiting = await connection.fetchval(
                    "select count(*) from pg_stat_activity"
                    " where datname = current_database() and wait_event_type = 'Lock'"
                )
                if waiting:
                    return
                await asyncio.sleep(0.05)
    finally:
        await connection.close()


# -- D4: one DuckDB database, one run at a time ------------------------------------------------------------------


def database_of(settings: Settings, place: Place, path: str = "demo.duckdb") -> str:
    return f"DuckDB database {(settings.work_root / 'environments' / str(place.environment.id) / path).resolve()}"


async def test_concurrent_runs_on_one_duckdb_database_wait_their_turn_and_all_succeed(
    app: Services, place: Place, settings: Settings
) -> None:
    plans = [await approved_plan(place, (seed,)) for seed in SEEDS]
    triggered = await asyncio.gather(*(app.runs.trigger(place.access, place.environment.id, plan_id=p) for p in plans))
    holders = [r for r in triggered if r.status != RunStatus.QUEUED.value]
    assert len(holders) == 1
    waiting = [r for r in triggered if r.status == RunStatus.QUEUED.value]
    reason = f"waiting: {database_of(settings, place)} is in use by run {holders[0].id}"
    assert [r.reason for r in waiting] == [reason, reason]
    async with workers(app, count=2):  # room for four runs at once: DVT itself keeps them one at a time
        async with asyncio.timeout(3 * FINISH_SECONDS):
            while True:
                now = await runs_of(app, place)
                assert sum(RunStatus(r.status) in ACTIVE for r in now) <= 1, [(r.status, r.reason) for r in now]
                for run in now:
                    if run.status == RunStatus.QUEUED.value:
                        assert run.reason and run.reason.startswith(f"waiting: {database_of(settings, place)}")
                if all(RunStatus(r.status).finished for r in now):
                    break
                await asyncio.sleep(0.1)
    assert {r.status for r in now} == {RunStatus.SUCCESS.value}, [(r.status, r.reason) for r in now]


async def test_two_environments_naming_one_duckdb_file_take_turns(
    app: Services, demo: tuple[Path, bytes], tmp_path: Path
) -> None:
    shared = tmp_path / "shared.duckdb"
    place = await make_place(app, *demo, settings={"path": str(shared)})
    ci = await app.tenancy.create_environment(
        place.access, "shop", "ci", "duckdb", git_ref="main", settings={"path": f"{tmp_path}/ci/../shared.duckdb"}
    )
    target = IngestTarget("shop", "ci", create_missing=False)
    await app.ingest.ingest(place.access, target, [ArtifactFile("manifest.json", demo[1])])
    first = await app.runs.trigger(place.access, place.environment.id, plan_id=await approved_plan(place, SEEDS[:1]))
    plan = await app.plans.create(place.access, ci.id, PlanRequest(select=SEEDS[1:2]))
    if plan.status == "draft":
        plan = await app.plans.approve(place.access, plan.id, plan.fingerprint)
    second = await app.runs.trigger(place.access, ci.id, plan_id=plan.id)
    assert first.status == RunStatus.AWAITING_WORKER.value
    assert second.status == RunStatus.QUEUED.value
    assert second.reason == f"waiting: DuckDB database {shared.resolve()} is in use by run {first.id}"
    # The first one ending (here: canceled) hands the database to the next at once, not at the next sweep.
    await app.runs.cancel(place.access, first.id)
    moved = await app.runs.run(place.access, second.id)
    assert moved is not None and moved.status == RunStatus.AWAITING_WORKER.value
    await app.runs.cancel(place.access, second.id)


async def test_the_sweep_moves_on_only_what_capacity_allows(app: Services, place: Place) -> None:
    """A sweep is a dispatch like any other: it never lets a second run onto a DuckDB database in use."""
    plan_id = await approved_plan(place, ("raw_orders",))
    async with transaction(app) as uow:
        for _ in range(3):
            assert await uow.runs(place.scope).add(queued_run(place, plan_id)) is not None
        await uow.commit()
    await app.runs.sweep()
    try:
        statuses = sorted(r.status for r in await runs_of(app, place))
        assert statuses == [RunStatus.AWAITING_WORKER.value, RunStatus.QUEUED.value, RunStatus.QUEUED.value]
    finally:
        await cancel_all(app, place)
