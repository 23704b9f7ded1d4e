"""What a worker still has to write for one run, kept on its own disk until the database has it.

An append-only file of JSON lines, one report a line (an event with the idempotency key it will be stored
under, or a chunk of log lines), in the order dbt reported them. Delivery reads from the first line not yet
delivered and moves that mark only once the database has committed the lines: a worker cut off from its
database for minutes or hours loses nothing and holds nothing of it in memory. A second file records how
far delivery got, so what is on disk always says what is still owed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson


class RunSpool:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._mark = path.with_name(path.name + ".delivered")
        self._writer = path.open("ab")
        self._written = self._writer.tell()
        self._delivered = int(self._mark.read_text() or 0) if self._mark.exists() else 0

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
        with self.path.open("rb") as reader:
            reader.seek(self._delivered)
            end = self._delivered
            while len(entries) < limit and end < self._written:
                line = reader.readline()
                if not line.endswith(b"\n"):
                    break  # a line still being written: the next batch takes it
                entries.append(orjson.loads(line))
                end += len(line)
        return entries, end

    def delivered(self, mark: int) -> None:
        self._delivered = mark
        self._mark.write_text(str(mark))

    def discard(self) -> None:
        """Forget what is still owed (the run is no longer this worker's to write)."""
        self.delivered(self._written)

    def close(self, *, remove: bool) -> None:
        self._writer.close()
        if remove:
            self.path.unlink(missing_ok=True)
            self._mark.unlink(missing_ok=True)
