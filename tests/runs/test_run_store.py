"""The run store on the real database: numbering, idempotency, and batched node updates in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.run_records import NewRunEvent
from dvt.application.services import Services
from dvt.config import Settings
from tests.runs.conftest import Place
from tests.runs.test_runs import approve_and_trigger, statuses


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
            run.id, [NewRunEvent("x", "k1"), NewRunEvent("x", "k2"), NewRunEvent("x", "k1")]
        )
        second = await repo.append_events(run.id, [NewRunEvent("x", "k2"), NewRunEvent("x", "k3")])
        await uow.commit()
    assert first == [before + 1, before + 2, None]
    assert second == [None, before + 3]
    events = await app.runs.events(place.scope, run.id, 0, 100)
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
    assert await app.runs.events(place.scope, old.id, 0, 100) == []
    assert await app.runs.logs(place.scope, old.id, 0, 100) == []
    kept = await app.runs.run(place.scope, old.id)
    assert kept is not None and kept.status == "canceled" and await statuses(app, place, old.id)
    assert await app.runs.events(place.scope, recent.id, 0, 100) != []
