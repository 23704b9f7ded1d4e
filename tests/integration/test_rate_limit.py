"""The rate limiter on the real database, on a clock the test moves: a window is one minute of that clock."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from dvt.application.services import Services
from dvt.domain.errors import QuotaExceededError
from tests.support.clock import StoppedClock

LIMIT = 3


async def test_a_caller_over_the_limit_waits_for_the_next_minute_and_is_told_how_long(app: Services) -> None:
    clock = StoppedClock()
    clock.advance(49)  # 50 s into the minute
    limiter = dataclasses.replace(app.rate_limiter, per_minute=LIMIT, clock=clock)
    caller = f"test:{uuid.uuid4()}"
    for _ in range(LIMIT):
        await limiter.check(caller)
    with pytest.raises(QuotaExceededError, match="retry in 10 s") as refused:
        await limiter.check(caller)
    assert refused.value.retry_after_s == 10
    clock.advance(10)  # the next minute: a fresh window
    for _ in range(LIMIT):
        await limiter.check(caller)
    with pytest.raises(QuotaExceededError):
        await limiter.check(caller)


async def test_callers_are_counted_apart(app: Services) -> None:
    limiter = dataclasses.replace(app.rate_limiter, per_minute=1, clock=StoppedClock())
    first, second = f"test:{uuid.uuid4()}", f"test:{uuid.uuid4()}"
    await limiter.check(first)
    await limiter.check(second)  # not refused: the first caller's request is not the second's
    with pytest.raises(QuotaExceededError):
        await limiter.check(first)


async def test_a_limit_of_zero_counts_nothing(app: Services) -> None:
    limiter = dataclasses.replace(app.rate_limiter, per_minute=0, clock=StoppedClock())
    caller = f"test:{uuid.uuid4()}"
    for _ in range(5):
        await limiter.check(caller)  # 0 turns the limit off; it does not refuse everything
