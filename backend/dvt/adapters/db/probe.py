"""The database probe behind readiness: one SELECT 1 through the engine's pool."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


class SqlDatabaseProbe:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def ping(self) -> None:
        # Through the pool, as requests go: a pool with no free connection is not ready either.
        async with self._engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
