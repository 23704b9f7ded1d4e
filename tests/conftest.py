"""Shared fixtures: a real PostgreSQL (DVT_TEST_DATABASE_URL, else the embedded server), fresh tenants."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from dvt.adapters.db.embedded import start_embedded
from dvt.adapters.db.migrate import upgrade
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "dbt-artifacts"
TESTS = ROOT / "tests"

# Markers (registered in pyproject.toml) by the folder a test lives in, and by the fixtures that run dbt.
MARKS_BY_FOLDER: dict[str, tuple[str, ...]] = {
    "dbt": ("dbt",),
    "runs": ("dbt", "slow"),
    "parity": ("dbt", "slow"),
    "e2e": ("browser", "slow"),
}
DBT_FIXTURES = frozenset({"demo", "variant"})  # `dbt parse` of the demo project
# Files outside those folders whose tests each take many seconds (measured with --durations: processes started).
SLOW_FILES = frozenset({"integration/test_cli.py", "integration/test_cli_selection.py", "api/test_isolation.py"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _mark(items)
    # Files holding slow or dbt tests first: `make test` hands files to its processes (pytest-xdist, --dist loadfile) in
    # this order, and a slow file started last would run alone at the end. Stable: tests keep their order.
    slow = {item.path for item in items if item.get_closest_marker("slow") or item.get_closest_marker("dbt")}
    items.sort(key=lambda item: item.path not in slow)


def _mark(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.resolve()
        folder = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""
        marks = set(MARKS_BY_FOLDER.get(folder, ()))
        if path.is_relative_to(TESTS) and path.relative_to(TESTS).as_posix() in SLOW_FILES:
            marks.add("slow")
        if DBT_FIXTURES & set(getattr(item, "fixturenames", ())):
            marks.add("dbt")
        for mark in sorted(marks - {m.name for m in item.iter_markers()}):
            item.add_marker(mark)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test session."""
    base = os.environ.get("DVT_TEST_DATABASE_URL")
    if not base:
        url = start_embedded(tmp_path_factory.mktemp("embedded-pg"))
        upgrade(url)
        yield url
        return
    name = f"dvt_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(base))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    keys = ",".join(f"k{i}:{base64.b64encode(os.urandom(32)).decode()}" for i in (1, 2))
    # The shared app's rate limit is far above what any test sends, and so is its limit of failed sign-ins from one
    # address (every in-process request comes from one): both have tests of their own.
    return Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("dvt-data"),
        secret_keys=keys,
        rate_limit_per_minute=1_000_000,
        login_failures_per_address=1_000_000,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Services]:
    async with services(settings, migrate=False) as built:
        yield built


@pytest.fixture
async def scope(app: Services) -> TenantScope:
    """A tenant of its own for each test: tests never see each other's data."""
    tenant = await app.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")
    return TenantScope(tenant.id)
