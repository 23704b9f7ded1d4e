"""What the runner reads from dbt, on its way to the sink: reading only appends here, never waits for the sink.

dbt writes its stdout into a pipe: a reader that waited for the sink (and the sink for its database) would
leave the pipe full and dbt blocked on its next line. So the readers (the pipes, the JSON log's tail) hand
their lines and events to `RunnerReports` synchronously, and one task, `deliver`, passes them on to the sink
in order: events at once, log lines in chunks of one stream every quarter second or 200 lines, whichever
comes first. While the sink is slow the reports wait here, never the reading.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterable

from dvt.adapters.secrets.redaction import redact
from dvt.application.run_ports import RunnerEvent, RunSink

# Lines redacted and sent per step: a backlog (the sink was slow) goes out in bounded steps, and the readers
# get the event loop between them.
_STEP_LINES = 2000


class RunnerReports:
    """Events in the order they came, sent as soon as the sink takes them; log lines in the order they came,
    sent as runs of the same stream, each line redacted on the way out.

    The one place a run's log lines are grouped: each run of lines sent is one spooled report and one stored
    chunk (the sink and the store keep it as it is), of at most `max_lines` lines.
    """

    def __init__(self, sink: RunSink, *, interval: float = 0.25, max_lines: int = 200) -> None:
        self._sink = sink
        self._interval = interval
        self._max_lines = max_lines
        self._events: deque[RunnerEvent] = deque()
        self._lines: deque[tuple[str, str]] = deque()
        self._sent_at = time.monotonic()
        self._waiting = asyncio.Event()  # something is due: an event, or a chunk's worth of lines

    # -- what the readers call: never waits ---------------------------------------------------------------

    def event(self, event: RunnerEvent) -> None:
        self._events.append(event)
        self._waiting.set()

    def add(self, stream: str, lines: Iterable[str]) -> None:
        self._lines.extend((stream, line) for line in lines)
        if len(self._lines) >= self._max_lines:
            self._waiting.set()

    @property
    def pending(self) -> int:
        """Reports read but not yet taken by the sink."""
        return len(self._events) + len(self._lines)

    # -- what passes them on ------------------------------------------------------------------------------

    async def deliver(self, stop: asyncio.Event) -> None:
        """Pass reports on to the sink as they become due, until `stop` is set; then everything left."""
        while not stop.is_set():
            await self._send_events()
            due_in = self._interval - (time.monotonic() - self._sent_at)
            if len(self._lines) >= self._max_lines or (self._lines and due_in <= 0):
                await self._send_lines(_STEP_LINES)
                await asyncio.sleep(0)  # a backlog goes out in steps: the readers run in between
            elif not self._events:
                await self._wait(stop, due_in if self._lines else None)
        await self.flush()

    async def flush(self) -> None:
        """Everything read so far, to the sink."""
        await self._send_events()
        while self._lines:
            await self._send_lines(_STEP_LINES)

    async def _wait(self, stop: asyncio.Event, seconds: float | None) -> None:
        """Until something is due (an event, a chunk's worth of lines), `stop`, or `seconds`."""
        self._waiting.clear()
        if self._events or len(self._lines) >= self._max_lines:
            return  # came while the last reports were being sent
        wakers = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._waiting.wait())}
        try:
            await asyncio.wait(wakers, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waker in wakers:
                waker.cancel()

    async def _send_events(self) -> None:
        while self._events:
            await self._sink.event(self._events[0])
            self._events.popleft()  # only once the sink has it: a failed call leaves it here

    async def _send_lines(self, limit: int) -> None:
        self._sent_at = time.monotonic()
        taken = 0
        while self._lines and taken < limit:
            stream = self._lines[0][0]
            run: list[str] = []
            while self._lines and len(run) < self._max_lines and self._lines[0][0] == stream:
                run.append(redact(self._lines.popleft()[1]))
            taken += len(run)
            await self._sink.log(stream, run)
