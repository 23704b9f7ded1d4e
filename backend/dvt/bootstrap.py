"""The one place that wires concrete adapters into the application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from dvt.adapters.artifacts.readers import read_artifact
from dvt.adapters.artifacts.store import LocalArtifactStore
from dvt.adapters.db.embedded import start_embedded
from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.migrate import upgrade_async
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.graph import GraphQueries
from dvt.application.ingest import IngestService
from dvt.application.services import Services
from dvt.application.tenancy import TenancyService
from dvt.config import Settings

log = logging.getLogger(__name__)


def database_url(settings: Settings) -> str:
    """The configured server, or the embedded one in the data dir."""
    if settings.database_url:
        return settings.database_url
    return start_embedded(settings.data_dir)


@asynccontextmanager
async def services(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Services]:
    url = database_url(settings)
    if migrate:
        await upgrade_async(url)
    engine: AsyncEngine = create_engine(url)
    sessions = create_session_factory(engine)

    def units() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    store = LocalArtifactStore(settings.artifact_root)
    built = Services(
        tenancy=TenancyService(units),
        ingest=IngestService(units, read_artifact, store),
        graph=GraphQueries(units, store),
        max_page_size=settings.max_page_size,
        default_page_size=settings.default_page_size,
        max_upload_bytes=settings.max_upload_bytes,
    )
    try:
        await built.tenancy.ensure_default()
        yield built
    finally:
        await engine.dispose()
