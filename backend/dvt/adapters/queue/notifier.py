"""Wakes followers of a run when its events or logs grow: one LISTEN connection per process, fanned out.

NOTIFY only says "look again"; followers read by cursor from the tables. A lost connection therefore loses no
event: followers fall back to polling until the listener reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import asyncpg

from dvt.adapters.db.repositories.runs import CHANNEL

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 2.0


class PgRunNotifier:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._waiters: dict[uuid.UUID, set[asyncio.Event]] = {}
        self._connection: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="dvt-run-notifier")

    async def close(self) -> None:
        self._closed.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._connection is not None and not self._connection.is_closed():
            await self._connection.close()

    async def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                self._connection = await asyncpg.connect(self._dsn, server_settings={"application_name": "dvt-listen"})
                await self._connection.add_listener(CHANNEL, self._notified)
                lost = asyncio.Event()
                self._connection.add_termination_listener(lambda _c, lost=lost: lost.set())
                self._wake_all()  # anything committed while we were away: look again
                await lost.wait()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("run notifier: %s; polling until it reconnects", error)
            self._wake_all()
            await asyncio.sleep(RECONNECT_SECONDS)

    def _notified(self, _connection: object, _pid: object, _channel: object, payload: object) -> None:
        try:
            run_id = uuid.UUID(str(payload))
        except ValueError:
            return
        for event in self._waiters.get(run_id, ()):
            event.set()

    def _wake_all(self) -> None:
        for events in self._waiters.values():
            for event in events:
                event.set()

    async def wait(self, run_id: uuid.UUID, seconds: float) -> bool:
        """True when the run's events or logs may have grown, False after `seconds` without a word."""
        event = asyncio.Event()
        self._waiters.setdefault(run_id, set()).add(event)
        try:
            async with asyncio.timeout(seconds):
                await event.wait()
            return True
        except TimeoutError:
            return False
        finally:
            waiting = self._waiters.get(run_id)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self._waiters[run_id]
