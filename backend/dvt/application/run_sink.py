"""Where the runner reports one run's progress: spooled to the worker's disk, then written to the database.

dbt never waits for the database. Each report goes to the run's spool (`run_spool.py`) first; one writer
delivers the spool in order, everything owed in one transaction, and keeps trying with backoff for as long as
the database is away: an outage loses nothing, and the idempotency keys make an event written twice (a commit
whose answer was lost) one event.

The worker that holds the run says so on the run row every few seconds (its heartbeat, by the database's
clock); coming back from an outage it does that before anything else, so the lost-worker check sees it alive.
Every delivery checks, under the run row's lock, that the run is still running on this worker and attempt.
If it is not (another process ended it or took it over), the worker stops dbt and writes nothing more: the
run's verdict stands and its terminal status stays its last event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from dvt.application.ports import UnitOfWorkFactory
from dvt.application.run_ports import RunnerEvent, RunnerOutcome
from dvt.application.run_records import NewRunEvent, RunRecord
from dvt.application.run_spool import RunSpool
from dvt.domain.errors import DomainError
from dvt.domain.runs import RunEventKind, RunStatus
from dvt.domain.tenancy import TenantScope

log = logging.getLogger(__name__)

CANCEL_READ_SECONDS = 2.0  # the runner's cancel poll waits on this read (never its reports): keep it short
DELIVERY_BATCH = 500  # spooled reports written per transaction
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 10.0  # seconds between delivery attempts while the database is away


class SpoolExpired(RuntimeError):
    """The database stayed away longer than the worker keeps a run's spool (DVT_WORKER_SPOOL_HOURS)."""


class RunStillHeld(Exception):
    """The job of a running run was handed out again, but its worker is not (yet) presumed lost: look later."""

    def __init__(self, run_id: uuid.UUID, worker: str | None, retry_after: float) -> None:
        super().__init__(f"run {run_id} is still held by {worker}: looking again in {retry_after:g} s")
        self.retry_after = retry_after


def keep_outcome(spool_dir: Path, result: RunnerOutcome) -> None:
    """The run's outcome on disk beside its spool, until delivered (the artifacts stay in the work dir)."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "exit_code": result.exit_code, "canceled": result.canceled, "timed_out": result.timed_out,
        "error": result.error, "limits": result.limits,
        "artifacts": {name: len(data) for name, data in result.artifacts.items()},
    }  # fmt: skip
    (spool_dir / "outcome.json").write_bytes(orjson.dumps(document))


class DatabaseContact:
    """Since when this process has reached its database without a failure in between.

    The lost-worker check waits a full patience after contact is regained: others' heartbeats could not
    reach the database while this process could not either.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._since = clock()  # a process that just started knows nothing of the past: it waits too
        self._away = False

    def lost(self) -> None:
        self._away = True

    def reached(self) -> None:
        if self._away:
            self._away = False
            self._since = self._clock()

    def seconds(self) -> float:
        return 0.0 if self._away else self._clock() - self._since


def holds(run: RunRecord | None, worker: str, attempt: int) -> bool:
    """Whether the run is still running on this worker and attempt (anything else: not ours to write)."""
    return run is not None and run.status == RunStatus.RUNNING.value and run.worker == worker and run.attempt == attempt


class RunSink:
    """Reports of one run on their way to the database: spooled on disk, delivered in order, never dropped."""

    def __init__(
        self,
        units: UnitOfWorkFactory,
        scope: TenantScope,
        run: RunRecord,
        spool: RunSpool,
        *,
        worker: str,
        patience_seconds: float,
        contact: DatabaseContact,
        keep_seconds: float,
    ) -> None:
        self._units = units
        self._scope = scope
        self._run = run
        self._spool = spool
        self._worker = worker
        self._beat_every = min(max(patience_seconds / 4, 0.25), 10.0)
        self._contact = contact
        self._keep_seconds = keep_seconds
        self._others = 0
        self._cancel_checked = 0.0
        self._cancel = False
        self._away = False  # the last write or heartbeat failed: heartbeat first when trying again
        self._back = asyncio.Event()  # set when contact is regained: the writer stops waiting out its backoff
        self._writer: asyncio.Task[None] | None = None
        self._heart: asyncio.Task[None] | None = None
        self.taken = False  # the run was ended or taken over by someone else: stop dbt, write nothing more
        self.finishing = False  # the executor is delivering the outcome: the run may end under the heartbeat
        self.finished: dict[str, str] = {}  # unique_id -> dbt status, as dbt reported them

    # -- what the runner calls ---------------------------------------------------------------------------

    async def event(self, event: RunnerEvent) -> None:
        attempt = self._run.attempt
        if event.kind in (RunEventKind.NODE_STARTED, RunEventKind.NODE_FINISHED) and event.unique_id:
            key = f"{event.kind}:{event.unique_id}:{attempt}"
            if event.kind is RunEventKind.NODE_FINISHED and event.status:
                self.finished[event.unique_id] = event.status
        elif event.kind in (RunEventKind.INVOCATION_STARTED, RunEventKind.INVOCATION_FINISHED):
            key = f"{event.kind}:{attempt}"
        else:
            self._others += 1
            key = f"{event.kind}:{attempt}:{self._others}"
        if self.taken:
            return
        self._spool.add(
            {
                "t": "event", "kind": event.kind, "key": key, "unique_id": event.unique_id,
                "status": event.status, "message": event.message, "data": event.data, "at": event.at.isoformat(),
            }
        )  # fmt: skip
        self._kick()

    async def log(self, stream: str, lines: list[str]) -> None:
        """One chunk of log lines as the runner batched them (its `RunnerReports`, the one place lines are
        grouped): kept as it came, one stored chunk, in order with the events around it."""
        if lines and not self.taken:
            self._spool.add({"t": "log", "stream": stream, "lines": lines})
            self._kick()

    async def cancel_requested(self) -> bool:
        if self.taken:
            return True  # the run is no longer this worker's: dbt must stop writing to the warehouse
        if self._cancel or time.monotonic() - self._cancel_checked < 0.4:
            return self._cancel
        self._cancel_checked = time.monotonic()
        try:
            async with asyncio.timeout(CANCEL_READ_SECONDS), self._units() as uow:
                run = await uow.runs(self._scope).get(self._run.id)
            self._cancel = run is not None and run.cancel_requested_at is not None
        except Exception:  # the database is away: keep running, ask again later (said once an outage)
            if not self._away:
                log.warning("could not read the cancel flag of run %s; dbt goes on", self._run.id)
        return self._cancel

    # -- what the executor calls -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the heartbeat: the run is this worker's from its claim until its outcome is delivered."""
        self._heart = asyncio.create_task(self._beat_forever())

    async def drain(self) -> None:
        """Deliver everything spooled, waiting out a database outage up to the spool's bound."""
        deadline = time.monotonic() + self._keep_seconds
        while self._spool.owed and not self.taken:
            self._kick()
            if time.monotonic() > deadline:
                raise SpoolExpired(
                    f"run {self._run.id}: the database stayed away; its spool is kept at {self._spool.path}"
                )
            assert self._writer is not None
            await asyncio.wait({self._writer}, timeout=1.0)

    async def wait_for_database(self, seconds: float) -> None:
        """Sleep, then re-assert the heartbeat (the database may be back): used between outcome attempts."""
        await asyncio.sleep(seconds)
        await self.beat()

    async def close(self) -> None:
        for task in (self._heart, self._writer):
            if task is not None and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._spool.close(remove=not self._spool.owed)

    async def beat(self) -> bool:
        """One heartbeat; False when the database could not be reached."""
        try:
            async with self._units() as uow:
                held = await uow.runs(self._scope).heartbeat(self._run.id, self._worker, self._run.attempt)
                await uow.commit()
        except Exception:
            self._unreachable("heartbeat")
            return False
        self._reached()
        if not held:  # while finishing, most likely the outcome this worker just delivered
            self._taken("its heartbeat found it no longer running on this worker", expected=self.finishing)
        return True

    # -- delivery ----------------------------------------------------------------------------------------

    def _kick(self) -> None:
        if not self.taken and (self._writer is None or self._writer.done()):
            self._writer = asyncio.create_task(self._write_all())

    async def _beat_forever(self) -> None:
        while not self.taken:
            await self.beat()
            await asyncio.sleep(self._beat_every)

    async def _write_all(self) -> None:
        backoff = BACKOFF_FIRST
        while self._spool.owed and not self.taken:
            if await self._write_batch():
                backoff = BACKOFF_FIRST
                continue
            # The database is away: everything stays spooled. Try again after the backoff, or at once when a
            # heartbeat finds the database back.
            self._back.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._back.wait(), backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)

    async def _write_batch(self) -> bool:
        if self._away and not await self.beat():  # back from an outage: say it is alive before anything else
            return False
        if self.taken:
            return True
        entries, mark = self._spool.next_batch(DELIVERY_BATCH)
        try:
            async with self._units() as uow:
                runs = uow.runs(self._scope)
                current = await runs.get(self._run.id, for_update=True)
                if not holds(current, self._worker, self._run.attempt):
                    self._taken(
                        f"it is {current.status if current else 'gone'} on {current.worker if current else '-'}"
                    )
                    return True
                events = [e for e in entries if e["t"] == "event"]
                if events:
                    await self._write_events(runs, events)
                chunks = [(entry["stream"], entry["lines"]) for entry in entries if entry["t"] == "log"]
                await runs.append_logs(self._run.id, chunks)
                await uow.commit()
        except (DomainError, LookupError) as error:  # the run cannot take these writes: never will
            self._taken(f"{type(error).__name__}: {error}")
            return True
        except Exception:
            self._unreachable(f"writing {len(entries)} reports")
            return False
        self._spool.delivered(mark)
        self._reached()
        return True

    async def _write_events(self, runs: Any, entries: list[dict[str, Any]]) -> None:
        # `at` is when dbt reported the event, by dbt's clock: the latency benchmark measures from it.
        stored = [
            NewRunEvent(
                RunEventKind(e["kind"]),
                e["key"],
                e["unique_id"],
                e["status"],
                e["message"],
                {**e["data"], "at": e["at"]},
            )
            for e in entries
        ]
        numbers = await runs.append_events(self._run.id, stored)
        changes: list[tuple[str, dict[str, Any]]] = []
        for entry, seq in zip(entries, numbers, strict=True):
            unique_id = entry["unique_id"]
            if seq is None or not unique_id:
                continue
            at = datetime.fromisoformat(entry["at"])
            if entry["kind"] == RunEventKind.NODE_STARTED:
                changes.append((unique_id, {"status": "running", "started_at": at}))
            elif entry["kind"] == RunEventKind.NODE_FINISHED:
                data = entry["data"]
                changes.append(
                    (
                        unique_id,
                        {
                            "status": entry["status"] or "unknown",
                            "finished_at": at,
                            "execution_time": _float(data.get("execution_time")),
                            "rows_affected": _int(data.get("rows_affected")),
                            "query_id": _str(data.get("query_id")),
                            "message": entry["message"] or None,
                        },
                    )
                )
        if changes:
            await runs.update_nodes(self._run.id, changes)

    def _unreachable(self, what: str) -> None:
        if not self._away:
            log.warning("run %s: the database is away (%s); reports kept on disk", self._run.id, what, exc_info=True)
        self._away = True
        self._contact.lost()

    def _reached(self) -> None:
        if self._away:
            log.info("run %s: the database is back; delivering what was kept", self._run.id)
            self._back.set()
        self._away = False
        self._contact.reached()

    def _taken(self, why: str, *, expected: bool = False) -> None:
        if not self.taken and not expected:
            log.warning(
                "run %s is no longer this worker's (%s): dbt is stopped, nothing more is written", self._run.id, why
            )
        self.taken = True
        self._spool.discard()


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
