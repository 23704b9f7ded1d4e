"""A WebSocket's credential holds only as long as it would over HTTP.

A socket authenticates once, in connection_init; then each operation re-checks it, and running
subscriptions re-check it periodically: a revoked API token, an expired JWT or a removed grant closes the
socket with 4403 and stops what it runs (issue 11, D2).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64

from dvt.api import app as app_module
from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.authorization import TENANT_SCOPE
from dvt.domain.identity import SYSTEM
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient
from tests.runs.conftest import make_place
from tests.support.dbt_repos import demo_repo, parse
from tests.support.oidc_issuer import OidcIssuer
from tests.support.ws import Closed, GraphQLSocket, bearer_payload, graphql_socket

VIEWER = "{ viewer { subject } }"
TOKENS = "{ apiTokens { id name revokedAt } }"
CREATE_TOKEN = """mutation { createApiToken(input: {name: "escalated", roles: ["admin"]}) {
  __typename ... on CreatedApiToken { token } ... on Error { message } } }"""
REVOKE_TOKEN = """mutation($id: UUID!) { revokeApiToken(input: {tokenId: $id}) { __typename } }"""
EVENTS = """subscription($id: ID!) { runEvents(runId: $id) { cursor events { seq kind } } }"""


async def data(socket: GraphQLSocket, query: str, **variables: Any) -> dict[str, Any]:
    reply = await socket.execute(query, variables)
    assert reply.kind == "next" and not reply.payload.get("errors"), reply
    result: dict[str, Any] = reply.payload["data"]
    return result


async def closed_by(socket: GraphQLSocket, query: str, **variables: Any) -> Closed:
    """The close the server answers the operation with (failing the test when it runs it instead)."""
    with pytest.raises(Closed) as closed:
        reply = await socket.execute(query, variables)
        pytest.fail(f"the operation ran: {reply}")
    return closed.value


@pytest.fixture
async def app_asgi(app: Services) -> Any:
    return create_app(app)


async def test_a_revoked_token_cannot_run_anything_on_a_socket_opened_before(
    app: Services, scope: TenantScope, gql: GraphQLClient, app_asgi: Any
) -> None:
    """The issue's attack: revoke a token over HTTP, then escalate with it on a socket opened earlier."""
    token_id, token = await app.identity.create_api_token(Access.system(scope), "soon revoked", ["admin"])
    async with graphql_socket(app_asgi, bearer_payload(token)) as socket:
        assert (await data(socket, VIEWER))["viewer"]["subject"] == str(token_id)
        assert (await gql.data(REVOKE_TOKEN, id=str(token_id)))["revokeApiToken"]["__typename"] == "ApiToken"
        refused = await gql.http.post("/graphql", json={"query": VIEWER}, headers={"authorization": f"Bearer {token}"})
        assert refused.status_code == 401 and "API token revoked" in refused.text
        closed = await closed_by(socket, CREATE_TOKEN)
    assert closed.code == 4403 and "revoked" in closed.reason
    names = [t["name"] for t in (await gql.data(TOKENS))["apiTokens"]]
    assert "escalated" not in names


async def test_a_removed_grant_closes_the_socket_and_other_grants_changing_do_not(
    app: Services, scope: TenantScope, app_asgi: Any
) -> None:
    system = Access.system(scope)
    token_id, token = await app.identity.create_api_token(system, "viewer raised to admin", ["viewer"])
    raised = await app.access.grant(system, f"token:{token_id}", "admin", TENANT_SCOPE)
    unrelated = await app.access.grant(system, "group:someone-else", "viewer", TENANT_SCOPE)
    async with graphql_socket(app_asgi, bearer_payload(token)) as socket:
        assert (await data(socket, TOKENS))["apiTokens"]  # admin through the grant
        await app.access.revoke(system, unrelated.id)
        await app.access.grant(system, f"token:{token_id}", "editor", TENANT_SCOPE)  # gained: permissions widen
        assert (await data(socket, TOKENS))["apiTokens"]
        await app.access.revoke(system, raised.id)
        closed = await closed_by(socket, TOKENS)
    assert closed.code == 4403 and "grant" in closed.reason


async def test_a_refused_connection_init_says_why(app: Services, scope: TenantScope, app_asgi: Any) -> None:
    token_id, token = await app.identity.create_api_token(Access.system(scope), "revoked first", ["viewer"])
    await app.identity.revoke_api_token(Access.system(scope), token_id)
    with pytest.raises(Closed) as closed:
        async with graphql_socket(app_asgi, bearer_payload(token)):
            pass
    assert closed.value.code == 4403 and closed.value.reason == "API token revoked"


# ---------------------------------------------------------------------------------------------- JWTs


@pytest.fixture
async def oidc_app(settings: Settings) -> AsyncIterator[tuple[Services, Any, OidcIssuer]]:
    issuer = OidcIssuer().start()
    oidc = settings.model_copy(update={"oidc_issuer": issuer.issuer, "oidc_audience": issuer.audience})
    try:
        async with services(oidc, migrate=False) as built:
            yield built, create_app(built), issuer
    finally:
        issuer.stop()


async def test_a_socket_closes_when_its_jwt_expires(oidc_app: tuple[Services, Any, OidcIssuer]) -> None:
    built, asgi, issuer = oidc_app
    tenant = await built.tenancy.create_tenant(SYSTEM, f"jwt-{uuid.uuid4().hex[:8]}")
    await built.access.grant(Access.system(TenantScope(tenant.id)), "user:user-123", "viewer", TENANT_SCOPE)
    # Expired 27 s ago: accepted within the verifier's 30 s leeway, for about three seconds more.
    now = int(time.time())
    jwt = issuer.mint(dvt_tenant=tenant.slug, exp=now - 27, iat=now - 60, nbf=now - 60)
    async with graphql_socket(asgi, bearer_payload(jwt)) as socket:
        assert (await data(socket, VIEWER))["viewer"]["subject"] == "user-123"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                await data(socket, VIEWER)
            except Closed as closed:
                assert closed.code == 4403 and "expired" in closed.reason
                return
            await asyncio.sleep(0.5)
        pytest.fail("the socket outlived its token")


# ---------------------------------------------------------------------------------------------- subscriptions


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    repo = demo_repo(tmp_path_factory.mktemp("repos") / "demo")
    return repo, parse(repo, tmp_path_factory.mktemp("parse"))


async def test_a_running_subscription_ends_when_its_token_is_revoked(
    app: Services, demo: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "CREDENTIAL_CHECK_SECONDS", 0.2, raising=False)
    place = await make_place(app, *demo)
    plan = await app.plans.create(place.access, place.environment.id, PlanRequest(select=("stg_orders",)))
    if plan.status == "draft":
        plan = await app.plans.approve(place.access, plan.id, plan.fingerprint)
    run = await app.runs.trigger(place.access, place.environment.id, plan_id=plan.id)  # no worker: it waits
    token_id, token = await app.identity.create_api_token(place.access, "follower", ["viewer"])
    async with graphql_socket(create_app(app), bearer_payload(token)) as socket:
        operation = await socket.start(EVENTS, {"id": to_base64("Run", str(run.id))})
        replies = socket.replies(operation)
        first = await anext(replies)
        assert first.kind == "next", first
        await app.identity.revoke_api_token(place.access, token_id)
        with pytest.raises(Closed) as closed:
            async for reply in replies:
                assert reply.kind == "next", reply  # events of the run, until the socket closes
    assert closed.value.code == 4403 and "revoked" in closed.value.reason
