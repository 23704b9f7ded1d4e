"""Run Alembic migrations from code (on start and from `dvt migrate`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

from dvt.adapters.db.engine import plain_dsn, unreachable
from dvt.domain.errors import DatabaseUnavailableError

if TYPE_CHECKING:
    from alembic.config import Config

# Shipped inside the package (a wheel's install has no repository around it).
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration (tests/integration/test_migration_head.py checks it is Alembic's head). A database already
# there needs no Alembic at all: every `dvt` command starts by making sure of it, and loading Alembic with every
# migration script cost each CLI command about half a second.
HEAD = "0023"


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), "head")


async def upgrade_async(url: str) -> None:
    if await current_revision(url) == HEAD:
        return
    # env.py runs its own event loop, so keep it off ours.
    await asyncio.to_thread(upgrade, url)


async def current_revision(url: str) -> str | None:
    """The database's migration, None before the first one."""
    try:
        connection = await asyncpg.connect(plain_dsn(url))
    except Exception as error:
        if unreachable(error):  # as the engine names it: one line for the CLI, 503 for the API
            raise DatabaseUnavailableError(f"connect: {type(error).__name__}: {error}") from error
        raise
    try:
        return await connection.fetchval("SELECT version_num FROM alembic_version")  # type: ignore[no-any-return]
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await connection.close()
