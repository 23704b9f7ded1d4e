"""`dvt job ...` (define, list, show, trigger, pause, resume, delete jobs) and `dvt runs list`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dvt.cli.common import JsonOption, TenantOption, group, run, scoped, show
from dvt.cli.remote import jobs as remote_jobs
from dvt.cli.remote import remote_mode, remotely
from dvt.cli.runs import runs_app
from dvt.domain.tenancy import DEFAULT_TENANT

if TYPE_CHECKING:
    from dvt.application.access import Access
    from dvt.application.job_records import JobRecord
    from dvt.application.services import Services

job_app = group("job", "Jobs: dbt commands an environment runs on a schedule, after another job, or when asked")

ProjectOption = Annotated[str, typer.Option("--project", help="Project slug")]
EnvironmentOption = Annotated[str, typer.Option("--environment", help="Environment slug")]
NEXT_FIRES = 5


async def _environment(built: Services, access: Access, project: str, environment: str) -> Any:
    return await built.tenancy.environment(access, project, environment)


async def _job(built: Services, access: Access, project: str, environment: str, name: str) -> JobRecord:
    found = await _environment(built, access, project, environment)
    return await built.jobs.job_named(access, found.id, name)


def _described(built: Services, job: JobRecord) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "name": job.name,
        "steps": [s.command_line() for s in job.steps],
        "schedule": job.cron,
        "timezone": job.timezone,
        "after_job_id": str(job.after_job_id) if job.after_job_id else None,
        "on": job.after_outcome,
        "overlap": job.overlap,
        "misfire": job.misfire,
        "timeout_seconds": job.timeout_seconds,
        "paused": job.paused,
        "next_fire_at": job.next_fire_at.isoformat() if job.next_fire_at else None,
        "next_fires": [f.isoformat() for f in built.jobs.next_fires(job, NEXT_FIRES)] if not job.paused else [],
    }


def _line(job: dict[str, Any]) -> str:
    when = f"{job['schedule']} ({job['timezone']})" if job["schedule"] else "no schedule"
    state = "paused" if job["paused"] else f"next {job['next_fire_at'] or '-'}"
    return f"{job['name']:<24} {' && '.join(job['steps']):<40} {when:<30} {state}"


@job_app.command("create")
def job_create(
    name: Annotated[str, typer.Argument(help="Job name (a slug, unique in the environment)")],
    project: ProjectOption,
    environment: EnvironmentOption,
    schedule: Annotated[str | None, typer.Option("--schedule", help="Cron expression, five fields")] = None,
    timezone: Annotated[str, typer.Option("--timezone", help="IANA time zone of the schedule")] = "UTC",
    step: Annotated[
        list[str] | None, typer.Option("--step", help="A dbt command line, e.g. 'build -s tag:daily' (default build)")
    ] = None,
    after: Annotated[str | None, typer.Option("--after", help="Run after this job of the environment")] = None,
    on: Annotated[str, typer.Option("--on", help="After the other job's: success, failure or always")] = "success",
    overlap: Annotated[str, typer.Option("--overlap", help="skip, queue or cancel while a run is active")] = "skip",
    misfire: Annotated[
        str, typer.Option("--misfire", help="run_once or skip for fires missed while down")
    ] = "run_once",
    timeout: Annotated[int, typer.Option("--timeout", help="Seconds")] = 3600,
    paused: Annotated[bool, typer.Option("--paused", help="Create it paused")] = False,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Define a job; it prints the schedule's next five fires."""
    if (found := remote_mode()) is not None:
        options = {
            "name": name, "steps": step or ["build"], "schedule": schedule, "timezone": timezone, "after": after,
            "on": on, "overlap": overlap, "misfire": misfire, "timeout": timeout, "paused": paused,
        }  # fmt: skip
        _show_created(
            remotely(found, tenant, lambda api: remote_jobs.create(api, project, environment, options)), as_json
        )
        return

    async def work() -> dict[str, Any]:
        from dvt.application.jobs import JobDefinition
        from dvt.domain.errors import ValidationError
        from dvt.domain.jobs import AfterOutcome, JobStep, MisfirePolicy, OverlapPolicy

        def choice(kind: type[Any], value: str, option: str) -> Any:
            try:
                return kind(value)
            except ValueError:
                raise ValidationError(f"{option} takes one of {', '.join(k.value for k in kind)}") from None

        steps = tuple(JobStep.parse(line) for line in (step or ["build"]))
        async with scoped(tenant) as (built, access):
            found = await _environment(built, access, project, environment)
            upstream = await built.jobs.job_named(access, found.id, after) if after else None
            definition = JobDefinition(
                name=name, steps=steps, cron=schedule, timezone=timezone if schedule else None,
                after_job_id=upstream.id if upstream else None,
                after_outcome=choice(AfterOutcome, on, "--on") if upstream else None,
                overlap=choice(OverlapPolicy, overlap, "--overlap"),
                misfire=choice(MisfirePolicy, misfire, "--misfire"),
                timeout_seconds=timeout, paused=paused,
            )  # fmt: skip
            return _described(built, await built.jobs.create(access, found.id, definition))

    _show_created(run(work), as_json)


def _show_created(created: dict[str, Any], as_json: bool) -> None:
    if as_json:
        show(created, True, str)
        return
    typer.echo(f"job {created['name']} created ({created['id']})")
    for fire in created["next_fires"]:
        typer.echo(f"  next: {fire}")


@job_app.command("list")
def job_list(
    project: ProjectOption,
    environment: EnvironmentOption,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """The environment's jobs with their schedules and next fires."""
    if (found := remote_mode()) is not None:
        show(remotely(found, tenant, lambda api: remote_jobs.listed(api, project, environment)), as_json, _line)
        return

    async def work() -> list[dict[str, Any]]:
        async with scoped(tenant) as (built, access):
            found = await _environment(built, access, project, environment)
            return [_described(built, j) for j in await built.jobs.jobs(access, found.id)]

    show(run(work), as_json, _line)


@job_app.command("show")
def job_show(
    name: str, project: ProjectOption, environment: EnvironmentOption,
    tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """One job, its next fires and its latest fires."""
    if (found := remote_mode()) is not None:
        _show_job(remotely(found, tenant, lambda api: remote_jobs.shown(api, project, environment, name)), as_json)
        return

    async def work() -> dict[str, Any]:
        async with scoped(tenant) as (built, access):
            job = await _job(built, access, project, environment, name)
            described = _described(built, job)
            described["fires"] = [
                {"fire_at": f.fire_at.isoformat(), "trigger": f.trigger, "outcome": f.outcome,
                 "run_id": str(f.run_id) if f.run_id else None, "reason": f.reason}
                for f in await built.jobs.fires(access, job.id, 10)
            ]  # fmt: skip
            return described

    _show_job(run(work), as_json)


def _show_job(found: dict[str, Any], as_json: bool) -> None:
    if as_json:
        show(found, True, str)
        return
    typer.echo(_line(found))
    for fire in found["next_fires"]:
        typer.echo(f"  next: {fire}")
    for fire in found["fires"]:
        typer.echo(f"  fired {fire['fire_at']}: {fire['outcome']} {fire['reason'] or ''}".rstrip())


def _command(verb: str) -> Any:
    def command(
        name: str, project: ProjectOption, environment: EnvironmentOption,
        tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False,
    ) -> None:  # fmt: skip
        if (found := remote_mode()) is not None:
            _show_changed(
                remotely(found, tenant, lambda api: remote_jobs.change(api, project, environment, name, verb)),
                name,
                verb,
                as_json,
            )
            return

        async def work() -> dict[str, Any]:
            async with scoped(tenant) as (built, access):
                job = await _job(built, access, project, environment, name)
                changed = await getattr(built.jobs, verb)(access, job.id)
                return _described(built, changed)

        _show_changed(run(work), name, verb, as_json)

    return command


def _show_changed(done: dict[str, Any], name: str, verb: str, as_json: bool) -> None:
    if as_json:
        show(done, True, str)
    else:
        typer.echo(f"job {name}: {verb}d" if verb != "delete" else f"job {name}: deleted")


@job_app.command("trigger")
def job_trigger(
    name: str, project: ProjectOption, environment: EnvironmentOption,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the run's end; exit 1 unless it succeeds")] = False,
    approve: Annotated[bool, typer.Option("--approve", help="With --wait: approve its plan if asked for")] = False,
    tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Run the job now (with --wait: until its run ends, printed as `dvt run --wait` prints it)."""
    from dvt.cli.runs import show_finished

    if (found := remote_mode()) is not None:
        from dvt.cli.remote import runs as remote_runs

        async def remote_work(api: Any) -> dict[str, Any]:
            started = await remote_jobs.change(api, project, environment, name, "trigger")
            run_global_id = started.pop("_global_id")
            if not wait:
                return started
            if not as_json:
                typer.echo(f"run {started['run_id']} (#{started['number']}): {started['status']}")
            done = await remote_runs.wait(api, await remote_runs.fetch(api, run_global_id), approve, as_json)
            return {**started, **_finished_body(done.status, done.reason, done.commit_sha, done.nodes)}

        outcome = remotely(found, tenant, remote_work)
    else:

        async def work() -> dict[str, Any]:
            from dvt.cli.common import load_settings
            from dvt.cli.runs import wait_locally
            from dvt.domain.runs import Trigger

            settings = load_settings()
            async with scoped(tenant) as (built, access):
                job = await _job(built, access, project, environment, name)
                run_ = await built.jobs.trigger(access, job.id, Trigger.CLI)
                started = {"run_id": str(run_.id), "number": run_.number, "status": run_.status}
                if not wait:
                    return started
                if not as_json:
                    typer.echo(f"run {started['run_id']} (#{started['number']}): {started['status']}")
                current, nodes = await wait_locally(settings, built, access, run_, approve, as_json)
                return {**started, **_finished_body(current.status, current.reason, current.commit_sha, nodes)}

        outcome = run(work)
    if not wait:
        if as_json:
            show(outcome, True, str)
        else:
            typer.echo(f"run {outcome['run_id']} (#{outcome['number']}): {outcome['status']}")
        return
    if as_json:  # `dvt run --wait --json`'s body, and the run's number
        show({k: outcome[k] for k in ("run_id", "number", "status", "reason", "commit_sha", "nodes")}, True, str)
        if outcome["status"] not in ("success", "warning"):
            raise typer.Exit(1)
        return
    show_finished(
        outcome["run_id"], outcome["status"], outcome["reason"], outcome["commit_sha"], outcome["nodes"], False, True
    )


def _finished_body(
    status: str, reason: str | None, commit_sha: str | None, nodes: list[dict[str, str]]
) -> dict[str, Any]:
    return {"status": status, "reason": reason, "commit_sha": commit_sha, "nodes": nodes}


def _command_doc(verb: str, command: Any) -> Any:
    command.__doc__ = {
        "pause": "Pause the job's schedule and chains.",
        "resume": "Resume the job from its next occurrence.", "delete": "Delete the job (its runs stay).",
    }[verb]  # fmt: skip
    return command


for _verb in ("pause", "resume", "delete"):
    job_app.command(_verb)(_command_doc(_verb, _command(_verb)))


@runs_app.command("list")
def runs_list(
    project: ProjectOption,
    environment: EnvironmentOption,
    job: Annotated[str | None, typer.Option("--job", help="Only this job's runs")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first")] = 50,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """An environment's runs, newest first: id, number, status, trigger, job, commit, started, finished."""
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import runs as remote_runs

        rows = remotely(found, tenant, lambda api: remote_runs.runs_list(api, project, environment, job, limit))
        show(rows, as_json, _run_line)
        return

    async def work() -> list[dict[str, Any]]:
        from dvt.application.run_records import RunQuery

        async with scoped(tenant) as (built, access):
            found = await _environment(built, access, project, environment)
            only = await built.jobs.job_named(access, found.id, job) if job else None
            page = await built.runs.runs(access, found.id, RunQuery(limit=limit, job_id=only.id if only else None))
            ids = sorted({r.job_id for r in page.items if r.job_id})
            names = {j.id: j.name for j in await built.jobs.jobs_by_ids(access, ids)} if ids else {}
            return [
                {"id": str(r.id), "number": r.number, "status": r.status, "trigger": r.trigger,
                 "job": names.get(r.job_id) if r.job_id else None, "commit": r.commit_sha,
                 "started": _time(r.started_at), "finished": _time(r.finished_at)}
                for r in page.items
            ]  # fmt: skip

    show(run(work), as_json, _run_line)


def _run_line(r: dict[str, Any]) -> str:
    commit = (r["commit"] or "-")[:12]
    return (
        f"#{r['number']:<5} {r['status']:<18} {r['trigger']:<15} {r['job'] or '-':<20} {commit:<12} "
        f"{r['started'] or '-':<26} {r['finished'] or '-'}"
    )


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None
