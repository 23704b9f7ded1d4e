"""The dispatch sweep each worker runs beside its jobs: queued runs move on even when nothing else moved them.

Runs are dispatched when they are triggered and whenever a run ends; the sweep is the net under both (a process
that died between a run's end and its dispatch, a database outage, a quota raised). It starts with a sweep, so
a worker that comes up after a crash moves on what waited meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

log = logging.getLogger(__name__)


async def sweep_forever(sweep: Callable[[], Awaitable[int]] | None, every: timedelta) -> None:
    """Call `sweep` now and then every `every`, until cancelled; without one, return at once."""
    if sweep is None:
        return
    while True:
        try:
            moved = await sweep()
            if moved:
                log.info("dispatch sweep moved %d queued runs on", moved)
        except Exception:  # the database may be away: the sweep must never stop, it tries again next time
            log.warning("dispatch sweep failed", exc_info=True)
        await asyncio.sleep(every.total_seconds())
