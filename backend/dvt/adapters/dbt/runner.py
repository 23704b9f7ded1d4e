"""The dbt runner: one run in its own work directory, reported to the sink as it happens.

Layout of `spec.work_dir`: `project/` (the checkout), `profiles/`, `run/` (dbt's JSON log and `target/`),
`deps/` (the log of `dbt deps`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dvt.adapters.dbt.errors import RunnerSetupError
from dvt.adapters.dbt.events import LogFileTail, parse_log_line
from dvt.adapters.dbt.logs import RunnerReports
from dvt.adapters.dbt.process import ProcessOutcome, applied_limits, supervise
from dvt.adapters.dbt.profiles import Profile, write_profile
from dvt.adapters.dbt.tagging import inject_query_tag
from dvt.adapters.dbt.workspace import GitMirrors
from dvt.adapters.secrets.redaction import redact, register
from dvt.application.run_ports import RunnerEvent, RunnerOutcome, RunSink, RunSpec, earlier_run_results
from dvt.domain.errors import ValidationError
from dvt.domain.graph.selection import check_selections, check_selector_name
from dvt.domain.runs import RunEventKind, RunStep

COMMANDS = ("build", "run", "test", "seed", "snapshot")
_FULL_REFRESH_COMMANDS = ("build", "run", "seed")
ARTIFACTS = ("manifest.json", "run_results.json", "catalog.json", "sources.json")
# What DVT keeps of a side step's target: the catalog (columns and types, from the warehouse) and the freshness.
SIDE_ARTIFACTS = {"docs generate": ("catalog.json",), "source freshness": ("sources.json",)}
TAIL_SECONDS = 0.05  # how often the JSON log is read: an event reaches the sink within about this
_SECRET_NAME = re.compile(r"^DBT_ENV_SECRET_[A-Za-z0-9_]+$")
# What dbt needs from the server's environment; nothing else (no DBT_* settings, no cloud credentials).
_KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR")


class SubprocessDbtRunner:
    """Runs dbt as a subprocess of this server, in the run's own work directory."""

    def __init__(self, dbt_executable: str, mirrors: GitMirrors) -> None:
        self._dbt = dbt_executable
        self._mirrors = mirrors

    async def execute(self, spec: RunSpec, sink: RunSink) -> RunnerOutcome:
        register(*spec.secrets.values())
        if spec.git_token:
            register(spec.git_token)
        output = RunnerReports(sink)
        work = Path(spec.work_dir)
        limits = applied_limits(spec.limits)
        checked_out: list[str] = []  # the commit, once known
        try:
            project, profile = await self._prepare(spec, sink, work, checked_out)
        except (RunnerSetupError, OSError) as error:
            return await _not_started(output, redact(str(error)), limits)
        commit = checked_out[0]
        env = dbt_environment(spec.secrets)
        if await sink.cancel_requested():  # checkout can take a while; no need to start dbt at all
            return RunnerOutcome(
                exit_code=None, canceled=True, error="canceled before dbt started", limits=limits, commit=commit
            )
        deadline = asyncio.get_running_loop().time() + spec.limits.timeout_seconds

        try:
            outcome = await self._run(spec, sink, output, project, profile, env, limits, deadline)
        except RunnerSetupError as error:  # the dbt executable could not be started
            outcome = await _not_started(output, redact(str(error)), limits)
        return replace(outcome, commit=commit)

    async def _run(
        self,
        spec: RunSpec,
        sink: RunSink,
        output: RunnerReports,
        project: Path,
        profile: Profile,
        env: dict[str, str],
        limits: dict[str, Any],
        deadline: float,
    ) -> RunnerOutcome:
        work = Path(spec.work_dir)
        if (project / "packages.yml").exists() or (project / "dependencies.yml").exists():
            await _stage(sink, "deps", "installing packages")
            deps = [self._dbt, "deps", "--no-use-colors", "--log-path", str(work / "deps")]
            outcome = await self._supervised(deps, project, env, spec, deadline, sink, output, None)
            if outcome.exit_code != 0 or outcome.canceled or outcome.timed_out:
                return _outcome(outcome, limits, {}, f"dbt deps failed (exit code {outcome.exit_code})")

        artifacts: dict[str, bytes] = {}
        outcome = ProcessOutcome(exit_code=0)
        planned = 0
        # The planned steps and the side steps among them, in order, in this one checkout; a failed step ends
        # the run there (the steps after it do not run), as a failed step of a dbt Cloud job does.
        for index, step in enumerate(spec.invocations()):
            error = None
            if step.planned:
                if not step.select and not step.selector:  # its part of the plan runs nothing
                    await _stage(sink, "step", f"dbt {step.command}: nothing to run", {"step": index})
                    continue
                # The first planned step in `run` (as a run of one command); each later one in a folder of its own.
                run_dir = work / ("run" if planned == 0 else f"run-{index}")
                argv = dbt_arguments(self._dbt, spec, profile, run_dir, step)
                await _stage(
                    sink, "dbt", f"dbt {step.command}", {"command": step.command, "selectors": len(step.select)}
                )
                outcome = await self._supervised(argv, project, env, spec, deadline, sink, output, run_dir / "dbt.log")
                found = await asyncio.to_thread(read_artifacts, run_dir / "target")  # a manifest is large
                if "run_results.json" in artifacts:  # the planned step before this one: its results kept by name
                    artifacts[earlier_run_results(planned - 1)] = artifacts.pop("run_results.json")
                artifacts.update(found)
                planned += 1
            else:
                # Its own target path: `docs generate` would overwrite the planned command's run_results.json.
                step_dir = work / f"step-{index}"
                await _stage(sink, "step", f"dbt {step.command}", {"command": step.command, "step": index})
                argv = side_arguments(self._dbt, spec, step, profile, step_dir)
                outcome = await self._supervised(argv, project, env, spec, deadline, sink, output, None)
                found = await asyncio.to_thread(read_artifacts, step_dir / "target")
                artifacts.update({name: found[name] for name in SIDE_ARTIFACTS[step.command] if name in found})
                error = f"dbt {step.command} failed (exit code {outcome.exit_code})"
            if outcome.exit_code != 0 or outcome.canceled or outcome.timed_out:
                return _outcome(outcome, limits, artifacts, error)
        return _outcome(outcome, limits, artifacts, None)

    async def _prepare(self, spec: RunSpec, sink: RunSink, work: Path, checked_out: list[str]) -> tuple[Path, Profile]:
        if spec.command not in COMMANDS:
            raise RunnerSetupError(f"dbt command {spec.command!r} is not one a run may use ({', '.join(COMMANDS)})")
        if not spec.runs_anything():
            raise RunnerSetupError("the run selects no nodes; dbt would run the whole project")
        for step in spec.invocations():
            if step.planned and step.command not in COMMANDS:
                raise RunnerSetupError(f"dbt command {step.command!r} is not one a run may use ({', '.join(COMMANDS)})")
            try:  # checked when the plan was made; again here, since a plan stored by an older DVT was not
                check_selections(f"'{step.command}' selection", step.select)
                check_selections(f"'{step.command}' exclusion", step.exclude)
                if step.selector:
                    check_selector_name(step.selector)
            except ValidationError as error:
                raise RunnerSetupError(str(error)) from None
        if bad := [name for name in spec.secrets if not _SECRET_NAME.match(name)]:
            raise RunnerSetupError(f"secret names must start with DBT_ENV_SECRET_: {', '.join(sorted(bad))}")
        # The commit the run was planned from; a run of a plan made from uploaded artifacts takes the ref's now.
        commit = spec.commit or await self._mirrors.resolve(spec.source, spec.git_ref)
        checked_out.append(commit)
        project = await self._mirrors.export(spec.source, commit, work / "project")
        await _stage(sink, "checkout", f"checked out {commit[:12]} ({spec.git_ref})", {"commit": commit})
        state = Path(spec.state_dir) if spec.state_dir else None
        profile = write_profile(spec.adapter, spec.settings, spec.secrets, project, work, state)
        inject_query_tag(project, spec.tag, spec.adapter)
        return project, profile

    async def _supervised(
        self,
        argv: list[str],
        project: Path,
        env: dict[str, str],
        spec: RunSpec,
        deadline: float,
        sink: RunSink,
        output: RunnerReports,
        json_log: Path | None,
    ) -> ProcessOutcome:
        read_all, delivered_all = asyncio.Event(), asyncio.Event()
        # Reading (the pipes, the JSON log) only hands reports over; delivering them is a task of its own.
        delivery = asyncio.create_task(output.deliver(delivered_all))
        tail = asyncio.create_task(_tail(output, LogFileTail(json_log), read_all)) if json_log else None
        process = asyncio.create_task(
            supervise(
                argv,
                cwd=project,
                env=env,
                limits=spec.limits,
                deadline=deadline,
                cancel_requested=sink.cancel_requested,
                output=output,
            )
        )
        try:
            # Delivery or the tail ends first only when it failed: then dbt is stopped and the error raised.
            await asyncio.wait({delivery, process, *([tail] if tail else [])}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not process.done():
                process.cancel()  # supervise kills the process group on its way out
                await asyncio.wait({process})
            read_all.set()
            try:
                if tail is not None:
                    await tail  # the rest of the JSON log, once dbt is gone
            finally:
                delivered_all.set()
                await delivery  # everything read, to the sink
        return process.result()


# Flags DVT adds that take no value; every other argument after the command is `--flag=value`.
BARE_FLAGS = ("--no-use-colors", "--full-refresh")
VALUED_FLAGS = (
    "--select", "--exclude", "--selector", "--indirect-selection", "--vars", "--log-format-file",
    "--log-level-file", "--log-path", "--target-path", "--profiles-dir", "--profile", "--target",
)  # fmt: skip


def dbt_arguments(dbt: str, spec: RunSpec, profile: Profile, run_dir: Path, step: RunStep | None = None) -> list[str]:
    """dbt's command line for a planned step of a run (by default the spec's own command and selection).

    Every value is joined to its flag (`--select=VALUE`, one entry per selection): click takes all after the
    first `=` as the value, so no selection, however written, can become an option of its own (a separate
    `--select a --project-dir=x` once ran another project). Repeated `--select=` entries are dbt's union, as
    `--select a b` is.
    """
    step = step or spec.own_step()
    argv = [dbt, step.command]
    if step.selector:
        argv.append(f"--selector={step.selector}")
    else:
        argv += [f"--select={item}" for item in step.select]
    argv += [f"--exclude={item}" for item in step.exclude]
    argv.append(f"--indirect-selection={step.indirect_selection}")
    argv += ["--log-format-file=json", "--log-level-file=debug", f"--log-path={run_dir}"]
    argv += [f"--target-path={run_dir / 'target'}", "--no-use-colors"]
    argv += [f"--profiles-dir={profile.directory}", f"--profile={profile.name}", f"--target={profile.target}"]
    if step.vars:
        argv.append("--vars=" + json.dumps(step.vars))  # ASCII JSON: control characters escaped
    if step.full_refresh and step.command in _FULL_REFRESH_COMMANDS:
        argv.append("--full-refresh")
    return argv


def side_arguments(dbt: str, spec: RunSpec, step: RunStep, profile: Profile, step_dir: Path) -> list[str]:
    """dbt's command line for a side step (`source freshness`, `docs generate`): every value joined to its flag."""
    argv = [dbt, *step.command.split()]
    argv += [f"--select={item}" for item in step.select]
    argv += [f"--exclude={item}" for item in step.exclude]
    argv += [f"--log-path={step_dir}", f"--target-path={step_dir / 'target'}", "--no-use-colors"]
    argv += [f"--profiles-dir={profile.directory}", f"--profile={profile.name}", f"--target={profile.target}"]
    if spec.vars:
        argv.append("--vars=" + json.dumps(spec.vars))
    return argv


def dbt_environment(secrets: dict[str, str]) -> dict[str, str]:
    env = {key: os.environ[key] for key in _KEPT_VARIABLES if key in os.environ}
    env.update(
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_LOG_FILE_MAX_BYTES="0",  # a rotated log file would be a file the tail never reads
        PYTHONUNBUFFERED="1",  # stdout lines as they are printed, not when a buffer fills
    )
    env.update(secrets)
    return env


def read_artifacts(target: Path) -> dict[str, bytes]:
    return {name: (target / name).read_bytes() for name in ARTIFACTS if (target / name).is_file()}


async def _tail(output: RunnerReports, tail: LogFileTail, stop: asyncio.Event) -> None:
    """Events and text from the JSON log as soon as read, in bounded steps; everything left once stopped."""
    try:
        while True:
            stopping = stop.is_set()
            lines = tail.finish() if stopping else tail.read_lines()
            for line in lines:
                parsed = parse_log_line(line)
                output.add("dbt", parsed.text)
                if parsed.event is not None:
                    output.event(parsed.event)
            if stopping:
                return
            if tail.behind:  # dbt writes faster than one step reads: the next step at once, after the others'
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TAIL_SECONDS)
    finally:
        tail.close()  # also when canceled or failed before the end: the log file is not left open


async def _stage(sink: RunSink, stage: str, message: str, data: dict[str, Any] | None = None) -> None:
    await sink.event(
        RunnerEvent(RunEventKind.STAGE, datetime.now(UTC), message=message, data={"stage": stage, **(data or {})})
    )


async def _not_started(output: RunnerReports, reason: str, limits: dict[str, Any]) -> RunnerOutcome:
    output.add("stderr", [f"dvt: {reason}"])
    await output.flush()
    return RunnerOutcome(exit_code=None, error=reason, limits=limits)


def _outcome(
    process: ProcessOutcome, limits: dict[str, Any], artifacts: dict[str, bytes], error: str | None
) -> RunnerOutcome:
    if process.canceled:
        error = "canceled"
    elif process.timed_out:
        error = f"timed out after {limits['timeout_seconds']:g} seconds"
    return RunnerOutcome(
        exit_code=process.exit_code,
        canceled=process.canceled,
        timed_out=process.timed_out,
        error=error,
        artifacts=artifacts,
        limits=limits,
    )
