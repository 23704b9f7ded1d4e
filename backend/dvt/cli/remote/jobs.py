"""`dvt job ...` through the API: the same dictionaries the local mode prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dvt.cli.remote import RemoteError, checked, environment_id, iso, local_id, word

if TYPE_CHECKING:
    from dvt.client import DvtClient
    from dvt.client.fragments import JobFields

FIRES = 10  # `dvt job show` lists this many of the latest fires, as the local mode does


def described(job: JobFields) -> dict[str, Any]:
    """A job as `dvt job list/show/create --json` prints it in the local mode."""
    return {
        "id": local_id(job.id),
        "name": job.name,
        "steps": [s.command_line for s in job.steps],
        "schedule": job.cron,
        "timezone": job.timezone,
        "after_job_id": local_id(job.after_job.id) if job.after_job else None,
        "on": word(job.after_outcome),
        "overlap": word(job.overlap),
        "misfire": word(job.misfire),
        "timeout_seconds": job.timeout_seconds,
        "paused": job.paused,
        "next_fire_at": iso(job.next_fire_at),
        "next_fires": [iso(f) for f in job.next_fires] if not job.paused else [],
    }


async def named(api: DvtClient, project: str, environment: str, name: str) -> JobFields:
    env = await environment_id(api, project, environment)
    return await _named_in(api, env, name)


async def _named_in(api: DvtClient, environment: str, name: str) -> JobFields:
    for job in (await api.jobs(environment_id=environment)).jobs:
        if job.name == name:
            return job
    raise RemoteError("job not found")


async def listed(api: DvtClient, project: str, environment: str) -> list[dict[str, Any]]:
    env = await environment_id(api, project, environment)
    return [described(j) for j in (await api.jobs(environment_id=env)).jobs]


async def shown(api: DvtClient, project: str, environment: str, name: str) -> dict[str, Any]:
    job = await named(api, project, environment, name)
    found = (await api.job(id=job.id, fires=FIRES)).job
    if found is None:
        raise RemoteError("job not found")
    out = described(found)
    out["fires"] = [
        {"fire_at": iso(f.fire_at), "trigger": word(f.trigger), "outcome": word(f.outcome),
         "run_id": local_id(f.run.id) if f.run else None, "reason": f.reason}
        for f in found.fires
    ]  # fmt: skip
    return out


async def create(api: DvtClient, project: str, environment: str, options: dict[str, Any]) -> dict[str, Any]:
    from dvt.client.enums import JobAfterOutcome, JobMisfirePolicy, JobOverlapPolicy
    from dvt.client.input_types import CreateJobInput

    def choice(kind: Any, value: str, option: str) -> Any:
        try:
            return kind(value.upper())
        except ValueError:
            raise RemoteError(f"{option} takes one of {', '.join(k.value.lower() for k in kind)}") from None

    env = await environment_id(api, project, environment)
    upstream = await _named_in(api, env, options["after"]) if options["after"] else None
    request = CreateJobInput(
        environmentId=env, name=options["name"], steps=options["steps"], cron=options["schedule"],
        timezone=options["timezone"] if options["schedule"] else None,
        afterJobId=upstream.id if upstream else None,
        afterOutcome=choice(JobAfterOutcome, options["on"], "--on") if upstream else None,
        overlap=choice(JobOverlapPolicy, options["overlap"], "--overlap"),
        misfire=choice(JobMisfirePolicy, options["misfire"], "--misfire"),
        timeoutSeconds=options["timeout"], paused=options["paused"],
    )  # fmt: skip
    made: Any = checked((await api.create_job(input=request)).create_job)
    return described(made)


async def change(api: DvtClient, project: str, environment: str, name: str, verb: str) -> dict[str, Any]:
    """pause, resume, delete or trigger the named job; trigger answers the run it started."""
    from dvt.client.input_types import JobInput

    job = await named(api, project, environment, name)
    which = JobInput(jobId=job.id)
    if verb == "trigger":
        run: Any = checked((await api.trigger_job(input=which)).trigger_job)
        return {"run_id": local_id(run.id), "number": run.number, "status": word(run.status), "_global_id": run.id}
    call = {"pause": api.pause_job, "resume": api.resume_job, "delete": api.delete_job}[verb]
    result: Any = await call(input=which)
    changed: Any = checked(getattr(result, f"{verb}_job"))
    return described(changed)
