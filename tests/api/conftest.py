"""GraphQL through the real ASGI app, with a statement counter on the real database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.tenancy import TenantScope


class GraphQLClient:
    """A caller with a bearer token (an API token of its tenant, or a JWT)."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.http = client
        self.token = token

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        """The whole response: data and errors."""
        response = await self.http.post("/graphql", json={"query": query, "variables": variables}, headers=self.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """Only the data, failing the test on any error."""
        body = await self(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


CHANGE_PASSWORD = """mutation($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new}) { __typename } }"""


async def signed_in(http: httpx.AsyncClient, tenant: str, username: str, one_time_password: str) -> str:
    """A new local account's bearer token, after it has changed its one-time password (else it may do nothing)."""
    login = {"tenant": tenant, "username": username, "password": one_time_password}
    response = await http.post("/auth/login", json=login)
    assert response.status_code == 200, response.text
    token = str(response.json()["token"])
    variables = {"current": one_time_password, "new": f"{one_time_password}-changed"}
    changed = await http.post(
        "/graphql",
        json={"query": CHANGE_PASSWORD, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert changed.json()["data"]["changePassword"]["__typename"] == "PasswordChanged", changed.text
    return token


async def token_for(app: Services, scope: TenantScope, *roles: str) -> str:
    """An API token of the tenant holding these roles on the whole tenant."""
    _, plaintext = await app.identity.create_api_token(Access.system(scope), f"test {'+'.join(roles)}", roles)
    return plaintext


@pytest.fixture
async def http(app: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test") as client:
        yield client


@pytest.fixture
async def gql(app: Services, scope: TenantScope, http: httpx.AsyncClient) -> GraphQLClient:
    """The tenant's administrator."""
    return GraphQLClient(http, await token_for(app, scope, "admin"))


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
