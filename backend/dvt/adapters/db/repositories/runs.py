"""Runs, their events, log chunks and node results; and the job that hands a run to a worker.

An event or log chunk takes the next number from its run row (`UPDATE ... RETURNING`), which holds that row's
lock until the transaction commits: numbers are committed in order, so a reader that resumes after a cursor
can never skip a row that commits later with a smaller number.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, bindparam, case, cast, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.models import EnvironmentRow, table_of
from dvt.adapters.db.run_models import RunEventRow, RunLogRow, RunNodeRow, RunRow
from dvt.application.records import Page
from dvt.application.run_records import (
    NewRunEvent,
    RunEventRecord,
    RunLogRecord,
    RunNodeRecord,
    RunQuery,
    RunRecord,
)
from dvt.domain.errors import NotFoundError
from dvt.domain.runs import ACTIVE, NODE_ENDS, RunEventKind, RunStatus, check_event
from dvt.domain.tenancy import TenantScope

RUN_JOB = "dvt.run"  # the queue entrypoint that executes a run (or, payload ending `:plan`, plans it)
PLANNING = "plan"
CHANNEL = "dvt_run_events"  # NOTIFY payload: the run id whose events or logs grew
DISPATCH_LOCK = 7_204_552  # advisory lock space of run dispatch (one key per tenant); migrations use 7_204_551

_RUN_FIELDS = [f.name for f in fields(RunRecord)]
_NODE_FIELDS = [f.name for f in fields(RunNodeRecord)]


def _run(row: RunRow) -> RunRecord:
    values = {name: getattr(row, name) for name in _RUN_FIELDS}
    return RunRecord(
        **{**values, "request": dict(row.request), "limits": dict(row.limits), "steps": list(row.steps or [])}
    )


def _node(row: RunNodeRow) -> RunNodeRecord:
    return RunNodeRecord(**{name: getattr(row, name) for name in _NODE_FIELDS})


class SqlRunRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    async def add(self, run: RunRecord) -> RunRecord | None:
        """The stored run, or None when the environment already has a run with its idempotency key.

        Two transactions adding the same key race on the unique index: the second waits for the first and,
        once it commits, inserts nothing (no error, so the caller's transaction stays usable to read the run).
        """
        values = {name: getattr(run, name) for name in _RUN_FIELDS if getattr(run, name) is not None}
        # The environment's next run number; the row stays locked until commit, so numbers follow commit order.
        number = await self._bump_run_seq(run.environment_id, 1)
        statement = (
            insert(RunRow)
            .values(**{**values, "number": number}, tenant_id=self._tenant)
            .on_conflict_do_nothing(index_elements=["tenant_id", "environment_id", "idempotency_key"])
            .returning(RunRow.id)
        )
        if await self._session.scalar(statement) is None:
            await self._bump_run_seq(run.environment_id, -1)  # nothing stored: give the number back, no gap
            return None
        return await self.get(run.id)

    async def add_many(self, runs: Sequence[RunRecord]) -> list[uuid.UUID]:
        """Runs without idempotency keys, stored with one statement to number them and one to insert them; the
        ids stored, in order (a run whose environment is not in this tenant, deleted meanwhile, is not).

        Numbered in their order within each environment; the environment rows stay locked until commit, as
        `add`'s do, so numbers follow commit order with no gap."""
        if not runs:
            return []
        if any(run.idempotency_key is not None for run in runs):
            raise ValueError("runs with an idempotency key are added one by one (`add`)")
        counts = Counter(run.environment_id for run in runs)
        last = await self._reserve_numbers(counts)
        number = {
            environment: last[environment] - count for environment, count in counts.items() if environment in last
        }
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # one insert per set of columns given
        stored: list[uuid.UUID] = []
        for run in runs:
            if run.environment_id not in number:
                continue
            number[run.environment_id] += 1
            values = {name: getattr(run, name) for name in _RUN_FIELDS if getattr(run, name) is not None}
            values |= {"number": number[run.environment_id], "tenant_id": self._tenant}
            shapes.setdefault(tuple(values), []).append(values)
            stored.append(run.id)
        for rows in shapes.values():  # executemany: one statement compiled once, sent as multi-row inserts
            await self._session.execute(insert(table_of(RunRow)), rows)
        return stored

    async def _reserve_numbers(self, counts: Mapping[uuid.UUID, int]) -> dict[uuid.UUID, int]:
        """Each environment's run sequence moved on by its count: environment -> its last number reserved."""
        if len(counts) > 1:  # rows locked in one order (an UPDATE of several rows locks them in none)
            await self._session.execute(
                select(EnvironmentRow.id)
                .where(EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.id.in_(counts))
                .order_by(EnvironmentRow.id)
                .with_for_update(key_share=True)
            )
        found = await self._session.execute(
            update(EnvironmentRow)
            .where(EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.id.in_(counts))
            .values(run_seq=EnvironmentRow.run_seq + case(dict(counts), value=EnvironmentRow.id))
            .returning(EnvironmentRow.id, EnvironmentRow.run_seq)
        )
        return {environment: last for environment, last in found.tuples()}

    async def _bump_run_seq(self, environment_id: uuid.UUID, by: int) -> int:
        number = await self._session.scalar(
            update(EnvironmentRow)
            .where(EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.id == environment_id)
            .values(run_seq=EnvironmentRow.run_seq + by)
            .returning(EnvironmentRow.run_seq)
        )
        if number is None:
            raise NotFoundError(f"environment {environment_id} is not in this tenant")
        return number

    async def by_idempotency_key(self, environment_id: uuid.UUID, key: str) -> RunRecord | None:
        row = await self._session.scalar(
            select(RunRow).where(
                RunRow.tenant_id == self._tenant,
                RunRow.environment_id == environment_id,
                RunRow.idempotency_key == key,
            )
        )
        return _run(row) if row else None

    async def get(self, run_id: uuid.UUID, *, for_update: bool = False, skip_locked: bool = False) -> RunRecord | None:
        query = select(RunRow).where(RunRow.tenant_id == self._tenant, RunRow.id == run_id)
        row = await self._session.scalar(query.with_for_update(skip_locked=skip_locked) if for_update else query)
        if row is not None and for_update:
            await self._session.refresh(row)  # a row this session read before the lock may have changed since
        return _run(row) if row else None

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[RunRecord]:
        rows = await self._session.scalars(select(RunRow).where(RunRow.tenant_id == self._tenant, RunRow.id.in_(ids)))
        return [_run(r) for r in rows]

    async def of_environment(self, environment_id: uuid.UUID, query: RunQuery) -> Page[RunRecord]:
        statement = select(RunRow).where(RunRow.tenant_id == self._tenant, RunRow.environment_id == environment_id)
        if query.statuses:
            statement = statement.where(RunRow.status.in_(query.statuses))
        if query.trigger:
            statement = statement.where(RunRow.trigger == query.trigger)
        if query.actor:
            statement = statement.where(RunRow.actor == query.actor)
        if query.job_id:
            statement = statement.where(RunRow.job_id == query.job_id)
        if query.before is not None:
            created_at, run_id = query.before
            statement = statement.where(
                or_(RunRow.created_at < created_at, and_(RunRow.created_at == created_at, RunRow.id < run_id))
            )
        rows = list(
            await self._session.scalars(
                statement.order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(query.limit + 1)
            )
        )
        return Page([_run(r) for r in rows[: query.limit]], len(rows) > query.limit)

    async def update(self, run_id: uuid.UUID, **values: Any) -> None:
        await self._session.execute(
            update(RunRow).where(RunRow.tenant_id == self._tenant, RunRow.id == run_id).values(**values)
        )

    async def update_all(self, run_ids: Sequence[uuid.UUID], **values: Any) -> None:
        if run_ids:
            await self._session.execute(
                update(RunRow).where(RunRow.tenant_id == self._tenant, RunRow.id.in_(run_ids)).values(**values)
            )

    async def _next(self, run_id: uuid.UUID, column: Any, count: int = 1) -> tuple[int, RunStatus]:
        """Reserve `count` numbers of the run's sequence (the last one is returned, with the run's status as
        this transaction sees it under the row lock) and wake its followers."""
        found = (
            await self._session.execute(
                update(RunRow)
                .where(RunRow.tenant_id == self._tenant, RunRow.id == run_id)
                .values({column: column + count})
                .returning(column, RunRow.status)
            )
        ).first()
        if found is None:
            raise LookupError(f"run {run_id} not found")
        await self._session.execute(text("SELECT pg_notify(:channel, :run)"), {"channel": CHANNEL, "run": str(run_id)})
        return int(found[0]), RunStatus(found[1])

    async def append_event(self, run_id: uuid.UUID, event: NewRunEvent) -> int | None:
        """The event's number, or None when an event with its key is already there (a redelivery)."""
        return (await self.append_events(run_id, [event]))[0]

    async def append_events(self, run_id: uuid.UUID, events: Sequence[NewRunEvent]) -> list[int | None]:
        """Numbers for the events, in order; None for each whose key is already there or earlier in the batch."""
        keys = [e.key for e in events]
        held = set(
            await self._session.scalars(
                select(RunEventRow.idempotency_key).where(
                    RunEventRow.run_id == run_id, RunEventRow.idempotency_key.in_(keys)
                )
            )
        )
        fresh: list[NewRunEvent | None] = []
        for event in events:
            fresh.append(None if event.key in held else event)
            held.add(event.key)
        count = sum(1 for e in fresh if e is not None)
        if count == 0:
            return [None] * len(events)
        last, status = await self._next(run_id, RunRow.event_seq, count)
        for candidate in fresh:  # the terminal status is a run's last event: anything after it is refused
            if candidate is not None:
                check_event(status, candidate.kind, candidate.status)
        seq = last - count
        numbers: list[int | None] = []
        rows = []
        for candidate in fresh:
            if candidate is None:
                numbers.append(None)
                continue
            seq += 1
            numbers.append(seq)
            rows.append(
                {
                    "run_id": run_id, "seq": seq, "tenant_id": self._tenant, "kind": candidate.kind,
                    "unique_id": candidate.unique_id, "status": candidate.status, "message": candidate.message,
                    "idempotency_key": candidate.key, "payload": candidate.payload,
                }
            )  # fmt: skip
        await self._session.execute(insert(RunEventRow), rows)
        return numbers

    async def append_to_each(self, run_ids: Sequence[uuid.UUID], event: NewRunEvent) -> None:
        """`event` appended to each run, in four statements whatever their number (a run that has an event with
        its key already gets none). The run rows are locked in no set order: for runs this transaction made or
        holds already (a dispatch pass's)."""
        if not run_ids:
            return
        held = set(
            await self._session.scalars(
                select(RunEventRow.run_id).where(
                    RunEventRow.tenant_id == self._tenant,
                    RunEventRow.run_id.in_(run_ids),
                    RunEventRow.idempotency_key == event.key,
                )
            )
        )
        fresh = [run_id for run_id in run_ids if run_id not in held]
        if not fresh:
            return
        numbered = await self._session.execute(
            update(RunRow)
            .where(RunRow.tenant_id == self._tenant, RunRow.id.in_(fresh))
            .values(event_seq=RunRow.event_seq + 1)
            .returning(RunRow.id, RunRow.event_seq, RunRow.status)
        )
        rows = []
        for run_id, seq, status in numbered.tuples():
            check_event(RunStatus(status), event.kind, event.status)
            rows.append(
                {
                    "run_id": run_id, "seq": seq, "tenant_id": self._tenant, "kind": event.kind,
                    "unique_id": event.unique_id, "status": event.status, "message": event.message,
                    "idempotency_key": event.key, "payload": event.payload,
                }
            )  # fmt: skip
        await self._session.execute(insert(table_of(RunEventRow)), rows)
        await self._session.execute(
            select(func.pg_notify(CHANNEL, cast(RunRow.id, Text))).where(
                RunRow.tenant_id == self._tenant, RunRow.id.in_(fresh)
            )
        )

    async def events_after(self, run_id: uuid.UUID, after: int, limit: int) -> list[RunEventRecord]:
        rows = await self._session.scalars(
            select(RunEventRow)
            .where(RunEventRow.tenant_id == self._tenant, RunEventRow.run_id == run_id, RunEventRow.seq > after)
            .order_by(RunEventRow.seq)
            .limit(limit)
        )
        return [
            RunEventRecord(
                r.run_id,
                r.seq,
                RunEventKind.read(r.kind),
                r.unique_id,
                r.status,
                r.message,
                dict(r.payload),
                r.created_at,
            )
            for r in rows
        ]

    async def count_events(self, run_id: uuid.UUID, key_prefix: str) -> int:
        found = await self._session.scalar(
            select(func.count())
            .select_from(RunEventRow)
            .where(
                RunEventRow.tenant_id == self._tenant,
                RunEventRow.run_id == run_id,
                RunEventRow.idempotency_key.startswith(key_prefix, autoescape=True),
            )
        )
        return int(found or 0)

    async def append_log(self, run_id: uuid.UUID, stream: str, lines: Sequence[str]) -> int:
        return (await self.append_logs(run_id, [(stream, lines)]))[0]

    async def append_logs(self, run_id: uuid.UUID, chunks: Sequence[tuple[str, Sequence[str]]]) -> list[int]:
        """Many chunks, numbered in order, in two round trips whatever their count (a worker delivers a run's
        spooled chunks together: one statement a chunk cost the worker more than the chunks themselves)."""
        if not chunks:
            return []
        last, _ = await self._next(run_id, RunRow.log_seq, len(chunks))
        first = last - len(chunks) + 1
        rows = [
            {"run_id": run_id, "seq": first + i, "tenant_id": self._tenant, "stream": stream,
             "text": "\n".join(lines), "line_count": len(lines)}
            for i, (stream, lines) in enumerate(chunks)
        ]  # fmt: skip
        await self._session.execute(insert(RunLogRow), rows)
        return list(range(first, last + 1))

    async def logs_after(self, run_id: uuid.UUID, after: int, limit: int) -> list[RunLogRecord]:
        rows = await self._session.scalars(
            select(RunLogRow)
            .where(RunLogRow.tenant_id == self._tenant, RunLogRow.run_id == run_id, RunLogRow.seq > after)
            .order_by(RunLogRow.seq)
            .limit(limit)
        )
        return [RunLogRecord(r.run_id, r.seq, r.stream, r.text, r.line_count, r.created_at) for r in rows]

    async def add_nodes(self, run_id: uuid.UUID, nodes: Sequence[RunNodeRecord]) -> None:
        if not nodes:
            return
        values = [
            {**{name: getattr(n, name) for name in _NODE_FIELDS}, "run_id": run_id, "tenant_id": self._tenant}
            for n in nodes
        ]
        await self._session.execute(insert(RunNodeRow).on_conflict_do_nothing(), values)

    async def update_node(self, run_id: uuid.UUID, unique_id: str, **values: Any) -> None:
        await self.update_nodes(run_id, [(unique_id, values)])

    async def update_nodes(self, run_id: uuid.UUID, changes: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Many node updates in few round trips: one executemany per set of columns changed, applied in order."""
        merged: dict[str, dict[str, Any]] = {}
        for unique_id, values in changes:  # one row per node, later changes winning: grouping may reorder
            merged.setdefault(unique_id, {}).update(values)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for unique_id, values in merged.items():
            groups.setdefault(tuple(sorted(values)), []).append(
                {"node": unique_id, **{f"v_{k}": v for k, v in values.items()}}
            )
        table = table_of(RunNodeRow)
        for columns, rows in groups.items():
            statement = (
                update(table)
                .where(
                    table.c.tenant_id == self._tenant,
                    table.c.run_id == run_id,
                    table.c.unique_id == bindparam("node"),
                )
                .values({c: bindparam(f"v_{c}") for c in columns})  # a bind may not share a column's name
            )
            await self._session.execute(statement, rows)

    async def end_unfinished_nodes(self, run_id: uuid.UUID, message: str) -> int:
        """Every node row still pending or running ends with its run (`NODE_ENDS`); how many did."""
        table = table_of(RunNodeRow)
        ended = 0
        for current, end in NODE_ENDS.items():
            values: dict[str, Any] = {"status": end, "message": func.coalesce(table.c.message, message)}
            if current == "running":
                values["finished_at"] = func.coalesce(table.c.finished_at, func.now())
            result = await self._session.execute(
                update(table)
                .where(table.c.tenant_id == self._tenant, table.c.run_id == run_id, table.c.status == current)
                .values(values)
            )
            ended += int(result.rowcount or 0)  # type: ignore[attr-defined]
        return ended

    async def heartbeat(self, run_id: uuid.UUID, worker: str, attempt: int) -> bool:
        """The holding worker is alive (database clock); False when the run is no longer running on it."""
        found = await self._session.scalar(
            update(RunRow)
            .where(
                RunRow.tenant_id == self._tenant,
                RunRow.id == run_id,
                RunRow.worker == worker,
                RunRow.attempt == attempt,
                RunRow.status == RunStatus.RUNNING.value,
            )
            .values(heartbeat_at=func.now())
            .returning(RunRow.id)
        )
        return found is not None

    async def silence(self, run_id: uuid.UUID) -> float | None:
        """Seconds since the run's worker was last heard of, by the database's clock; None for no such run.

        A database that started since then counts from its start: nobody could write a heartbeat before it.
        """
        heard = func.greatest(
            func.coalesce(RunRow.heartbeat_at, RunRow.started_at, RunRow.created_at),
            func.pg_postmaster_start_time(),
        )
        seconds = await self._session.scalar(
            select(func.extract("epoch", func.now() - heard)).where(
                RunRow.tenant_id == self._tenant, RunRow.id == run_id
            )
        )
        return float(seconds) if seconds is not None else None

    async def nodes_of(self, run_ids: Sequence[uuid.UUID]) -> list[RunNodeRecord]:
        rows = await self._session.scalars(
            select(RunNodeRow)
            .where(RunNodeRow.tenant_id == self._tenant, RunNodeRow.run_id.in_(run_ids))
            .order_by(RunNodeRow.run_id, RunNodeRow.started_at.nulls_last(), RunNodeRow.unique_id)
        )
        return [_node(r) for r in rows]

    async def node_page(self, run_id: uuid.UUID, after: str | None, offset: int, limit: int) -> Page[RunNodeRecord]:
        """A page of one run's nodes in unique id order, after the unique id `after` (its primary key's order:
        an index range, however far in) or else from `offset`."""
        query = select(RunNodeRow).where(RunNodeRow.tenant_id == self._tenant, RunNodeRow.run_id == run_id)
        if after is not None:
            query = query.where(RunNodeRow.unique_id > after)
        elif offset:
            query = query.offset(offset)
        rows = list(await self._session.scalars(query.order_by(RunNodeRow.unique_id).limit(limit + 1)))
        return Page([_node(r) for r in rows[:limit]], has_next=len(rows) > limit)

    async def count_nodes(self, run_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        found = await self._session.execute(
            select(RunNodeRow.run_id, func.count())
            .where(RunNodeRow.tenant_id == self._tenant, RunNodeRow.run_id.in_(run_ids))
            .group_by(RunNodeRow.run_id)
        )
        return {run_id: int(count) for run_id, count in found.tuples()}

    async def active(self) -> list[RunRecord]:
        rows = await self._session.scalars(
            select(RunRow)
            .where(RunRow.tenant_id == self._tenant, RunRow.status.in_([s.value for s in ACTIVE]))
            .order_by(RunRow.created_at, RunRow.id)
        )
        return [_run(r) for r in rows]

    async def prune(self, finished_before: datetime) -> tuple[int, int]:
        """Delete the events and log chunks of runs that finished before the cutoff; (events, chunks) deleted.

        The run row and its node results stay: what ran, how it ended and what it cost outlive the detail.
        """
        old = select(RunRow.id).where(RunRow.tenant_id == self._tenant, RunRow.finished_at < finished_before)
        events = await self._session.execute(
            delete(RunEventRow).where(RunEventRow.tenant_id == self._tenant, RunEventRow.run_id.in_(old))
        )
        chunks = await self._session.execute(
            delete(RunLogRow).where(RunLogRow.tenant_id == self._tenant, RunLogRow.run_id.in_(old))
        )
        return int(events.rowcount or 0), int(chunks.rowcount or 0)  # type: ignore[attr-defined]

    async def lock_dispatch(self) -> None:
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:tenant))"),
            {"space": DISPATCH_LOCK, "tenant": str(self._tenant)},
        )

    async def queued(self, limit: int) -> list[RunRecord]:
        rows = await self._session.scalars(
            select(RunRow)
            .join(EnvironmentRow, EnvironmentRow.id == RunRow.environment_id)
            .where(RunRow.tenant_id == self._tenant, RunRow.status == RunStatus.QUEUED.value)
            .order_by(RunRow.created_at, RunRow.id)
            .limit(limit)
            .with_for_update(of=RunRow, skip_locked=True)  # a run being canceled is left to its canceler
        )
        return [_run(r) for r in rows]


class SqlJobQueue:
    """pgqueuer's jobs, inserted on this session's own connection: they commit or roll back with the run."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue_run(self, tenant_id: uuid.UUID, run_id: uuid.UUID, attempt: int) -> None:
        # The dedupe key makes a second enqueue of the same attempt a no-op instead of a second execution.
        await self._enqueue([(f"{tenant_id}:{run_id}", f"{run_id}:{attempt}")])

    async def enqueue_planning(self, tenant_id: uuid.UUID, run_ids: Sequence[uuid.UUID]) -> None:
        await self._enqueue([(f"{tenant_id}:{run_id}:{PLANNING}", f"{run_id}:{PLANNING}") for run_id in run_ids])

    async def _enqueue(self, jobs: Sequence[tuple[str, str]]) -> None:
        """(payload, dedupe key) of each job, inserted in one statement."""
        if not jobs:
            return
        from pgqueuer.queries import Queries  # here: a CLI command that enqueues nothing never imports pgqueuer

        connection = await self._session.connection()
        raw = await connection.get_raw_connection()
        queries = Queries.from_asyncpg_connection(raw.driver_connection)
        payloads: list[bytes | None] = [payload.encode() for payload, _ in jobs]
        keys: list[str | None] = [key for _, key in jobs]
        await queries.enqueue([RUN_JOB] * len(jobs), payloads, [0] * len(jobs), dedupe_key=keys, on_conflict="skip")

    async def waiting_tenants(self) -> list[uuid.UUID]:
        # Across tenants on purpose: the dispatch sweep then works tenant by tenant, each in its own scope.
        found = await self._session.scalars(
            select(RunRow.tenant_id).where(RunRow.status == RunStatus.QUEUED.value).distinct()
        )
        return list(found)
