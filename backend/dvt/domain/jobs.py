"""Jobs: what an environment runs by itself, when, and what happens when runs would overlap or fires were missed.

A job is a name, ordered steps (each a dbt command line), a timeout, an overlap policy, a misfire policy, a
paused flag and its triggers: a schedule (cron + IANA time zone, computed in the application layer), "after
another job" on an outcome, and always by API/CLI. A job's run executes its steps in order in one checkout:
planned commands (one plan covers them all, step by step: it decides each one's nodes) and `source freshness` /
`docs generate` steps among them (`check_steps`).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dvt.domain.errors import ValidationError
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.plan.variables import check_vars
from dvt.domain.runs import PLANNED_COMMANDS, SIDE_COMMANDS, RunStep
from dvt.domain.tenancy import check_slug

MAX_TIMEOUT_SECONDS = 7 * 24 * 3600
DEFAULT_TIMEOUT_SECONDS = 3600


class OverlapPolicy(StrEnum):
    """What a fire does while the job's previous run is still active."""

    SKIP = "skip"  # record a skipped fire, start nothing
    QUEUE = "queue"  # wait behind it: the run starts when the active one ends
    CANCEL = "cancel"  # cancel the earlier run, then start the new one


class MisfirePolicy(StrEnum):
    """What happens to fires missed while no DVT process was up."""

    RUN_ONCE = "run_once"  # one run on return, for the latest missed occurrence
    SKIP = "skip"  # none: the next occurrence fires as usual


class AfterOutcome(StrEnum):
    """On which outcome of the upstream job's run a chained job runs."""

    SUCCESS = "success"  # success or warning
    FAILURE = "failure"  # failed or canceled
    ALWAYS = "always"

    def follows(self, run_status: str) -> bool:
        if self is AfterOutcome.ALWAYS:
            return True
        succeeded = run_status in ("success", "warning")
        return succeeded if self is AfterOutcome.SUCCESS else not succeeded


class FireOutcome(StrEnum):
    """What became of one occurrence (or one chain fire) of a job."""

    TRIGGERED = "triggered"  # its run was triggered
    SKIPPED = "skipped"  # overlap policy skip: the previous run was still active
    WAITING = "waiting"  # overlap policy queue: its run starts when the active one ends
    MISSED = "missed"  # misfire policy skip: it fell while no DVT process was up
    FAILED = "failed"  # the trigger was refused (the job's environment gone...): `reason` says why


@dataclass(frozen=True, slots=True)
class JobStep:
    """One dbt command with its selection, as a job stores it."""

    command: str
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    selector: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    full_refresh: bool = False

    def request(self) -> PlanRequest:
        """The plan request of this step: the same checks as any plan's (a selection that reads as an option...)."""
        return PlanRequest(
            select=self.select,
            exclude=self.exclude,
            selector=self.selector,
            vars=self.vars,
            full_refresh=self.full_refresh,
        )

    def as_document(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "select": list(self.select),
            "exclude": list(self.exclude),
            "selector": self.selector,
            "vars": self.vars,
            "full_refresh": self.full_refresh,
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> JobStep:
        return cls(
            command=str(document["command"]),
            select=tuple(document.get("select") or ()),
            exclude=tuple(document.get("exclude") or ()),
            selector=document.get("selector"),
            vars=dict(document.get("vars") or {}),
            full_refresh=bool(document.get("full_refresh")),
        )

    def command_line(self) -> str:
        """The step as a dbt command line (what `parse` reads back)."""
        words = [self.command]
        for item in self.select:
            words += ["--select", item]
        for item in self.exclude:
            words += ["--exclude", item]
        if self.selector:
            words += ["--selector", self.selector]
        if self.vars:
            words += ["--vars", json.dumps(self.vars, sort_keys=True)]
        if self.full_refresh:
            words.append("--full-refresh")
        return shlex.join(words)

    @classmethod
    def parse(cls, line: str) -> JobStep:
        """A step from a dbt command line (`build -s tag:daily --exclude x --full-refresh`), split like a shell.

        `-s`/`--select` and `--exclude` take one or more values (as dbt's do); `--vars` takes YAML or JSON.
        """
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise ValidationError(f"step {line!r} is not a command line: {error}") from None
        if words[:1] == ["dbt"]:
            words = words[1:]
        if not words:
            raise ValidationError("a step needs a dbt command (build, run, test, seed or snapshot)")
        command, rest = _command_of(words)
        if command not in (*PLANNED_COMMANDS, *SIDE_COMMANDS):
            raise ValidationError(
                f"{command!r} is not a dbt command a job can run: use one of "
                f"{', '.join((*PLANNED_COMMANDS, *SIDE_COMMANDS))}"
            )
        select: list[str] = []
        exclude: list[str] = []
        selector: str | None = None
        vars_text: str | None = None
        full_refresh = False
        target: list[str] | None = None
        index = 0
        while index < len(rest):
            word = rest[index]
            index += 1
            option, _, inline = word.partition("=") if word.startswith("--") else (word, "", "")
            if option in ("-s", "--select", "-m", "--models"):
                target = select
            elif option == "--exclude":
                target = exclude
            elif option in ("--selector", "--vars"):
                if inline:
                    value = inline
                elif index < len(rest):
                    value, index = rest[index], index + 1
                else:
                    raise ValidationError(f"step {line!r}: {option} needs a value")
                if option == "--selector":
                    selector = value
                else:
                    vars_text = value
                target = None
                continue
            elif option == "--full-refresh":
                full_refresh, target = True, None
                continue
            elif word.startswith("-"):
                raise ValidationError(
                    f"step {line!r}: option {word!r} is not supported in a job step "
                    "(use -s/--select, --exclude, --selector, --vars, --full-refresh)"
                )
            elif target is not None:
                target.append(word)
                continue
            else:
                raise ValidationError(f"step {line!r}: unexpected argument {word!r}")
            if inline:
                target.append(inline)
        step = cls(
            command=command,
            select=tuple(select),
            exclude=tuple(exclude),
            selector=selector,
            vars=_vars(line, vars_text) if vars_text is not None else {},
            full_refresh=full_refresh,
        )
        step.request()  # the plan request's checks, now: a bad selection is refused before anything is stored
        return step


def _vars(line: str, text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise ValidationError(
            f'step {line!r}: --vars takes a JSON object, such as \'{{"day": "2026-01-01"}}\''
        ) from None
    return check_vars(value)


def _command_of(words: Sequence[str]) -> tuple[str, list[str]]:
    for later in SIDE_COMMANDS:
        parts = later.split()
        if list(words[: len(parts)]) == parts:
            return later, list(words[len(parts) :])
    return words[0], list(words[1:])


def check_steps(steps: Sequence[JobStep]) -> tuple[JobStep, ...]:
    """A job's steps, in order: at least one planned command (build, run, test, seed or snapshot: the run's plan
    decides the nodes of each) and any number of `source freshness` / `docs generate` steps among them."""
    if not steps:
        raise ValidationError("a job needs a step: a dbt command such as 'build -s tag:daily'")
    for step in steps:
        if step.command not in (*PLANNED_COMMANDS, *SIDE_COMMANDS):
            raise ValidationError(
                f"{step.command!r} is not a dbt command a job can run: use one of "
                f"{', '.join((*PLANNED_COMMANDS, *SIDE_COMMANDS))}"
            )
        if step.command in SIDE_COMMANDS and (step.selector or step.vars or step.full_refresh):
            raise ValidationError(f"a '{step.command}' step takes only --select and --exclude")
        step.request()
    if not any(s.command in PLANNED_COMMANDS for s in steps):
        raise ValidationError(
            f"a job needs a planned step ({', '.join(PLANNED_COMMANDS)}): source freshness and docs generate "
            "steps run beside one"
        )
    return tuple(steps)


def planned_steps(steps: Sequence[JobStep]) -> tuple[JobStep, ...]:
    """The steps the run's plan decides, in order (check_steps made sure there is one)."""
    return tuple(s for s in steps if s.command in PLANNED_COMMANDS)


def run_steps(steps: Sequence[JobStep]) -> tuple[RunStep, ...]:
    """The job's steps as its run executes them, in order."""
    return tuple(RunStep(s.command, s.select, s.exclude, s.selector, s.vars, s.full_refresh) for s in steps)


def check_job_name(name: str) -> str:
    return check_slug("job", name)


def check_timeout(seconds: int) -> int:
    if not 1 <= seconds <= MAX_TIMEOUT_SECONDS:
        raise ValidationError(f"a job's timeout is 1 to {MAX_TIMEOUT_SECONDS} seconds, got {seconds}")
    return seconds


def check_chain(job_id: Any, upstream_id: Any, upstream_of: Callable[[Any], Any | None]) -> None:
    """Refuse "run after `upstream_id`" for `job_id` when it closes a cycle: following the upstream chain
    (each job runs after at most one other) from `upstream_id` reaches `job_id`."""
    seen: set[Any] = set()
    current = upstream_id
    while current is not None:
        if current == job_id:
            raise ValidationError("this chain makes a cycle: a job would end up running after itself")
        if current in seen:  # a cycle among other jobs: not this job's to fix, and never stored by this check
            return
        seen.add(current)
        current = upstream_of(current)


def steps_document(steps: Iterable[JobStep]) -> list[dict[str, Any]]:
    return [s.as_document() for s in steps]
