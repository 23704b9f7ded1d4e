"""Signing in, end to end over HTTP: local accounts with DVT's own issuer, an OIDC provider on loopback, and
the rate limit shared by every API replica through PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.audit_ports import AuditQuery
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.audit import AuditResult
from dvt.domain.errors import PermissionDeniedError
from dvt.domain.identity import SYSTEM, Actor, ActorKind
from dvt.domain.tenancy import Tenant, TenantScope
from tests.api.conftest import CHANGE_PASSWORD, GraphQLClient, token_for
from tests.support.clock import StoppedClock
from tests.support.oidc_fixtures import oidc_issuer  # noqa: F401
from tests.support.oidc_issuer import OidcIssuer

RATE_LIMIT = 3  # requests per minute of the replicas under test
VIEWER = "{ viewer { kind subject displayName email groups platformAdmin } }"


async def tenant_of(app: Services, scope: TenantScope) -> Tenant:
    return (await app.tenancy.tenants_by_ids(Access.system(scope), [scope.tenant_id]))[0]


def client_of(services_: Services) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(services_)), base_url="http://dvt.test")


# ---------------------------------------------------------------------------------------------- local accounts


async def test_the_sign_in_configuration_says_local_accounts(http: httpx.AsyncClient) -> None:
    response = await http.get("/auth/config")
    assert response.status_code == 200
    assert response.json()["mode"] == "local" and response.json()["oidc_issuer"] is None


async def test_the_bootstrap_admin_signs_in_and_its_token_works_on_graphql(
    app: Services, scope: TenantScope, http: httpx.AsyncClient
) -> None:
    tenant = await tenant_of(app, scope)
    credentials = await app.identity.bootstrap_admin(tenant)
    assert credentials is not None
    response = await http.post(
        "/auth/login",
        json={"tenant": tenant.slug, "username": credentials.username, "password": credentials.password},
    )
    signed_in = response.json()
    viewer = await GraphQLClient(http, signed_in["token"]).data("{ viewer { kind subject displayName platformAdmin } }")
    assert response.status_code == 200 and signed_in["mustChangePassword"] is True
    assert viewer["viewer"] == {
        "kind": "user",
        "subject": str(credentials.account_id),
        "displayName": "Administrator",
        "platformAdmin": True,
    }


MINT = """mutation { createApiToken(input: {name: "ci", roles: ["admin"]}) {
  __typename ... on CreatedApiToken { token } } }"""


async def test_a_one_time_password_allows_nothing_but_changing_it(
    app: Services, scope: TenantScope, http: httpx.AsyncClient
) -> None:
    tenant = await tenant_of(app, scope)
    credentials = await app.identity.bootstrap_admin(tenant)
    assert credentials is not None
    await app.access.grant(Access.system(scope), f"user:{credentials.account_id}", "admin", "/")
    login = {"tenant": tenant.slug, "username": credentials.username, "password": credentials.password}
    client = GraphQLClient(http, (await http.post("/auth/login", json=login)).json()["token"])

    refused = await client(MINT)
    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED" and "changePassword" in error["message"]
    assert await app.identity.api_tokens(Access.system(scope)) == [], "no token was made"
    projects = await client("{ projects { slug } }")
    assert projects["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"

    changed = await client.data(CHANGE_PASSWORD, current=credentials.password, new="a long new passphrase")
    minted = await client.data(MINT)

    assert changed["changePassword"]["__typename"] == "PasswordChanged"
    assert minted["createApiToken"]["__typename"] == "CreatedApiToken", "the same sign-in works once it changed"


async def test_a_wrong_password_is_refused_and_audited(
    app: Services, scope: TenantScope, http: httpx.AsyncClient
) -> None:
    tenant = await tenant_of(app, scope)
    username = f"u{uuid.uuid4().hex[:10]}"
    await app.identity.create_account(tenant, username)
    response = await http.post(
        "/auth/login", json={"tenant": tenant.slug, "username": username, "password": "not-the-password"}
    )
    page = await app.audit.platform_log(
        Access.system(TenantScope(tenant.id)),
        AuditQuery(action_prefix="session.login", result=AuditResult.DENIED),
        None,
        1_000,
    )
    mine = [r.event for r in page.items if r.event.details.get("username") == username]
    assert response.status_code == 401 and response.json() == {"error": "invalid username or password"}
    assert [(e.action, e.result, e.details.get("tenant")) for e in mine] == [
        ("session.login", AuditResult.DENIED, tenant.slug)
    ]


async def test_an_unknown_account_is_refused_like_a_wrong_password(
    app: Services, scope: TenantScope, http: httpx.AsyncClient
) -> None:
    tenant = await tenant_of(app, scope)
    response = await http.post(
        "/auth/login", json={"tenant": tenant.slug, "username": "nobody-here", "password": "not-the-password"}
    )
    assert (response.status_code, response.json()) == (401, {"error": "invalid username or password"})


# ---------------------------------------------------------------------------------------------- OIDC


@pytest.fixture
async def oidc_app(settings: Settings, oidc_issuer: OidcIssuer) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    configured = settings.model_copy(update={"oidc_issuer": oidc_issuer.issuer, "oidc_audience": oidc_issuer.audience})
    async with services(configured, migrate=False) as built, client_of(built) as http:
        yield http


async def test_an_oidc_app_names_its_issuer_and_client_in_the_sign_in_configuration(
    oidc_app: httpx.AsyncClient,
    oidc_issuer: OidcIssuer,  # noqa: F811
    settings: Settings,
) -> None:
    config = (await oidc_app.get("/auth/config")).json()
    assert config == {
        "mode": "oidc",
        "oidc_issuer": oidc_issuer.issuer,
        "oidc_audience": oidc_issuer.audience,
        "oidc_client_id": settings.oidc_client_id,
    }


async def test_a_token_of_the_identity_provider_naming_the_tenant_works(
    app: Services,
    scope: TenantScope,
    oidc_app: httpx.AsyncClient,
    oidc_issuer: OidcIssuer,  # noqa: F811
) -> None:
    tenant = await tenant_of(app, scope)
    token = oidc_issuer.mint(dvt_tenant=tenant.slug, sub="ada", groups=["analysts"])
    viewer = await GraphQLClient(oidc_app, token).data(VIEWER)
    assert viewer["viewer"] == {
        "kind": "user",
        "subject": "ada",
        "displayName": "Ada Lovelace",
        "email": "ada@example.com",
        "groups": ["analysts"],
        "platformAdmin": False,
    }


async def test_a_group_of_the_identity_provider_carries_the_grants_made_to_it(
    app: Services,
    scope: TenantScope,
    gql: GraphQLClient,
    oidc_app: httpx.AsyncClient,
    oidc_issuer: OidcIssuer,  # noqa: F811
) -> None:
    tenant = await tenant_of(app, scope)
    analysts = GraphQLClient(oidc_app, oidc_issuer.mint(dvt_tenant=tenant.slug, groups=["analysts"]))
    outsiders = GraphQLClient(oidc_app, oidc_issuer.mint(dvt_tenant=tenant.slug, groups=["outsiders"]))
    await gql.data(
        'mutation { grantRole(input: {principal: "group:analysts", role: "viewer", scope: "/"}) { __typename } }'
    )
    allowed = await analysts("{ tenant { slug } }")
    refused = await outsiders("{ tenant { slug } }")
    assert allowed == {"data": {"tenant": {"slug": tenant.slug}}}
    assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


# ---------------------------------------------------------------------------------------------- rate limit


@pytest.fixture
async def replicas(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two API replicas with engines of their own on the same database and a low rate limit."""
    limited = settings.model_copy(update={"rate_limit_per_minute": RATE_LIMIT})
    clock = StoppedClock()  # both replicas in one minute, however long the burst takes
    async with services(limited, migrate=False) as one, services(limited, migrate=False) as two:
        one, two = (
            dataclasses.replace(s, rate_limiter=dataclasses.replace(s.rate_limiter, clock=clock)) for s in (one, two)
        )
        async with client_of(one) as first, client_of(two) as second:
            yield first, second


async def test_the_rate_limit_counts_requests_across_replicas(
    app: Services, scope: TenantScope, replicas: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    token = await token_for(app, scope, "viewer")
    headers = {"authorization": f"Bearer {token}"}
    statuses = []
    for index in range(RATE_LIMIT):
        response = await replicas[index % 2].post("/graphql", json={"query": "{ viewer { subject } }"}, headers=headers)
        statuses.append(response.status_code)
    over = await replicas[RATE_LIMIT % 2].post("/graphql", json={"query": "{ viewer { subject } }"}, headers=headers)
    assert statuses == [200] * RATE_LIMIT
    assert over.status_code == 429 and over.json()["errors"][0]["extensions"]["code"] == "QUOTA_EXCEEDED"
    assert 1 <= int(over.headers["retry-after"]) <= 60


async def test_a_platform_administrator_overrides_one_tenants_rate_limit_and_no_other(
    app: Services, scope: TenantScope, replicas: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    tenant = await tenant_of(app, scope)
    other = TenantScope((await app.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")).id)
    raised = RATE_LIMIT + 2
    updated = await app.tenancy.set_rate_limit(SYSTEM, tenant.slug, raised)
    assert updated.rate_limit_per_minute == raised
    with pytest.raises(PermissionDeniedError):  # a tenant's own administrator cannot raise it
        await app.tenancy.set_rate_limit(Actor(ActorKind.USER, "tenant-admin", scope.tenant_id), tenant.slug, 10**6)

    async def statuses(of: TenantScope, count: int) -> list[int]:
        headers = {"authorization": f"Bearer {await token_for(app, of, 'viewer')}"}
        answers = [
            await replicas[n % 2].post("/graphql", json={"query": VIEWER}, headers=headers) for n in range(count)
        ]
        return [a.status_code for a in answers]

    assert await statuses(scope, raised + 1) == [200] * raised + [429]
    assert await statuses(other, RATE_LIMIT + 1) == [200] * RATE_LIMIT + [429]  # the server's, untouched
    [audited] = [
        r.event
        for r in (
            await app.audit.platform_log(
                Access.system(scope), AuditQuery(action_prefix="tenant.rate_limit"), None, 1000
            )
        ).items
        if r.event.details["slug"] == tenant.slug
    ]
    assert audited.details["rate_limit_per_minute"] == raised
