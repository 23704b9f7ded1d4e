"""Log lines on their way to the sink: collected, redacted, and sent in batches rather than one call a line."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from dvt.adapters.secrets.redaction import redact
from dvt.application.run_ports import RunnerEvent, RunSink


class SerialSink:
    """The sink with its calls one at a time: it may well sit on a single database session."""

    def __init__(self, sink: RunSink) -> None:
        self._sink = sink
        self._lock = asyncio.Lock()

    async def event(self, event: RunnerEvent) -> None:
        async with self._lock:
            await self._sink.event(event)

    async def log(self, stream: str, lines: list[str]) -> None:
        async with self._lock:
            await self._sink.log(stream, lines)

    async def cancel_requested(self) -> bool:
        async with self._lock:
            return await self._sink.cancel_requested()


class LogBatcher:
    """Lines in the order they came, sent as runs of the same stream; each line redacted on the way out.

    The one place a run's log lines are grouped: each run of lines sent is one spooled report and one stored
    chunk (the sink and the store keep it as it is), every quarter second or 200 lines, whichever comes first.
    """

    def __init__(self, sink: RunSink | SerialSink, *, interval: float = 0.25, max_lines: int = 200) -> None:
        self._sink = sink
        self._interval = interval
        self._max_lines = max_lines
        self._pending: list[tuple[str, str]] = []
        self._sent_at = time.monotonic()

    def add(self, stream: str, lines: Iterable[str]) -> None:
        self._pending.extend((stream, line) for line in lines)

    def due(self) -> bool:
        waited = time.monotonic() - self._sent_at
        return bool(self._pending) and (waited >= self._interval or len(self._pending) >= self._max_lines)

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        self._sent_at = time.monotonic()
        run: list[str] = []
        stream = ""
        for line_stream, line in pending:
            if run and (line_stream != stream or len(run) >= self._max_lines):
                await self._sink.log(stream, run)
                run = []
            stream = line_stream
            run.append(redact(line))
        if run:
            await self._sink.log(stream, run)
