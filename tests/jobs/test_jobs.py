"""Jobs through the application: define, refuse bad input (storing nothing), pause, resume, delete, trigger."""

from __future__ import annotations

import pytest

from dvt.application.jobs import JobDefinition
from dvt.application.run_records import RunQuery
from dvt.domain.errors import ConflictError, NotFoundError, ValidationError
from dvt.domain.jobs import AfterOutcome, JobStep, OverlapPolicy
from dvt.domain.runs import Trigger
from tests.jobs.conftest import Place, definition


async def test_a_scheduled_job_is_stored_with_its_step_and_next_occurrence(place: Place) -> None:
    job = await place.jobs.create(
        place.access,
        place.environment.id,
        definition(
            "nightly",
            "build -s tag:daily --exclude stg_orders --full-refresh",
            cron="0 2 * * *",
            timezone="Europe/Berlin",
        ),
    )
    assert [s.command_line() for s in job.steps] == ["build --select tag:daily --exclude stg_orders --full-refresh"]
    assert job.next_fire_at is not None and job.next_fire_at.isoformat() == "2026-03-21T01:00:00+00:00"
    listed = await place.jobs.jobs(place.access, place.environment.id)
    assert [j.name for j in listed] == ["nightly"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"cron": "61 * * * *", "timezone": "UTC"}, "invalid cron expression"),
        ({"cron": "* * * * *", "timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"steps": (JobStep("compile"),)}, "not a dbt command a job can run"),
        ({"steps": (JobStep("source freshness"), JobStep("docs generate"))}, "a job needs a planned step"),
        ({"steps": (JobStep("docs generate", vars={"a": 1}), JobStep("build"))}, "takes only --select and --exclude"),
        ({"name": "Not A Slug"}, "invalid job slug"),
        ({"timeout_seconds": 0}, "timeout"),
    ],
)
async def test_bad_input_gets_one_clear_error_and_stores_nothing(
    place: Place, values: dict[str, object], message: str
) -> None:
    base = {"name": "nightly", "steps": (JobStep("build"),)}
    with pytest.raises(ValidationError, match=message):
        await place.jobs.create(place.access, place.environment.id, JobDefinition(**{**base, **values}))  # type: ignore[arg-type]
    assert await place.jobs.jobs(place.access, place.environment.id) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("build --select '--project-dir=/etc'", "option"),
        ("build --target prod", "not supported in a job step"),
        ("build --vars '[1]'", "vars must be a JSON object"),
        ("", "needs a dbt command"),
    ],
)
def test_a_step_that_is_not_a_dbt_command_line_is_refused(line: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        JobStep.parse(line)


def test_a_step_reads_like_a_dbt_command_line() -> None:
    step = JobStep.parse("""dbt run -s tag:a tag:b --selector nightly --vars '{"day": "2026-01-01"}'""")
    assert (step.command, step.select, step.selector, step.vars) == (
        "run",
        ("tag:a", "tag:b"),
        "nightly",
        {"day": "2026-01-01"},
    )
    assert JobStep.parse("source freshness").command == "source freshness"


async def test_a_name_is_unique_in_its_environment(place: Place) -> None:
    await place.jobs.create(place.access, place.environment.id, definition("nightly"))
    with pytest.raises(ConflictError, match="already has a job named 'nightly'"):
        await place.jobs.create(place.access, place.environment.id, definition("nightly"))


async def test_a_chain_that_makes_a_cycle_is_refused_and_nothing_changes(place: Place) -> None:
    a = await place.jobs.create(place.access, place.environment.id, definition("a"))
    b = await place.jobs.create(place.access, place.environment.id, definition("b", after_job_id=a.id))
    c = await place.jobs.create(
        place.access, place.environment.id, definition("c", after_job_id=b.id, after_outcome=AfterOutcome.FAILURE)
    )
    assert (b.after_outcome, c.after_outcome) == ("success", "failure")
    with pytest.raises(ValidationError, match="cycle"):
        await place.jobs.update(place.access, a.id, JobDefinition(after_job_id=c.id))
    with pytest.raises(ValidationError, match="cycle"):
        await place.jobs.update(place.access, a.id, JobDefinition(after_job_id=a.id))
    again = await place.jobs.job(place.access, a.id)
    assert again is not None and again.after_job_id is None


async def test_pause_clears_the_next_occurrence_and_resume_computes_it_from_now(place: Place) -> None:
    job = await place.jobs.create(
        place.access, place.environment.id, definition("hourly", cron="0 * * * *", timezone="UTC")
    )
    assert job.next_fire_at is not None and job.next_fire_at.isoformat() == "2026-03-20T10:00:00+00:00"
    paused = await place.jobs.pause(place.access, job.id)
    assert (paused.paused, paused.next_fire_at) == (True, None)
    place.clock.now = place.clock.now.replace(hour=13, minute=30)
    resumed = await place.jobs.resume(place.access, job.id)
    assert resumed.next_fire_at is not None and resumed.next_fire_at.isoformat() == "2026-03-20T14:00:00+00:00"


async def test_update_changes_only_what_it_is_given(place: Place) -> None:
    job = await place.jobs.create(
        place.access, place.environment.id, definition("nightly", cron="0 2 * * *", timezone="UTC")
    )
    updated = await place.jobs.update(
        place.access, job.id, JobDefinition(overlap=OverlapPolicy.QUEUE, steps=(JobStep.parse("test -s stg_orders"),))
    )
    assert (updated.overlap, updated.steps[0].command, updated.cron) == ("queue", "test", "0 2 * * *")
    assert updated.next_fire_at == job.next_fire_at


async def test_trigger_starts_a_run_of_the_job_with_its_command(place: Place) -> None:
    job = await place.jobs.create(place.access, place.environment.id, definition("seeds", "seed"))
    run = await place.jobs.trigger(place.access, job.id, Trigger.CLI)
    assert (run.job_id, run.command, run.trigger) == (job.id, "seed", "cli")
    page = await place.jobs.runs(place.access, job.id, RunQuery())
    assert [r.id for r in page.items] == [run.id]


async def test_delete_keeps_the_runs_and_unchains_the_jobs_after_it(place: Place) -> None:
    a = await place.jobs.create(place.access, place.environment.id, definition("a"))
    b = await place.jobs.create(place.access, place.environment.id, definition("b", after_job_id=a.id))
    run = await place.jobs.trigger(place.access, a.id)
    await place.jobs.delete(place.access, a.id)
    with pytest.raises(NotFoundError):
        await place.jobs.trigger(place.access, a.id)
    kept = await place.services.runs.run(place.access, run.id)
    assert kept is not None and kept.job_id is None
    after = await place.jobs.job(place.access, b.id)
    assert after is not None and after.after_job_id is None


async def test_another_tenants_job_is_not_found(place: Place, app: object, clock: object) -> None:
    from tests.jobs.conftest import make_place

    job = await place.jobs.create(place.access, place.environment.id, definition("nightly"))
    other = await make_place(place.services, place.clock, ingest=False)
    assert await other.jobs.job(other.access, job.id) is None
    with pytest.raises(NotFoundError):
        await other.jobs.trigger(other.access, job.id)
    with pytest.raises(NotFoundError):
        await other.jobs.pause(other.access, job.id)
