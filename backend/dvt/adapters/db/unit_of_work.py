"""The SQLAlchemy unit of work: one session, one transaction, repositories bound to a tenant scope."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Self

from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dvt.adapters.db.repositories.access import SqlAccessRepository, SqlRateLimitRepository
from dvt.adapters.db.repositories.artifacts import SqlArtifactRepository
from dvt.adapters.db.repositories.audit import SqlAuditRepository
from dvt.adapters.db.repositories.canvas import SqlCanvasRepository
from dvt.adapters.db.repositories.graph import SqlGraphRepository
from dvt.adapters.db.repositories.identity import SqlIdentityRepository
from dvt.adapters.db.repositories.jobs import SqlDueJobs, SqlJobRepository
from dvt.adapters.db.repositories.plans import SqlPlanRepository
from dvt.adapters.db.repositories.results import SqlResultRepository
from dvt.adapters.db.repositories.runs import SqlJobQueue, SqlRunRepository
from dvt.adapters.db.repositories.secrets import SqlSecretKeyRepository, SqlSecretRepository
from dvt.adapters.db.repositories.tenancy import SqlPlatformRepository, SqlTenancyRepository
from dvt.domain.errors import DatabaseUnavailableError
from dvt.domain.tenancy import TenantScope


async def _finish(session: AsyncSession) -> None:
    try:
        await session.rollback()  # a no-op after commit; undoes everything otherwise
    finally:
        await session.close()


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "use the unit of work inside `async with`"
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        return self

    async def __aexit__(self, *exc: object) -> None:
        error = exc[1] if len(exc) > 1 else None
        assert self._session is not None
        session, self._session = self._session, None
        # Shielded: graphql-core cancels a failed field's siblings, and a session cancelled halfway through
        # closing would leave its connection neither returned to the pool nor closed.
        await asyncio.shield(_finish(session))
        if isinstance(error, PoolTimeoutError):
            # Every connection stayed busy past the pool's timeout: the caller may retry, as after an outage.
            # (The engine itself names a server it cannot reach; see engine.py.)
            raise DatabaseUnavailableError(f"no free connection: {error}") from error

    @property
    def platform(self) -> SqlPlatformRepository:
        return SqlPlatformRepository(self.session)

    async def commit(self) -> None:
        await self.session.commit()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        async with self.session.begin_nested():  # released on success, rolled back (and re-raised) on error
            yield

    def job_definitions(self, scope: TenantScope) -> SqlJobRepository:
        return SqlJobRepository(self.session, scope)

    @property
    def due_jobs(self) -> SqlDueJobs:
        return SqlDueJobs(self.session)

    def tenancy(self, scope: TenantScope) -> SqlTenancyRepository:
        return SqlTenancyRepository(self.session, scope)

    def graphs(self, scope: TenantScope) -> SqlGraphRepository:
        return SqlGraphRepository(self.session, scope)

    def artifacts(self, scope: TenantScope) -> SqlArtifactRepository:
        return SqlArtifactRepository(self.session, scope)

    def results(self, scope: TenantScope) -> SqlResultRepository:
        return SqlResultRepository(self.session, scope)

    def access(self, scope: TenantScope) -> SqlAccessRepository:
        return SqlAccessRepository(self.session, scope)

    def audit(self, scope: TenantScope | None) -> SqlAuditRepository:
        return SqlAuditRepository(self.session, scope)

    def plans(self, scope: TenantScope) -> SqlPlanRepository:
        return SqlPlanRepository(self.session, scope)

    def runs(self, scope: TenantScope) -> SqlRunRepository:
        return SqlRunRepository(self.session, scope)

    def canvases(self, scope: TenantScope) -> SqlCanvasRepository:
        return SqlCanvasRepository(self.session, scope)

    @property
    def jobs(self) -> SqlJobQueue:
        return SqlJobQueue(self.session)

    def secrets(self, scope: TenantScope) -> SqlSecretRepository:
        return SqlSecretRepository(self.session, scope)

    @property
    def secret_keys(self) -> SqlSecretKeyRepository:
        return SqlSecretKeyRepository(self.session)

    @property
    def identity(self) -> SqlIdentityRepository:
        return SqlIdentityRepository(self.session)

    @property
    def rate_limits(self) -> SqlRateLimitRepository:
        return SqlRateLimitRepository(self.session)
