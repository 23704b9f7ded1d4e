"""Clocks for code that takes one (the rate limiter): tests move time instead of waiting for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class StoppedClock:
    """A clock that reads the same instant until a test moves it."""

    def __init__(self, at: datetime | None = None) -> None:
        # By default one second into the current minute: a burst of requests falls in one rate-limit window,
        # whatever the wall clock does meanwhile, and that window is recent (the limiter sweeps old ones).
        self.now = at or datetime.now(UTC).replace(second=1, microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
