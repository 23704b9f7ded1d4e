"""For migration tests: an empty database of its own, and the few rows a run needs, written as plain SQL
(the ORM models are the newest schema's; a migration test writes rows as an older revision had them)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import asyncpg
from sqlalchemy import make_url


@contextmanager
def fresh_database(database_url: str) -> Iterator[str]:
    """A database next to `database_url`'s, dropped afterwards."""
    base = make_url(database_url)
    name = f"dvt_mig_{uuid.uuid4().hex[:12]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)

    async def run(sql: str) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def insert_runs(
    c: asyncpg.Connection,
    tenant: uuid.UUID,
    environments: Mapping[uuid.UUID, str],
    runs: Mapping[uuid.UUID, tuple[uuid.UUID, str]],
) -> None:
    """A tenant (its organization and project share its id), its environments (id -> slug) and finished runs
    (id -> (environment, day created))."""
    await c.execute("INSERT INTO tenants (id, slug, name) VALUES ($1, 't', 't')", tenant)
    await c.execute("INSERT INTO organizations (id, tenant_id, slug, name) VALUES ($1, $1, 'o', 'o')", tenant)
    await c.execute(
        "INSERT INTO projects (id, tenant_id, organization_id, slug, name, repository) VALUES ($1, $1, $1, 'p', 'p', 'x')",
        tenant,
    )
    for env, slug in environments.items():
        await c.execute(
            "INSERT INTO environments (id, tenant_id, project_id, slug, name, adapter, git_ref)"
            " VALUES ($1, $2, $2, $3, $4, 'duckdb', 'main')",
            env, tenant, slug, slug,
        )  # fmt: skip
    for run_id, (env, day) in runs.items():
        await c.execute(
            "INSERT INTO runs (id, tenant_id, environment_id, status, trigger, actor, request, trace_id, created_at)"
            " VALUES ($1, $2, $3, 'success', 'manual', 'system:dvt', '{}', 'x', $4::text::timestamptz)",
            run_id, tenant, env, day,
        )  # fmt: skip
