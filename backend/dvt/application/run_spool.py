"""What a worker still has to write for one run, kept on its own disk until the database has it.

An append-only file of JSON lines, one report a line (an event with the idempotency key it will be stored
under, or a chunk of log lines), in the order dbt reported them. Delivery reads from the first line not yet
delivered and moves that mark only once the database has committed the lines: a worker cut off from its
database for minutes or hours loses nothing and holds nothing of it in memory. A second file records how
far delivery got, so what is on disk always says what is still owed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

import orjson


class RunSpool:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._mark = path.with_name(path.name + ".delivered")
        self._writer = path.open("ab")
        self._written = self._writer.tell()
        self._delivered = int(self._mark.read_text() or 0) if self._mark.exists() else 0
        # Both stay open: a run delivers hundreds of batches, and opening (and truncating) files for each one
        # cost the worker more than reading the batch did.
        self._reader: BinaryIO | None = None
        self._marker = os.open(self._mark, os.O_RDWR | os.O_CREAT, 0o644)

    def add(self, entry: dict[str, Any]) -> None:
        """Keep one report; it is on disk (in the kernel's hands) when this returns."""
        line = orjson.dumps(entry) + b"\n"
        self._writer.write(line)
        self._writer.flush()
        self._written += len(line)

    @property
    def owed(self) -> bool:
        return self._delivered < self._written

    def next_batch(self, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Up to `limit` reports after the delivered mark, in order, and the mark once they are delivered."""
        entries: list[dict[str, Any]] = []
        if self._reader is None:
            self._reader = self.path.open("rb")
        self._reader.seek(self._delivered)  # also drops what the reader had buffered: it sees every append
        end = self._delivered
        while len(entries) < limit and end < self._written:
            line = self._reader.readline()
            if not line.endswith(b"\n"):
                break  # a line still being written: the next batch takes it
            entries.append(orjson.loads(line))
            end += len(line)
        return entries, end

    def delivered(self, mark: int) -> None:
        self._delivered = mark
        # In place and of one width, so a mark never shows the tail of a longer one written before it.
        os.pwrite(self._marker, b"%020d" % mark, 0)

    def discard(self) -> None:
        """Forget what is still owed (the run is no longer this worker's to write)."""
        self.delivered(self._written)

    def close(self, *, remove: bool) -> None:
        self._writer.close()
        if self._reader is not None:
            self._reader.close()
        os.close(self._marker)
        if remove:
            self.path.unlink(missing_ok=True)
            self._mark.unlink(missing_ok=True)
