"""GraphQL through the real ASGI app, with a statement counter on the real database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from dvt.api.app import create_app
from dvt.api.context import TENANT_HEADER
from dvt.application.services import Services
from dvt.domain.tenancy import TenantScope


class GraphQLClient:
    def __init__(self, client: httpx.AsyncClient, tenant: str) -> None:
        self.http = client
        self.tenant = tenant

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        """The whole response: data and errors."""
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers={TENANT_HEADER: self.tenant}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """Only the data, failing the test on any error."""
        body = await self(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
async def tenant_slug(app: Services, scope: TenantScope) -> str:
    found = await app.tenancy.tenants_by_ids([scope.tenant_id])
    return found[0].slug


@pytest.fixture
async def gql(app: Services, tenant_slug: str) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test") as client:
        yield GraphQLClient(client, tenant_slug)


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1


@pytest.fixture
def statements() -> Iterator[StatementCounter]:
    """Counts every SQL statement any engine of this process sends while the test runs."""
    counter = StatementCounter()
    event.listen(Engine, "before_cursor_execute", counter)
    yield counter
    event.remove(Engine, "before_cursor_execute", counter)
