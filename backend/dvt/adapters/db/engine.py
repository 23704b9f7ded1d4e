"""One async engine and session factory per process, on asyncpg.

The engine names a database it cannot reach: connection failures (refused, reset, no socket, timed out, the
server shutting down or starting up) raise `DatabaseUnavailableError`, so the layers above can answer
"unavailable, try again" without knowing SQLAlchemy, and a machine PostgreSQL restarting is treated like the
embedded one dying.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import Dialect, ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from dvt.domain.errors import DatabaseUnavailableError

CONNECT_TIMEOUT_SECONDS = 10  # asyncpg waits 60 s by default: a request should not hang that long
# SQLSTATEs of a server that cannot serve now: class 08 (connection exception) is checked by prefix; 57P01-03 are
# admin shutdown, crash shutdown and "cannot connect now" (starting up); 53300 is too many connections.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def async_url(url: str) -> str:
    """Accept the libpq URLs people paste (postgres://, postgresql://) and drive them with asyncpg."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"DVT runs on PostgreSQL only; got a {parsed.get_backend_name()} URL")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    engine = create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,  # a restarted server costs one retry, not a failed request
        connect_args={
            "server_settings": {"application_name": "dvt"},  # names DVT's sessions in pg_stat_activity
            "timeout": CONNECT_TIMEOUT_SECONDS,
        },
        json_serializer=lambda value: orjson.dumps(value).decode(),
        json_deserializer=orjson.loads,
    )
    event.listen(engine.sync_engine, "do_connect", _connect)
    event.listen(engine.sync_engine, "handle_error", _name_unavailability)
    return engine


def unreachable(error: BaseException) -> bool:
    """Whether a driver error means the server cannot be reached, rather than that it refused a statement."""
    if isinstance(error, OSError | TimeoutError):  # refused, reset, no socket file, connect timed out
        return True
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES)


def _connect(dialect: Dialect, _record: Any, cargs: Any, cparams: Any) -> Any:
    """A new connection, or DatabaseUnavailableError. SQLAlchemy passes asyncpg's connect errors through raw
    (ConnectionRefusedError, FileNotFoundError for a missing socket), past its own error events."""
    try:
        return dialect.connect(*cargs, **cparams)
    except Exception as error:
        if unreachable(error):
            raise DatabaseUnavailableError(f"connect: {type(error).__name__}: {error}") from error
        raise


def _name_unavailability(context: ExceptionContext) -> BaseException | None:
    """A statement that failed because the connection died raises DatabaseUnavailableError instead.

    SQLAlchemy has invalidated the connection by then, so the pool replaces it; a failed pre-ping is left alone
    (the pool reconnects by itself), and so is a cancellation (it is no database failure).
    """
    error = context.original_exception
    if context.is_pre_ping or not isinstance(error, Exception):
        return None
    if context.is_disconnect or unreachable(error):
        return DatabaseUnavailableError(f"{type(error).__name__}: {error}")
    return None


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def plain_dsn(url: str) -> str:
    """The libpq form of the database URL, for asyncpg connections held outside SQLAlchemy (queue, LISTEN)."""
    parsed = make_url(async_url(url))
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)
