"""One reader per followed run and process, shared by every follower of it.

Followers do not query the database themselves: a feed reads the run's rows once, after its cursor, each time
the run's events or logs grow (or every second, should a NOTIFY be lost), keeps them in order, and each
follower takes everything past its own cursor in one batch. Two hundred followers of a run cost one reader,
and a slow follower gets bigger batches instead of falling further behind.
"""

from __future__ import annotations

import asyncio
import bisect
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from dvt.application.run_ports import RunNotifier
from dvt.domain.runs import RunStatus

READ_BATCH = 1000
POLL_SECONDS = 1.0  # a feed reads again at least this often, so a lost NOTIFY delays but never loses


class Numbered(Protocol):
    @property
    def seq(self) -> int: ...


R = TypeVar("R", bound=Numbered)
Reader = Callable[[int, int], Awaitable[list[R]]]  # (after, limit) -> rows in seq order
StatusReader = Callable[[], Awaitable[str | None]]  # the run's status now; None when it is gone


class Feed(Generic[R]):
    def __init__(self, read: Reader[R], status: StatusReader, notifier: RunNotifier, run_id: uuid.UUID) -> None:
        self._read = read
        self._status = status
        self._notifier = notifier
        self._run_id = run_id
        self.rows: list[R] = []
        self.seqs: list[int] = []
        self.done = False
        self.error: BaseException | None = None
        self._grew = asyncio.Event()
        self.followers = 0
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name=f"dvt-feed-{self._run_id}")

    async def _run(self) -> None:
        try:
            while True:
                status = await self._status()  # read before the rows: whatever it wrote before finishing is read
                rows = await self._read(self.seqs[-1] if self.seqs else 0, READ_BATCH)
                if rows:
                    self.rows.extend(rows)
                    self.seqs.extend(r.seq for r in rows)
                    self._wake()
                if len(rows) == READ_BATCH:
                    continue
                if status is None or RunStatus(status).finished:
                    return
                await self._notifier.wait(self._run_id, POLL_SECONDS)
        except Exception as error:  # the followers report it; the feed ends
            self.error = error
        finally:
            self.done = True
            self._wake()

    def _wake(self) -> None:
        self._grew.set()
        self._grew = asyncio.Event()

    async def follow(self, after: int) -> AsyncIterator[list[R]]:
        while True:
            # By seq, not by position: a new feed may not yet have read up to the follower's cursor.
            index = bisect.bisect_right(self.seqs, after)
            if index < len(self.rows):
                batch = self.rows[index:]
                after = batch[-1].seq
                yield batch
                continue
            if self.done:
                if self.error is not None:
                    raise self.error
                return
            await self._grew.wait()


class FeedHub(Generic[R]):
    """The feeds of this process, by run; a feed lives while someone follows its run."""

    def __init__(self, notifier: RunNotifier) -> None:
        self._notifier = notifier
        self._feeds: dict[tuple[uuid.UUID, uuid.UUID], Feed[R]] = {}

    async def follow(
        self, tenant_id: uuid.UUID, run_id: uuid.UUID, after: int, read: Reader[R], status: StatusReader
    ) -> AsyncIterator[list[R]]:
        key = (tenant_id, run_id)
        feed = self._feeds.get(key)
        if feed is None or (feed.done and feed.error is not None):
            feed = self._feeds[key] = Feed(read, status, self._notifier, run_id)
            feed.start()
        feed.followers += 1
        try:
            async for batch in feed.follow(after):
                yield batch
        finally:
            feed.followers -= 1
            if feed.followers == 0 and self._feeds.get(key) is feed:
                del self._feeds[key]
                if feed.task is not None and not feed.task.done():
                    feed.task.cancel()  # not awaited: this may run while the follower's generator is collected
