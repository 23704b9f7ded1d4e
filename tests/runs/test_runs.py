"""Runs end to end: real dbt on the demo project, real workers on the real queue, real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

import asyncpg
import orjson
import pytest

from dvt.adapters.artifacts.store import LocalArtifactStore
from dvt.adapters.db.engine import plain_dsn
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.run_records import RunRecord
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.errors import ConflictError
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.quotas import Quotas
from dvt.domain.runs import RunStatus
from tests.runs.conftest import Place, finished, make_place, reaches, workers

Variant = Callable[[Mapping[str, str | None]], tuple[Path, bytes]]

BROKEN = {
    # An error, a model downstream of it (skipped), and a test that only warns.
    "models/marts/finance/broken.sql": "select no_such_column from {{ ref('stg_orders') }}\n",
    "models/marts/finance/after_broken.sql": "select * from {{ ref('broken') }}\n",
    "tests/warn_always.sql": "{{ config(severity='warn') }}\nselect 1 as offending_row\n",
}
WARN_ONLY = {"tests/warn_always.sql": BROKEN["tests/warn_always.sql"]}
SLOW = {
    # A python model that takes minutes, after the seeds and staging models have finished.
    "models/marts/finance/slow_model.py": (
        "import time\n\n\ndef model(dbt, session):\n    dbt.config(materialized='table')\n"
        "    dbt.ref('stg_orders')\n    time.sleep(600)\n    return session.sql('select 1 as x')\n"
    ),
}


async def approve_and_trigger(place: Place, select: tuple[str, ...] = ()) -> RunRecord:
    plan = await place.services.plans.create(place.access, place.environment.id, PlanRequest(select=select))
    if plan.status == "draft":
        plan = await place.services.plans.approve(place.access, plan.id, plan.fingerprint)
    return await place.services.runs.trigger(place.access, place.environment.id, plan_id=plan.id)


async def explain(services: Services, place: Place, run: RunRecord) -> str:
    """Why a run ended as it did: its reason and the end of its logs, for a failing assertion."""
    chunks = await services.runs.logs(place.access, run.id, 0, 10_000)
    return f"{run.status} ({run.reason}):\n" + "\n".join(c.text for c in chunks)[-3000:]


async def statuses(services: Services, place: Place, run_id: uuid.UUID) -> dict[str, str]:
    return {n.unique_id: n.status for n in await services.runs.nodes(place.access, [run_id])}


async def test_a_demo_run_succeeds_node_by_node_and_becomes_the_next_graph_version(app: Services, place: Place) -> None:
    async with workers(app):
        run = await approve_and_trigger(place)
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.SUCCESS.value, done.reason
    nodes = await statuses(app, place, run.id)
    assert nodes and set(nodes.values()) <= {"success", "pass", "ephemeral", "no-op"}  # no-op: the exposure
    assert nodes["model.demo_shop.int_order_payments"] == "ephemeral"
    events = await app.runs.events(place.access, run.id, 0, 10_000)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))  # gap-free, in commit order
    kinds = [e.status for e in events if e.kind == "status"]
    assert kinds == ["queued", "planning", "awaiting_worker", "running", "success"]
    started = {e.unique_id for e in events if e.kind == "node_started"}
    ended = {e.unique_id for e in events if e.kind == "node_finished"}
    assert started == ended  # dbt also reports ephemeral models, which it compiles into others and never runs
    assert {u for u, status in nodes.items() if status != "ephemeral"} <= started
    assert done.graph_version_id is not None and done.invocation_id
    assert {"manifest.json", "run_results.json"} <= set(done.artifacts)
    assert done.actual_cost_micros is not None and done.exit_code == 0
    logs = await app.runs.logs(place.access, run.id, 0, 10_000)
    assert any("Completed successfully" in chunk.text for chunk in logs)


async def test_a_runs_nodes_are_exactly_those_dbt_reports_with_dbts_statuses(
    app: Services, place: Place, settings: Settings
) -> None:
    async with workers(app):
        done = await finished(app, place.scope, (await approve_and_trigger(place)).id)
    digest = done.artifacts["run_results.json"]["sha256"]
    stored = await LocalArtifactStore(settings.artifact_root).get(digest, digest)
    reported = {r["unique_id"]: r["status"] for r in orjson.loads(stored)["results"]}
    nodes = await statuses(app, place, done.id)
    # dbt lists the demo's exposure (as no-op, dbt 1.11) though `dbt build` executes nothing for it, so the
    # plan does not run it; the run shows it as dbt does.
    assert reported["exposure.demo_shop.weekly_revenue_dashboard"] == "no-op"
    assert {u: s for u, s in nodes.items() if s != "ephemeral"} == reported
    assert done.status == RunStatus.SUCCESS.value


async def test_a_failing_model_fails_the_run_and_skips_what_depends_on_it(app: Services, variant: Variant) -> None:
    place = await make_place(app, *variant(BROKEN))
    async with workers(app):
        run = await approve_and_trigger(place)
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.FAILED.value and done.reason == "dbt_error"
    nodes = await statuses(app, place, run.id)
    assert nodes["model.demo_shop.broken"] == "error"
    assert nodes["model.demo_shop.after_broken"] == "skipped"
    assert nodes["test.demo_shop.warn_always"] == "warn"
    assert nodes["model.demo_shop.stg_orders"] == "success"


async def test_a_warning_test_and_no_error_ends_the_run_as_warning(app: Services, variant: Variant) -> None:
    place = await make_place(app, *variant(WARN_ONLY))
    async with workers(app):
        done = await finished(app, place.scope, (await approve_and_trigger(place)).id)
    assert done.status == RunStatus.WARNING.value
    assert (await statuses(app, place, done.id))["test.demo_shop.warn_always"] == "warn"


async def test_retry_runs_only_what_failed_or_was_not_reached(app: Services, variant: Variant) -> None:
    place = await make_place(app, *variant(BROKEN))
    async with workers(app):
        failed = await finished(app, place.scope, (await approve_and_trigger(place)).id)
        retry = await app.runs.retry(place.access, failed.id)
        again = await finished(app, place.scope, retry.id)
    assert retry.retry_of == failed.id and retry.trigger == "retry"
    ran = {u for u, status in (await statuses(app, place, again.id)).items() if status != "no-op"}  # the exposure
    assert ran == {"model.demo_shop.broken", "model.demo_shop.after_broken"}
    with pytest.raises(ConflictError):
        await app.runs.retry(place.access, (await approve_and_trigger_and_finish(app, place)).id)


async def approve_and_trigger_and_finish(app: Services, place: Place) -> RunRecord:
    plan = await app.plans.create(place.access, place.environment.id, PlanRequest(select=("stg_orders",)))
    if plan.status == "draft":
        plan = await app.plans.approve(place.access, plan.id, plan.fingerprint)
    async with workers(app):
        run = await app.runs.trigger(place.access, place.environment.id, plan_id=plan.id)
        return await finished(app, place.scope, run.id)


async def test_cancel_mid_run_interrupts_dbt_and_keeps_the_finished_nodes(app: Services, variant: Variant) -> None:
    place = await make_place(app, *variant(SLOW))
    async with workers(app):
        run = await approve_and_trigger(place)
        await reaches(app, place.scope, run.id, "node_started", "model.demo_shop.slow_model")
        await app.runs.cancel(place.access, run.id)
        await app.runs.cancel(place.access, run.id)  # asked twice: two events, one cancellation
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.CANCELED.value
    nodes = await statuses(app, place, run.id)
    assert nodes["seed.demo_shop.raw_orders"] == "success"  # finished before the cancel: kept
    assert nodes["model.demo_shop.slow_model"] != "success"
    events = await app.runs.events(place.access, run.id, 0, 10_000)
    assert len([e for e in events if e.kind == "cancel_requested"]) == 2


async def test_a_run_not_yet_started_is_canceled_at_once_and_cannot_move_again(app: Services, place: Place) -> None:
    run = await approve_and_trigger(place)  # no worker: it waits
    canceled = await app.runs.cancel(place.access, run.id)
    assert canceled.status == RunStatus.CANCELED.value
    async with workers(app):
        await asyncio.sleep(2)  # its job, if a worker takes it, finds nothing to run
    still = await app.runs.run(place.access, run.id)
    assert still is not None and still.status == RunStatus.CANCELED.value and still.started_at is None


async def test_two_workers_racing_for_one_run_run_it_once(app: Services, place: Place) -> None:
    async with workers(app, count=2):
        run = await approve_and_trigger(place, ("raw_orders",))
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.SUCCESS.value and done.attempt == 1, await explain(app, place, done)
    events = await app.runs.events(place.access, run.id, 0, 10_000)
    assert [e.status for e in events if e.kind == "status"].count("running") == 1
    # The same job delivered twice (a redelivery) finds the run taken and does nothing.
    assert await app.run_executor.execute(place.scope.tenant_id, run.id) is None


async def test_a_run_over_its_environments_quota_waits_queued_with_the_reason(app: Services, place: Place) -> None:
    await app.tenancy.set_quotas(place.access, Quotas(max_concurrent_runs=1), place.environment.id)
    first = await approve_and_trigger(place, ("raw_orders",))
    second = await approve_and_trigger(place, ("raw_customers",))
    assert second.status == RunStatus.QUEUED.value and second.reason and "quota" in second.reason
    async with workers(app):
        ran = await finished(app, place.scope, first.id)
        assert ran.status == RunStatus.SUCCESS.value, await explain(app, place, ran)
        ran = await finished(app, place.scope, second.id)
        assert ran.status == RunStatus.SUCCESS.value, await explain(app, place, ran)


async def test_a_run_whose_graph_moved_on_refuses_to_start(app: Services, place: Place, variant: Variant) -> None:
    run = await approve_and_trigger(place, ("stg_orders",))
    stg_orders = (place.repo / "models/staging/stg_orders.sql").read_text()
    _, changed = variant({"models/staging/stg_orders.sql": stg_orders + "\n-- changed\n"})
    target = IngestTarget("shop", "dev", create_missing=False)
    await app.ingest.ingest(place.access, target, [ArtifactFile("manifest.json", changed)])
    async with workers(app):
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.FAILED.value and done.reason and done.reason.startswith("graph_moved")


async def terminate_sessions(database_url: str, names: tuple[str, ...]) -> int:
    """Drop every connection of these applications to the test database, as a server restart would."""
    connection = await asyncpg.connect(plain_dsn(database_url))
    try:
        killed = await connection.fetchval(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity"
            " where datname = current_database() and application_name = any($1::text[]) and pid <> pg_backend_pid()",
            list(names),
        )
    finally:
        await connection.close()
    return int(killed)


async def test_connections_dropped_mid_run_lose_no_event_and_double_none(
    app: Services, place: Place, settings: Settings
) -> None:
    async with workers(app):
        run = await approve_and_trigger(place)
        await reaches(app, place.scope, run.id, "node_finished")
        assert await terminate_sessions(settings.database_url or "", ("dvt", "dvt-listen")) > 0
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.SUCCESS.value, await explain(app, place, done)
    events = await app.runs.events(place.access, run.id, 0, 10_000)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    finishes = [e.unique_id for e in events if e.kind == "node_finished"]
    assert len(finishes) == len(set(finishes))  # a write retried after the drop did not land twice
    nodes = await statuses(app, place, run.id)
    assert set(nodes.values()) <= {"success", "pass", "ephemeral", "no-op"}  # no-op: the exposure, as dbt says


async def test_two_dispatchers_at_once_never_move_more_runs_than_the_quota_allows(app: Services, place: Place) -> None:
    await app.tenancy.set_quotas(place.access, Quotas(max_concurrent_runs=0), place.environment.id)
    waiting = [await approve_and_trigger(place, (seed,)) for seed in ("raw_orders", "raw_customers", "raw_payments")]
    assert {r.status for r in waiting} == {RunStatus.QUEUED.value}
    await app.tenancy.set_quotas(place.access, Quotas(max_concurrent_runs=1), place.environment.id)
    await asyncio.gather(*(app.runs.dispatch(place.scope) for _ in range(3)))
    now = [await app.runs.run(place.access, r.id) for r in waiting]
    assert sorted(r.status for r in now if r) == ["awaiting_worker", "queued", "queued"]
