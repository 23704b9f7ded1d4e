"""The shared feed of a run: each follower gets every row past its cursor once, in order, in batches."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from dvt.application.run_feeds import FeedHub


@dataclass(frozen=True)
class Row:
    seq: int


class Table:
    """A run's rows as the database would hold them, growing while the run goes on."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.status = "running"
        self.reads = 0
        self.grew = asyncio.Event()

    async def read(self, after: int, limit: int) -> list[Row]:
        self.reads += 1
        return [r for r in self.rows if r.seq > after][:limit]

    async def run_status(self) -> str:
        return self.status

    def add(self, n: int) -> None:
        start = len(self.rows)
        self.rows += [Row(start + i + 1) for i in range(n)]
        self.grew.set()


class Notifier:
    def __init__(self, table: Table) -> None:
        self.table = table

    async def wait(self, run_id: uuid.UUID, seconds: float) -> bool:
        try:
            async with asyncio.timeout(seconds):
                await self.table.grew.wait()
        except TimeoutError:
            return False
        self.table.grew.clear()
        return True


async def collect(hub: FeedHub[Row], table: Table, run: uuid.UUID, after: int) -> list[list[int]]:
    return [
        [r.seq for r in batch] async for batch in hub.follow(uuid.UUID(int=1), run, after, table.read, table.run_status)
    ]


async def test_followers_from_different_cursors_each_get_every_later_row_once() -> None:
    table = Table()
    table.add(5)
    hub: FeedHub[Row] = FeedHub(Notifier(table))
    run = uuid.uuid4()
    followers = [asyncio.create_task(collect(hub, table, run, after)) for after in (0, 3, 5)]
    await asyncio.sleep(0.05)
    table.add(4)
    await asyncio.sleep(0.05)
    table.status = "success"
    table.add(1)
    results = await asyncio.gather(*followers)
    assert [[s for batch in r for s in batch] for r in results] == [
        list(range(1, 11)),
        list(range(4, 11)),
        list(range(6, 11)),
    ]


async def test_a_follower_resuming_after_its_cursor_on_a_fresh_feed_skips_what_it_had() -> None:
    table = Table()
    table.add(8)
    table.status = "success"
    hub: FeedHub[Row] = FeedHub(Notifier(table))
    assert [s for batch in await collect(hub, table, uuid.uuid4(), 6) for s in batch] == [7, 8]


async def test_many_followers_share_one_reader() -> None:
    table = Table()
    table.add(3)
    hub: FeedHub[Row] = FeedHub(Notifier(table))
    run = uuid.uuid4()
    followers = [asyncio.create_task(collect(hub, table, run, 0)) for _ in range(200)]
    await asyncio.sleep(0.05)
    table.status = "success"
    table.add(2)
    results = await asyncio.gather(*followers)
    assert all([s for batch in r for s in batch] == [1, 2, 3, 4, 5] for r in results)
    assert table.reads <= 5  # one feed read for everyone, not one per follower
