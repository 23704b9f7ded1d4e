"""A database the API cannot reach (any PostgreSQL, not only the embedded one): every answer says UNAVAILABLE,
as a GraphQL error inside GraphQL and HTTP 503 outside it, never a 500 or a masked INTERNAL; readiness says so
too; and connections the server dropped are replaced without failing a request.

"Unreachable" here is real: an engine on a port nobody listens on, or a socket that accepts and never answers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from dvt.adapters.artifacts.store import LocalArtifactStore
from dvt.adapters.db.engine import create_engine, create_session_factory, plain_dsn
from dvt.adapters.db.probe import SqlDatabaseProbe
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.api.app import create_app
from dvt.application.access import RateLimiter
from dvt.application.graph import GraphQueries
from dvt.application.health import HealthService
from dvt.application.services import Services
from dvt.application.tenancy import TenancyService
from dvt.domain.errors import DatabaseUnavailableError
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient, token_for
from tests.support.server import free_port

READS_THE_DATABASE = "{ projects { slug } }"


@pytest.fixture
async def nobody_listens() -> AsyncIterator[AsyncEngine]:
    """An engine on a PostgreSQL that is down: connections are refused."""
    engine = create_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/dvt")
    yield engine
    await engine.dispose()


def units_of(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(create_session_factory(engine))


async def client_of(services: Services) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(services), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://dvt.test")


async def test_a_field_that_cannot_reach_the_database_is_a_graphql_error_coded_unavailable(
    app: Services, scope: TenantScope, nobody_listens: AsyncEngine
) -> None:
    # Admitted by the live database; the field's own reads go to the one that is down.
    down = dataclasses.replace(app, tenancy=TenancyService(lambda: units_of(nobody_listens)))
    async with await client_of(down) as http:
        token = await token_for(app, scope, "viewer")
        body = await GraphQLClient(http, token)(READS_THE_DATABASE)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "UNAVAILABLE"} and error["path"] == ["projects"]
    assert error["message"] == "the database is unavailable: try again shortly"  # no address, no driver text


async def test_the_gate_answers_a_graphql_shaped_503_when_it_cannot_reach_the_database(
    app: Services, scope: TenantScope, nobody_listens: AsyncEngine
) -> None:
    # The rate limit is counted in the database, before GraphQL runs.
    down = dataclasses.replace(app, rate_limiter=RateLimiter(lambda: units_of(nobody_listens), 600))
    async with await client_of(down) as http:
        token = await token_for(app, scope, "viewer")
        response = await http.post(
            "/graphql", json={"query": READS_THE_DATABASE}, headers={"authorization": f"Bearer {token}"}
        )
    assert response.status_code == 503 and response.headers["retry-after"].isdigit()
    assert response.json() == {
        "data": None,
        "errors": [
            {"message": "the database is unavailable: try again shortly", "extensions": {"code": "UNAVAILABLE"}}
        ],
    }


async def test_a_route_outside_graphql_answers_503_with_a_json_error(
    app: Services, scope: TenantScope, nobody_listens: AsyncEngine, tmp_path: Path
) -> None:
    down = dataclasses.replace(app, graph=GraphQueries(lambda: units_of(nobody_listens), LocalArtifactStore(tmp_path)))
    async with await client_of(down) as http:
        token = await token_for(app, scope, "viewer")
        response = await http.get(f"/api/artifacts/{uuid.uuid4()}", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response.headers["retry-after"].isdigit()
    assert response.json() == {"error": "the database is unavailable: try again shortly", "code": "UNAVAILABLE"}


async def test_readiness_reports_the_database_and_liveness_does_not_ask_it(
    app: Services, nobody_listens: AsyncEngine
) -> None:
    down = dataclasses.replace(app, health=HealthService(SqlDatabaseProbe(nobody_listens)))
    async with await client_of(app) as up_http, await client_of(down) as down_http:
        up, unavailable, live, livez = (
            await up_http.get("/readyz"),
            await down_http.get("/readyz"),
            await down_http.get("/healthz"),
            await down_http.get("/livez"),
        )
    assert (up.status_code, up.json()) == (200, {"status": "ready", "database": "ok", "artifact_store": "ok"})
    assert unavailable.status_code == 503
    assert unavailable.json() == {
        "status": "unavailable",
        "database": "the database is unavailable: try again shortly",
        "artifact_store": "ok",
    }
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (livez.status_code, livez.json()) == (200, {"status": "ok"})  # the name orchestrators probe


async def test_readiness_gives_up_on_a_server_that_accepts_and_never_answers() -> None:
    async def hang(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up

    listener = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    engine = create_engine(f"postgresql://postgres@127.0.0.1:{port}/dvt")
    try:
        readiness = await HealthService(SqlDatabaseProbe(engine), timeout_seconds=0.5).readiness()
    finally:
        await engine.dispose()
        listener.close()
    assert readiness.ready is False and readiness.database == "the database did not answer within 0.5 s"


async def _drop_connections(database_url: str, application_name: str) -> int:
    """What a server restart does to DVT's pooled connections: terminates them."""
    admin = await asyncpg.connect(plain_dsn(database_url))
    try:
        dropped = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()",
            application_name,
        )
    finally:
        await admin.close()
    return int(dropped)


async def test_pooled_connections_the_server_dropped_are_replaced_without_failing_a_request(
    gql: GraphQLClient, database_url: str
) -> None:
    await gql.data(READS_THE_DATABASE)  # the pool now holds connections
    assert await _drop_connections(database_url, "dvt") > 0
    assert "projects" in await gql.data(READS_THE_DATABASE)  # pre-ping finds them dead and reconnects


async def test_a_connection_dropped_mid_transaction_is_named_unavailable_not_a_driver_error(database_url: str) -> None:
    engine = create_engine(database_url)
    marker = f"dvt-drop-{uuid.uuid4().hex[:8]}"
    try:
        with pytest.raises(DatabaseUnavailableError):
            async with engine.connect() as connection:
                await connection.execute(text(f"SET application_name = '{marker}'"))
                assert await _drop_connections(database_url, marker) == 1
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def test_a_refused_connection_is_named_unavailable_not_a_connection_refused_error(
    nobody_listens: AsyncEngine,
) -> None:
    with pytest.raises(DatabaseUnavailableError) as raised:
        async with nobody_listens.connect() as connection:
            await connection.execute(text("SELECT 1"))
    assert isinstance(raised.value.__cause__, ConnectionRefusedError)  # the cause is kept for the log
