"""Bulk inserts through PostgreSQL's COPY, inside the session's own transaction."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def copy_records(
    session: AsyncSession,
    table: str,
    columns: Sequence[str],
    records: Iterable[tuple[Any, ...]] | AsyncIterable[tuple[Any, ...]],
) -> None:
    """COPY rows in binary form: an order of magnitude faster than INSERT for a 10,000-node graph.

    `records` may be a generator, or an asynchronous one: the driver sends rows in chunks as it draws them, so
    PostgreSQL stores the first chunks while the rest are still being made.
    """
    if isinstance(records, Sequence) and not records:
        return
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table, records=records, columns=list(columns))
