"""The scheduler on a fixed clock: due jobs fire once, missed fires follow the policy, overlap, chains, and three
concurrent schedulers over 1,000 jobs due in the same minute fire each occurrence once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from dvt.application import job_scheduler
from dvt.application.audit_ports import AuditQuery
from dvt.application.job_firing import fire, fire_many
from dvt.application.job_records import JobFireRecord
from dvt.application.job_scheduler import JobScheduler
from dvt.application.services import Services
from dvt.domain.errors import ValidationError
from dvt.domain.jobs import AfterOutcome, FireOutcome, MisfirePolicy, OverlapPolicy
from dvt.domain.runs import RunStatus, Trigger
from tests.jobs.conftest import Clock, Place, clean_up, definition, end_in, end_run, job_runs, make_place

RACED_JOBS = 300  # jobs due in the same minute: enough for three loops to meet

MINUTE = "* * * * *"


async def test_an_every_minute_job_fires_when_due_and_its_run_is_triggered(place: Place) -> None:
    job = await place.jobs.create(place.access, place.environment.id, definition("often", cron=MINUTE, timezone="UTC"))
    assert await place.scheduler.tick() == 0  # 09:59:30: not due yet
    place.clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
    assert await place.scheduler.tick() == 1
    assert await place.scheduler.tick() == 0  # the same occurrence never fires twice
    runs = await job_runs(place, job.id)
    assert [(r.trigger, r.job_id, r.command) for r in runs] == [("schedule", job.id, "build")]
    fires = await place.jobs.fires(place.access, job.id)
    assert [(f.fire_at.isoformat(), f.outcome, f.run_id) for f in fires] == [
        ("2026-03-20T10:00:00+00:00", "triggered", runs[0].id)
    ]
    again = await place.jobs.job(place.access, job.id)
    assert again is not None and again.next_fire_at == datetime(2026, 3, 20, 10, 1, tzinfo=UTC)


async def test_a_paused_job_does_not_fire(place: Place) -> None:
    job = await place.jobs.create(place.access, place.environment.id, definition("often", cron=MINUTE, timezone="UTC"))
    await place.jobs.pause(place.access, job.id)
    place.clock.now += timedelta(minutes=5)
    assert await place.scheduler.tick() == 0
    assert await job_runs(place, job.id) == []


async def test_missed_fires_run_once_on_return_for_the_latest_occurrence(place: Place) -> None:
    job = await place.jobs.create(
        place.access, place.environment.id,
        definition("often", cron=MINUTE, timezone="UTC", misfire=MisfirePolicy.RUN_ONCE),
    )  # fmt: skip
    place.clock.now = datetime(2026, 3, 20, 12, 30, 20, tzinfo=UTC)  # no process was up for two and a half hours
    assert await place.scheduler.tick() == 1
    fires = await place.jobs.fires(place.access, job.id)
    assert [(f.fire_at.isoformat(), f.outcome) for f in fires] == [("2026-03-20T12:30:00+00:00", "triggered")]
    assert len(await job_runs(place, job.id)) == 1
    again = await place.jobs.job(place.access, job.id)
    assert again is not None and again.next_fire_at == datetime(2026, 3, 20, 12, 31, tzinfo=UTC)


async def test_missed_fires_are_recorded_and_skipped_by_the_skip_policy(place: Place) -> None:
    job = await place.jobs.create(
        place.access, place.environment.id,
        definition("hourly", cron="0 * * * *", timezone="UTC", misfire=MisfirePolicy.SKIP),
    )  # fmt: skip
    place.clock.now = datetime(2026, 3, 20, 12, 30, tzinfo=UTC)
    assert await place.scheduler.tick() == 1
    fires = await place.jobs.fires(place.access, job.id)
    assert [(f.fire_at.isoformat(), f.outcome) for f in fires] == [("2026-03-20T12:00:00+00:00", "missed")]
    assert await job_runs(place, job.id) == []
    again = await place.jobs.job(place.access, job.id)
    assert again is not None and again.next_fire_at == datetime(2026, 3, 20, 13, 0, tzinfo=UTC)


async def _due_twice(place: Place, overlap: OverlapPolicy) -> uuid.UUID:
    job = await place.jobs.create(
        place.access, place.environment.id, definition("often", cron=MINUTE, timezone="UTC", overlap=overlap)
    )
    place.clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
    assert await place.scheduler.tick() == 1
    place.clock.now = datetime(2026, 3, 20, 10, 1, 1, tzinfo=UTC)  # the first run has not ended
    assert await place.scheduler.tick() == 1
    return job.id


async def test_overlap_skip_records_a_skipped_fire_and_starts_nothing(place: Place) -> None:
    job_id = await _due_twice(place, OverlapPolicy.SKIP)
    assert len(await job_runs(place, job_id)) == 1
    fires = await place.jobs.fires(place.access, job_id)
    assert [f.outcome for f in fires] == ["skipped", "triggered"]


async def test_overlap_queue_starts_the_waiting_fire_when_the_active_run_ends(place: Place) -> None:
    job_id = await _due_twice(place, OverlapPolicy.QUEUE)
    [first] = await job_runs(place, job_id)
    assert [f.outcome for f in await place.jobs.fires(place.access, job_id)] == ["waiting", "triggered"]
    await end_run(place, first.id, RunStatus.SUCCESS)
    runs = await job_runs(place, job_id)
    assert runs[0].id == first.id and len(runs) == 2
    fires = await place.jobs.fires(place.access, job_id)
    assert [(f.outcome, f.run_id) for f in fires] == [("triggered", runs[1].id), ("triggered", first.id)]


async def test_a_job_deleted_while_its_run_ends_is_deleted_after_that_end_without_a_deadlock(place: Place) -> None:
    """The run's end holds the run, then locks the job (to start the fire waiting behind it); the delete, which
    nulls the job_id of the job's runs, must take the run first too, or one of the two dies as a deadlock."""
    job_id = await _due_twice(place, OverlapPolicy.QUEUE)
    [first] = await job_runs(place, job_id)
    async with place.services.jobs._units() as ending:
        run = await ending.runs(place.scope).get(first.id, for_update=True)  # the end holds its run
        assert run is not None
        deleting = asyncio.create_task(place.jobs.delete(place.access, job_id))
        await _until_a_lock_is_awaited(place, deleting)
        await end_in(ending, place, run, RunStatus.SUCCESS)
        await ending.commit()
    deleted = await asyncio.wait_for(deleting, 30)
    assert deleted.id == job_id
    async with place.services.jobs._units() as uow:
        rows = await uow.session.execute(  # type: ignore[attr-defined]
            text("SELECT status, job_id FROM runs WHERE tenant_id = :t ORDER BY number"), {"t": place.scope.tenant_id}
        )
        # The end started the fire waiting behind its run; the delete then kept both runs, without their job.
        assert [(status == "success", job) for status, job in rows] == [(True, None), (False, None)]


async def _until_a_lock_is_awaited(place: Place, task: asyncio.Task[object]) -> None:
    """Until a transaction of this database waits for a row lock (the task's, behind the run's end)."""
    for _ in range(300):
        if task.done():
            raise AssertionError(f"the task ended without waiting: {task.exception() or task.result()}")
        async with place.services.jobs._units() as uow:
            waiting = await uow.session.scalar(  # type: ignore[attr-defined]
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the delete never waited for the run's lock")


async def test_overlap_cancel_cancels_the_earlier_run_then_starts_a_new_one(place: Place) -> None:
    job_id = await _due_twice(place, OverlapPolicy.CANCEL)
    first, second = await job_runs(place, job_id)
    assert first.status == RunStatus.CANCELED.value
    assert not RunStatus(second.status).finished


async def test_overlap_cancel_audits_the_cancel_after_the_new_run_as_the_lock_order_wants(place: Place) -> None:
    """The cancel's record is what a cancel records, taken last in the fire (after the new run's environment row
    and the dispatch lock, where the audit chain's lock belongs), and the tenant's chain still verifies."""
    job_id = await _due_twice(place, OverlapPolicy.CANCEL)
    first, second = await job_runs(place, job_id)
    audit = place.services.audit
    [canceled] = (await audit.log(place.access, AuditQuery(action_prefix="run.cancel"), None, 100)).items
    assert (canceled.event.resource_id, canceled.event.details) == (str(first.id), {"was": RunStatus.PLANNING.value})
    assert (canceled.event.actor_kind, canceled.event.actor_subject) == (
        place.access.actor.kind,
        place.access.actor.subject,
    )
    triggers = await audit.log(place.access, AuditQuery(action_prefix="run.trigger"), None, 100)
    [new_run] = [e for e in triggers.items if e.event.resource_id == str(second.id)]
    assert canceled.sequence > new_run.sequence
    assert (await audit.verify(place.scope)).ok


async def test_a_run_a_fire_cancels_is_told_to_the_jobs_after_its_job_once_by_the_scheduler(place: Place) -> None:
    """Told inside the fire, the chained job would lock its row, environment and the audit chain in the middle of the
    fire, against the one order of locks: the scheduler tells the cancel's end in a transaction of its own, once."""
    upstream = await place.jobs.create(
        place.access,
        place.environment.id,
        definition("often", cron=MINUTE, timezone="UTC", overlap=OverlapPolicy.CANCEL),
    )
    alert = await place.jobs.create(
        place.access, place.environment.id,
        definition("alert", "seed", after_job_id=upstream.id, after_outcome=AfterOutcome.FAILURE),
    )  # fmt: skip
    place.clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
    await place.scheduler.tick()
    [first] = await job_runs(place, upstream.id)
    async with place.services.jobs._units() as uow:  # a second occurrence while the first run is still planning
        locked = await uow.job_definitions(place.scope).get(upstream.id, for_update=True)
        assert locked is not None
        fired = await fire(uow, place.services.runs, place.scope, locked, place.clock.now, Trigger.SCHEDULE)
        await uow.commit()
    assert fired is not None and fired.outcome == FireOutcome.TRIGGERED.value
    canceled = await place.services.runs.run(place.access, first.id)
    assert canceled is not None and canceled.status == RunStatus.CANCELED.value
    assert await job_runs(place, alert.id) == [], "not told inside the fire"
    await place.scheduler.tick()
    [chained] = await job_runs(place, alert.id)
    assert chained.trigger == "job_completion"
    await place.scheduler.tick()
    assert len(await job_runs(place, alert.id)) == 1, "told once"
    assert (await place.services.audit.verify(place.scope)).ok


async def test_a_chained_job_runs_after_its_upstream_on_the_outcome_it_follows(place: Place) -> None:
    upstream = await place.jobs.create(place.access, place.environment.id, definition("load"))
    on_success = await place.jobs.create(
        place.access, place.environment.id, definition("report", "test", after_job_id=upstream.id)
    )
    on_failure = await place.jobs.create(
        place.access, place.environment.id,
        definition("alert", "run -s stg_orders", after_job_id=upstream.id, after_outcome=AfterOutcome.FAILURE),
    )  # fmt: skip
    always = await place.jobs.create(
        place.access, place.environment.id,
        definition("tidy", "seed", after_job_id=upstream.id, after_outcome=AfterOutcome.ALWAYS),
    )  # fmt: skip
    run = await place.jobs.trigger(place.access, upstream.id)
    await end_run(place, run.id, RunStatus.SUCCESS)
    chained = [(await job_runs(place, j.id)) for j in (on_success, on_failure, always)]
    assert [len(r) for r in chained] == [1, 0, 1]
    assert {r[0].trigger for r in chained if r} == {"job_completion"}
    run = await place.jobs.trigger(place.access, upstream.id)
    await end_run(place, run.id, RunStatus.FAILED)
    assert [len(await job_runs(place, j.id)) for j in (on_success, on_failure, always)] == [1, 1, 1]
    # "always" fired again, but its first run is still active and its overlap policy is skip
    assert [f.outcome for f in await place.jobs.fires(place.access, always.id)] == ["skipped", "triggered"]


@pytest.fixture
async def bare(app: Services, clock: Clock) -> AsyncIterator[Place]:
    """An environment without a graph (its runs are planned from git by a worker, and none runs here)."""
    made = await make_place(app, clock, ingest=False)
    yield made
    await clean_up(made)


async def test_a_fire_refused_by_the_run_service_is_recorded_and_the_schedule_moves_on(
    bare: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = bare
    job = await place.jobs.create(place.access, place.environment.id, definition("often", cron=MINUTE, timezone="UTC"))

    async def refused(*args: object, **kwargs: object) -> None:
        raise ValidationError("the environment's quota refuses new runs")

    monkeypatch.setattr(place.services.runs, "trigger_many_in", refused)
    place.clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
    assert await place.scheduler.tick() == 1
    [fired] = await place.jobs.fires(place.access, job.id)
    assert fired.outcome == FireOutcome.FAILED.value and fired.reason and "quota" in fired.reason
    again = await place.jobs.job(place.access, job.id)
    assert again is not None and again.next_fire_at == datetime(2026, 3, 20, 10, 1, tzinfo=UTC)


async def test_three_concurrent_schedulers_fire_each_of_many_occurrences_once(bare: Place) -> None:
    """Three loops, each on its own connections, race for jobs due in the same minute: each occurrence fires once
    and triggers one run (queued for a worker to plan it). The benchmark does the same with 1,000 jobs and three
    processes (docs/benchmarks.md, Schedules)."""
    place = bare
    async with place.services.jobs._units() as uow:  # the jobs written directly: the race is what is tested
        session = uow.session  # type: ignore[attr-defined]
        await session.execute(
            text(
                """INSERT INTO jobs (id, tenant_id, environment_id, name, steps, timeout_seconds, overlap, misfire,
                   cron, timezone, next_fire_at, created_by)
                   SELECT gen_random_uuid(), :tenant, :environment, 'job-' || n,
                          '[{"command": "build", "select": ["stg_customers"]}]'::jsonb, 3600, 'skip', 'run_once',
                          '* * * * *', 'UTC', :due, 'test'
                   FROM generate_series(1, :jobs) AS n"""
            ),
            {
                "tenant": place.scope.tenant_id,
                "environment": place.environment.id,
                "due": datetime(2026, 3, 20, 10, 0, tzinfo=UTC),
                "jobs": RACED_JOBS,
            },
        )
        await uow.commit()
    clock = Clock(datetime(2026, 3, 20, 10, 0, 2, tzinfo=UTC))
    units, runs = place.services.jobs._units, place.services.jobs._runs
    schedulers = [JobScheduler(units, runs, clock=clock) for _ in range(3)]
    recorded = await asyncio.gather(*(s.tick() for s in schedulers))
    assert sum(recorded) == RACED_JOBS
    assert sum(1 for r in recorded if r > 0) >= 2  # they really raced
    async with place.services.jobs._units() as uow:
        session = uow.session  # type: ignore[attr-defined]
        fires = (await session.execute(text(
            "SELECT count(*), count(DISTINCT job_id) FROM job_fires WHERE tenant_id = :t"), {"t": place.scope.tenant_id}
        )).one()  # fmt: skip
        runs = await session.scalar(
            text("SELECT count(*) FROM runs WHERE tenant_id = :t AND job_id IS NOT NULL"), {"t": place.scope.tenant_id}
        )
        numbers = (
            await session.execute(
                text("SELECT min(number), max(number), count(DISTINCT number) FROM runs WHERE environment_id = :e"),
                {"e": place.environment.id},
            )
        ).one()
        late = await session.scalar(
            text("SELECT count(*) FROM jobs WHERE tenant_id = :t AND next_fire_at <> :next"),
            {"t": place.scope.tenant_id, "next": datetime(2026, 3, 20, 10, 1, tzinfo=UTC)},
        )
    assert tuple(fires) == (RACED_JOBS, RACED_JOBS)
    assert runs == RACED_JOBS  # one run an occurrence
    assert tuple(numbers) == (1, RACED_JOBS, RACED_JOBS)  # the environment's run numbers: no gap, no repeat
    assert late == 0  # every job advanced once, to its next occurrence


async def test_a_batch_of_fires_records_run_triggers_and_other_fires_as_one_by_one_fires_did(place: Place) -> None:
    """Run numbers follow the batch's order in the environment; each triggered run is audited as run.trigger with
    its job, each other fire as job.fire with its outcome and reason, and the tenant's chain still verifies."""
    jobs = [
        await place.jobs.create(
            place.access, place.environment.id, definition(f"often-{n}", cron=MINUTE, timezone="UTC")
        )
        for n in range(3)
    ]
    place.clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
    assert await place.scheduler.tick() == 3
    place.clock.now = datetime(2026, 3, 20, 10, 1, 1, tzinfo=UTC)  # the first runs are still active: skipped
    assert await place.scheduler.tick() == 3
    runs = {job.id: await job_runs(place, job.id) for job in jobs}
    assert sorted(r.number for found in runs.values() for r in found) == [1, 2, 3]
    audit = place.services.audit
    triggers = await audit.log(place.access, AuditQuery(action_prefix="run.trigger"), None, 100)
    assert {(e.event.resource_id, e.event.details["job_id"]) for e in triggers.items} == {
        (str(found[0].id), str(job_id)) for job_id, found in runs.items()
    }
    fires = await audit.log(place.access, AuditQuery(action_prefix="job.fire"), None, 100)
    assert {(e.event.resource_id, e.event.details["outcome"], e.event.details["fire_at"]) for e in fires.items} == {
        (str(job.id), "skipped", "2026-03-20T10:01:00+00:00") for job in jobs
    }
    assert all(e.event.details["reason"].startswith("skipped: the job's previous run") for e in fires.items)
    assert (await audit.verify(place.scope)).ok


async def test_a_batch_that_fails_is_fired_again_job_by_job_and_only_the_failing_job_records_a_failure(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = [
        await place.jobs.create(
            place.access, place.environment.id, definition(f"often-{n}", cron=MINUTE, timezone="UTC")
        )
        for n in range(3)
    ]
    broken = jobs[1]

    async def broken_for_one(*args: Any, **kwargs: Any) -> list[JobFireRecord | None]:
        if any(occurrence.job.id == broken.id for occurrence in args[3]):
            raise RuntimeError("a bug only this job meets")
        return await fire_many(*args, **kwargs)

    monkeypatch.setattr(job_scheduler, "fire_many", broken_for_one)
    place.clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
    assert await place.scheduler.tick() == 3
    outcomes = {job.id: [(f.outcome, f.reason) for f in await place.jobs.fires(place.access, job.id)] for job in jobs}
    assert outcomes == {
        jobs[0].id: [("triggered", None)],
        broken.id: [("failed", "internal error: RuntimeError")],
        jobs[2].id: [("triggered", None)],
    }
    assert [len(await job_runs(place, job.id)) for job in jobs] == [1, 0, 1]
    for job in jobs:  # each advanced to its next occurrence, the failing one too
        again = await place.jobs.job(place.access, job.id)
        assert again is not None and again.next_fire_at == datetime(2026, 3, 20, 10, 1, tzinfo=UTC)


async def test_a_stored_schedule_that_cannot_be_computed_fails_its_job_alone_and_the_others_fire(place: Place) -> None:
    """The API refuses such schedules, but a row may hold one (stored before a check, or a zone this host's tz
    database lacks): its job records one failed fire and stops being due, while the pass fires the other jobs."""
    good, bad_cron, bad_zone = [
        await place.jobs.create(place.access, place.environment.id, definition(name, cron=MINUTE, timezone="UTC"))
        for name in ("good", "bad-cron", "bad-zone")
    ]
    async with place.services.jobs._units() as uow:
        session = uow.session  # type: ignore[attr-defined]
        update = "UPDATE jobs SET cron = :cron, timezone = :zone WHERE id = :id"
        await session.execute(text(update), {"cron": "61 * * * *", "zone": "UTC", "id": bad_cron.id})
        await session.execute(text(update), {"cron": MINUTE, "zone": "Mars/Olympus_Mons", "id": bad_zone.id})
        await uow.commit()
    place.clock.now = datetime(2026, 3, 20, 10, 0, 1, tzinfo=UTC)
    assert await place.scheduler.tick() == 3
    assert len(await job_runs(place, good.id)) == 1
    for bad, named in ((bad_cron, "'61 * * * *'"), (bad_zone, "'Mars/Olympus_Mons'")):
        [fired] = await place.jobs.fires(place.access, bad.id)
        assert (fired.outcome, fired.fire_at) == (FireOutcome.FAILED.value, datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
        assert fired.reason and "cannot be computed" in fired.reason and named in fired.reason
        assert await job_runs(place, bad.id) == []
        again = await place.jobs.job(place.access, bad.id)
        assert again is not None and again.next_fire_at is None  # no longer claimed, pass after pass
    audited = await place.services.audit.log(place.access, AuditQuery(action_prefix="job.fire"), None, 100)
    assert {(e.event.resource_id, e.event.details["outcome"]) for e in audited.items} == {
        (str(bad_cron.id), "failed"),
        (str(bad_zone.id), "failed"),
    }
    place.clock.now = datetime(2026, 3, 20, 10, 1, 1, tzinfo=UTC)
    assert await place.scheduler.tick() == 1  # the good job alone (skipped: its first run is still active)
    assert [len(await place.jobs.fires(place.access, bad.id)) for bad in (bad_cron, bad_zone)] == [1, 1]
    # Its page offers pause and resume: pausing works; resuming says what is wrong with the schedule, as editing it
    # would, instead of an internal error, and changes nothing.
    await place.jobs.pause(place.access, bad_cron.id)
    with pytest.raises(ValidationError, match="invalid cron expression '61 \\* \\* \\* \\*'"):
        await place.jobs.resume(place.access, bad_cron.id)
    with pytest.raises(ValidationError, match="Mars/Olympus_Mons"):
        await place.jobs.resume(place.access, bad_zone.id)
    still = await place.jobs.job(place.access, bad_cron.id)
    assert still is not None and still.paused
