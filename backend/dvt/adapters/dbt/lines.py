"""Bytes arriving in arbitrary chunks (a pipe, a file being appended to) cut into whole text lines."""

from __future__ import annotations

# A line this long without a newline is emitted as it is rather than held in memory without bound.
MAX_LINE_BYTES = 4 * 1024 * 1024


class LineBuffer:
    def __init__(self) -> None:
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> list[str]:
        """The lines completed by this chunk; a trailing partial line waits for the next chunk."""
        complete = chunk.split(b"\n")
        complete[0] = bytes(self._pending) + complete[0]
        self._pending = bytearray(complete.pop())
        if len(self._pending) > MAX_LINE_BYTES:
            complete.append(bytes(self._pending))
            self._pending.clear()
        return [_decode(line) for line in complete]

    def finish(self) -> list[str]:
        """Whatever partial line is left, once no more bytes will come."""
        rest, self._pending = bytes(self._pending), bytearray()
        return [_decode(rest)] if rest else []


def _decode(line: bytes) -> str:
    # Decoding whole lines only, so a multi-byte character split across two chunks is never mangled.
    return line.decode("utf-8", errors="replace").removesuffix("\r")
