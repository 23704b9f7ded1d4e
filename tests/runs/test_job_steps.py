"""A job's steps in one run: `source freshness` and `docs generate` around the planned `build`, in one checkout,
their artifacts kept (freshness history, the catalog), a failed step ending the run there; and the job's
timeout applied. Real dbt on the demo project, a real worker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from dvt.application.job_scheduler import JobScheduler
from dvt.application.jobs import JobDefinition, JobService
from dvt.application.run_records import RunQuery, RunRecord
from dvt.application.services import Services
from dvt.domain.jobs import JobStep
from dvt.domain.plan.plan import ExecutionPlan
from dvt.domain.runs import RunStatus
from tests.jobs.conftest import Clock
from tests.runs.conftest import FINISH_SECONDS, Place, finished

STAGING = "stg_orders"  # its source, raw.orders, is the demo's one with a freshness rule (its seed loads it)


async def test_side_steps_run_in_order_around_the_planned_build_and_their_artifacts_are_kept(
    app: Services, place: Place, worker: object
) -> None:
    steps = ("build", "source freshness", f"docs generate -s {STAGING}")
    job = await app.jobs.create(
        place.access, place.environment.id, JobDefinition(name="nightly", steps=tuple(map(JobStep.parse, steps)))
    )
    run = await app.jobs.trigger(place.access, job.id)
    done = await finished(app, place.scope, run.id)

    assert done.status in (RunStatus.SUCCESS.value, RunStatus.WARNING.value), done.reason
    events = await app.runs.events(place.access, run.id, 0, 1000)
    stages = [e.message for e in events if e.kind == "stage" and e.message.startswith("dbt ")]
    assert stages == ["dbt build", "dbt source freshness", "dbt docs generate"]
    assert {"manifest.json", "run_results.json", "catalog.json", "sources.json"} <= set(done.artifacts)
    invocations = (await app.graph.invocations(place.access, place.environment.id, None, 20)).items
    assert "source freshness" in {i.command for i in invocations}  # per-source freshness history kept
    assert done.graph_version_id is not None
    node = await app.graph.node_by_unique_id(place.access, done.graph_version_id, f"model.demo_shop.{STAGING}")
    assert node is not None
    [detail] = await app.graph.details(place.access, [(done.graph_version_id, node.node_uuid)])
    assert detail.catalog_columns, "the catalog docs generate wrote gives the model's columns and types"


async def test_a_failed_side_step_fails_the_run_there_and_the_steps_after_it_do_not_run(
    app: Services, place: Place, worker: object
) -> None:
    # Before the build, the source's table does not exist yet in this environment's new database: dbt errors.
    steps = ("source freshness", f"build -s +{STAGING}")
    job = await app.jobs.create(
        place.access, place.environment.id, JobDefinition(name="strict", steps=tuple(map(JobStep.parse, steps)))
    )
    run = await app.jobs.trigger(place.access, job.id)
    done = await finished(app, place.scope, run.id)

    assert done.status == RunStatus.FAILED.value
    assert done.reason == "dbt_error: dbt source freshness failed (exit code 1)"
    events = await app.runs.events(place.access, run.id, 0, 1000)
    assert [e.message for e in events if e.kind == "stage" and e.message.startswith("dbt ")] == ["dbt source freshness"]
    statuses = {n.unique_id: n.status for n in await app.runs.nodes(place.access, [run.id])}
    assert statuses[f"model.demo_shop.{STAGING}"] == "not_run"  # the build never ran


async def test_a_jobs_timeout_is_the_runs_limit(app: Services, place: Place, worker: object) -> None:
    definition = JobDefinition(name="quick", steps=(JobStep.parse(f"build -s {STAGING}"),), timeout_seconds=120)
    job = await app.jobs.create(place.access, place.environment.id, definition)
    run = await app.jobs.trigger(place.access, job.id)
    done = await finished(app, place.scope, run.id)
    assert done.limits["timeout_seconds"] == 120  # the worker's own limit is an hour


async def test_an_every_minute_job_fires_by_itself_and_its_run_is_planned_and_run_by_a_worker(
    app: Services, place: Place, worker: object
) -> None:
    """The scheduler's own loop (as `dvt serve` and `dvt worker` run it) and a real worker, nothing called by hand:
    the minute comes (on a clock the test moves), the job fires, a worker plans the run from the branch and runs it."""
    clock = Clock(datetime(2026, 3, 20, 9, 59, 59, tzinfo=UTC))
    jobs = JobService(app.jobs._units, app.runs, clock=clock)
    definition = JobDefinition(name="every-minute", steps=(JobStep.parse("seed -s raw_orders"),), cron="* * * * *")
    job = await jobs.create(place.access, place.environment.id, definition)
    scheduler = JobScheduler(app.jobs._units, app.runs, clock=clock, interval=timedelta(seconds=0.1))
    stop = asyncio.Event()
    looping = asyncio.create_task(scheduler.run(stop))
    found: list[RunRecord] = []
    try:
        await asyncio.sleep(0.5)
        assert (await app.jobs.runs(place.access, job.id, RunQuery())).items == []  # not yet due
        clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
        async with asyncio.timeout(FINISH_SECONDS):
            while not found:  # polled: the fire happens in another task, on the loop's own schedule
                await asyncio.sleep(0.1)
                found = (await app.jobs.runs(place.access, job.id, RunQuery())).items
        [run] = found
        assert run.trigger == "schedule"
        done = await finished(app, place.scope, run.id)
    finally:
        stop.set()
        await looping
        for started in found:  # ended before its job goes: a run's end reads its job's row
            await finished(app, place.scope, started.id)
        await jobs.delete(place.access, job.id)  # its minutes are long past: no other scheduler may fire it again
    assert done.status in (RunStatus.SUCCESS.value, RunStatus.WARNING.value), done.reason
    assert done.commit_sha is not None and done.plan_id is not None


async def test_several_planned_steps_are_one_plan_and_each_runs_its_own_part_in_order(
    app: Services, place: Place, worker: object
) -> None:
    """seed, run, test, then a build that seeds again: one plan of four steps, each step's part of the commands it
    executes only, each run by its own dbt invocation, every step's results kept as history."""
    # (its relationships tests read models this new environment has not built)
    tested = f"test -s {STAGING} --exclude test_name:relationships"
    steps = ("seed -s raw_orders", f"run -s {STAGING}", tested, "build -s raw_orders")
    job = await app.jobs.create(
        place.access, place.environment.id, JobDefinition(name="stepwise", steps=tuple(map(JobStep.parse, steps)))
    )
    run = await app.jobs.trigger(place.access, job.id)
    done = await finished(app, place.scope, run.id)

    assert done.status in (RunStatus.SUCCESS.value, RunStatus.WARNING.value), done.reason
    events = await app.runs.events(place.access, run.id, 0, 1000)
    assert [e.message for e in events if e.kind == "stage" and e.message.startswith("dbt ")] == [
        "dbt seed",
        "dbt run",
        "dbt test",
        "dbt build",
    ]
    assert done.plan_id is not None
    stored = await app.plans.plan(place.access, done.plan_id)
    assert stored is not None
    plan = ExecutionPlan.from_document(stored.document)
    assert [s.command for s in plan.steps] == ["seed", "run", "test", "build"]
    kinds = [{i.resource_type for i in plan.items_of(index)} for index in range(4)]
    assert kinds[:3] == [{"seed"}, {"model"}, {"test"}], "a step plans what its dbt command executes"
    assert "seed" in kinds[3]
    seed = "seed.demo_shop.raw_orders"
    assert [i.step for i in plan.items if i.unique_id == seed] == [0, 3]

    statuses = {n.unique_id: n.status for n in await app.runs.nodes(place.access, [run.id])}
    assert statuses[seed] == "success" and statuses[f"model.demo_shop.{STAGING}"] == "success"
    tests = {i.unique_id for i in plan.items_of(2)}
    assert tests and {statuses[t] for t in tests} <= {"pass", "warn"}
    invocations = (await app.graph.invocations(place.access, place.environment.id, None, 20)).items
    assert {"seed", "run", "test", "build"} <= {i.command for i in invocations}, "each step's results are history"
