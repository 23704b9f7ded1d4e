"""The run store on the real database: numbering, idempotency, batched node updates in order, and who may
still write to a run (nothing after its terminal status; a lost worker only when it is truly silent)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from alembic import command

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.migrate import alembic_config
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.run_moves import move
from dvt.application.run_records import NewRunEvent
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.runs import EventAfterEnd, IllegalTransition, RunEventKind, RunStatus
from tests.runs.conftest import FINISH_SECONDS, Place, finished, make_place, reaches, workers
from tests.runs.test_runs import SLOW, Variant, approve_and_trigger, statuses
from tests.runs.test_runs_process import gone
from tests.support.migrations import asyncpg_dsn, insert_runs


@pytest.fixture
async def units(settings: Settings) -> AsyncIterator[type[SqlUnitOfWork] | object]:
    engine = create_engine(settings.database_url or "", pool_size=2)
    sessions = create_session_factory(engine)
    yield lambda: SqlUnitOfWork(sessions)
    await engine.dispose()


async def test_events_are_numbered_without_gaps_and_a_repeated_key_is_one_event(
    app: Services, place: Place, units: object
) -> None:
    run = await approve_and_trigger(place)  # no worker: only its status events so far
    async with units() as uow:  # type: ignore[operator]
        repo = uow.runs(place.scope)
        before = (await repo.get(run.id)).event_seq
        first = await repo.append_events(
            run.id,
            [
                NewRunEvent(RunEventKind.STAGE, "k1"),
                NewRunEvent(RunEventKind.STAGE, "k2"),
                NewRunEvent(RunEventKind.STAGE, "k1"),
            ],
        )
        second = await repo.append_events(
            run.id, [NewRunEvent(RunEventKind.STAGE, "k2"), NewRunEvent(RunEventKind.STAGE, "k3")]
        )
        await uow.commit()
    assert first == [before + 1, before + 2, None]
    assert second == [None, before + 3]
    events = await app.runs.events(place.access, run.id, 0, 100)
    assert [e.seq for e in events] == list(range(1, before + 4))


async def test_batched_node_updates_apply_in_the_order_they_happened(
    app: Services, place: Place, units: object
) -> None:
    run = await approve_and_trigger(place)
    now = datetime.now(UTC)
    a, z = "model.demo_shop.stg_orders", "model.demo_shop.stg_customers"
    finished = {"status": "success", "finished_at": now, "execution_time": 0.5, "rows_affected": None,
                "query_id": None, "message": None}  # fmt: skip
    async with units() as uow:  # type: ignore[operator]
        # Z finishing first makes "finished" the first group of columns; A's start must still not win over its end.
        changes = [(z, finished), (a, {"status": "running", "started_at": now}), (a, finished)]
        await uow.runs(place.scope).update_nodes(run.id, changes)
        await uow.commit()
    nodes = await statuses(app, place, run.id)
    assert nodes[a] == nodes[z] == "success"


async def test_retention_deletes_the_detail_of_old_runs_and_keeps_what_they_were(
    app: Services, place: Place, units: object
) -> None:
    old, recent = await approve_and_trigger(place), await approve_and_trigger(place)
    for run in (old, recent):
        await app.runs.cancel(place.access, run.id)  # finished now, with events
    async with units() as uow:  # type: ignore[operator]
        await uow.runs(place.scope).append_log(old.id, "stdout", ["an old line"])
        await uow.runs(place.scope).update(old.id, finished_at=datetime.now(UTC) - timedelta(days=91))
        await uow.commit()
    events, chunks = await app.runs.prune(timedelta(days=90))
    assert events >= 1 and chunks == 1
    assert await app.runs.events(place.access, old.id, 0, 100) == []
    assert await app.runs.logs(place.access, old.id, 0, 100) == []
    kept = await app.runs.run(place.access, old.id)
    assert kept is not None and kept.status == "canceled" and await statuses(app, place, old.id)
    assert await app.runs.events(place.access, recent.id, 0, 100) != []


async def test_nothing_is_recorded_on_a_run_after_its_terminal_status(
    app: Services, place: Place, units: object
) -> None:
    run = await approve_and_trigger(place)
    await app.runs.cancel(place.access, run.id)
    with pytest.raises(IllegalTransition):  # canceling again is still refused (and audited) as a transition
        await app.runs.cancel(place.access, run.id)
    async with units() as uow:  # type: ignore[operator]
        late = NewRunEvent(RunEventKind.NODE_FINISHED, "node_finished:model.demo_shop.stg_orders:1", status="success")
        with pytest.raises(EventAfterEnd, match="no node_finished event may follow"):
            await uow.runs(place.scope).append_events(run.id, [late])
    async with units() as uow:  # type: ignore[operator]
        # The terminal status delivered again (a retried commit) is the same event, not a refusal.
        again = NewRunEvent(RunEventKind.STATUS, "status:canceled", status="canceled")
        assert await uow.runs(place.scope).append_events(run.id, [again]) == [None]
    events = await app.runs.events(place.access, run.id, 0, 100)
    assert events[-1].kind == "status" and events[-1].status == "canceled"


async def hold_as_ghost(place: Place, units: object, run_id: uuid.UUID, *, silent_for: timedelta) -> None:
    """Put the run in the hands of a worker that does not exist, last heard of `silent_for` ago."""
    async with units() as uow:  # type: ignore[operator]
        runs = uow.runs(place.scope)
        run = await runs.get(run_id, for_update=True)
        await move(uow, place.scope, run, RunStatus.RUNNING, "running on ghost", worker="ghost:1", attempt=1)
        await runs.update(run_id, heartbeat_at=datetime.now(UTC) - silent_for)
        await runs.update_node(run_id, "model.demo_shop.stg_orders", status="running", started_at=datetime.now(UTC))
        await uow.commit()


async def test_a_run_whose_worker_still_beats_is_never_declared_lost(
    app: Services, place: Place, units: object, caplog: pytest.LogCaptureFixture
) -> None:
    run = await approve_and_trigger(place, ("stg_orders",))  # its job is queued: a worker will look at it
    await hold_as_ghost(place, units, run.id, silent_for=timedelta(0))
    looked = f"run {run.id} is still held by ghost:1"
    async with workers(app, heartbeat=1):
        async with asyncio.timeout(FINISH_SECONDS):
            while caplog.text.count(looked) < 2:  # the job is handed out again, and again; the run stays
                async with units() as uow:  # type: ignore[operator]
                    assert await uow.runs(place.scope).heartbeat(run.id, "ghost:1", 1)  # still running on it
                    await uow.commit()
                await asyncio.sleep(0.2)
        done = await finished(app, place.scope, run.id)  # the ghost falls silent: now it is lost
    assert done.status == RunStatus.FAILED.value and done.reason == "worker_lost"


async def test_a_run_ended_worker_lost_by_the_detector_leaves_no_node_pending_or_running(
    app: Services, place: Place, units: object
) -> None:
    run = await approve_and_trigger(place)
    await hold_as_ghost(place, units, run.id, silent_for=timedelta(hours=1))
    async with workers(app, heartbeat=1):
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.FAILED.value and done.reason == "worker_lost"
    nodes = {n.unique_id: n for n in await app.runs.nodes(place.access, [run.id])}
    assert nodes and not [u for u, n in nodes.items() if n.status in ("pending", "running")]
    interrupted = nodes.pop("model.demo_shop.stg_orders")
    assert interrupted.status == "interrupted" and interrupted.finished_at is not None
    assert {n.status for n in nodes.values()} == {"not_run"}
    assert {n.message for n in [interrupted, *nodes.values()]} == {"run ended: failed (worker_lost)"}
    events = await app.runs.events(place.access, run.id, 0, 100)
    assert events[-1].kind == "status" and events[-1].status == "failed"


async def test_a_worker_whose_run_was_ended_elsewhere_stops_dbt_and_writes_nothing_after_the_end(
    app: Services, variant: Variant, units: object
) -> None:
    place = await make_place(app, *variant(SLOW))
    async with workers(app, heartbeat=4):  # it beats every second: it learns of the end within one, not 7.5
        run = await approve_and_trigger(place)
        await reaches(app, place.scope, run.id, "node_started", "model.demo_shop.slow_model")
        before = await app.runs.events(place.access, run.id, 0, 10_000)
        dbt_pid = next(int(e.payload["pid"]) for e in before if e.kind == "invocation_started")
        async with units() as uow:  # type: ignore[operator]
            # Declared lost by another process (a partition longer than the patience): the verdict stands.
            current = await uow.runs(place.scope).get(run.id, for_update=True)
            await uow.runs(place.scope).append_event(run.id, NewRunEvent(RunEventKind.WORKER_LOST, "worker_lost"))
            await move(uow, place.scope, current, RunStatus.FAILED, "worker_lost")
            await uow.commit()
        assert await gone(dbt_pid)  # the worker learns it at its next heartbeat or write, and stops dbt
    after = await app.runs.run(place.access, run.id)
    assert after is not None and (after.status, after.reason) == ("failed", "worker_lost")
    events = await app.runs.events(place.access, run.id, 0, 10_000)
    assert (events[-1].kind, events[-1].status) == ("status", "failed")  # nothing written after the end
    nodes = await statuses(app, place, run.id)
    assert nodes["model.demo_shop.slow_model"] == "interrupted"


def test_the_migration_says_running_where_node_started_events_said_started(fresh_database: str) -> None:
    config = alembic_config(fresh_database)
    command.upgrade(config, "0015")  # the rows as written before runs had numbers
    tenant, env, run = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events = [  # kind, status as workers before 0018 wrote them
        ("status", "running"), ("node_started", "started"), ("node_finished", "success"), ("stage", None),
    ]  # fmt: skip

    async def seed() -> None:
        c = await asyncpg.connect(asyncpg_dsn(fresh_database))
        try:
            await insert_runs(c, tenant, {env: "e"}, {run: (env, "2026-01-01")})
            for seq, (kind, status) in enumerate(events, 1):
                await c.execute(
                    "INSERT INTO run_events (run_id, seq, tenant_id, kind, status, idempotency_key)"
                    " VALUES ($1, $2, $3, $4, $5, $6)",
                    run, seq, tenant, kind, status, f"k{seq}",
                )  # fmt: skip
        finally:
            await c.close()

    async def read() -> list[tuple[str, str | None]]:
        c = await asyncpg.connect(asyncpg_dsn(fresh_database))
        try:
            return [(r["kind"], r["status"]) for r in await c.fetch("SELECT kind, status FROM run_events ORDER BY seq")]
        finally:
            await c.close()

    asyncio.run(seed())
    command.upgrade(config, "head")
    assert asyncio.run(read()) == [("status", "running"), ("node_started", "running"), ("node_finished", "success"),
                                   ("stage", None)]  # fmt: skip
    command.downgrade(config, "0017")
    assert asyncio.run(read()) == events
