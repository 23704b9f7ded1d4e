"""One unit of work per command, handed down to the helpers the command calls.

A helper that may be called on its own or as a step of a larger command takes an optional `uow`: given one,
it works in the caller's transaction and leaves the commit to the caller; else it opens its own. A helper
never opens a second transaction while its caller holds one: that would take a second pooled connection
while the first holds locks, and enough such callers at once exhaust the pool (issue 11, D3).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dvt.application.ports import UnitOfWork, UnitOfWorkFactory


@asynccontextmanager
async def joined(units: UnitOfWorkFactory, uow: UnitOfWork | None) -> AsyncIterator[tuple[UnitOfWork, bool]]:
    """(the unit of work to use, whether it is ours to commit): the caller's when given, else a new one."""
    if uow is not None:
        yield uow, False
        return
    async with units() as own:
        yield own, True
