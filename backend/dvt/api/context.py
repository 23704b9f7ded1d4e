"""Who is asking, in which tenant, with which per-request loaders.

Until authentication lands, the caller is a single local identity acting in the tenant named by the
`X-DVT-Tenant` header (default: `default`). Resolvers read only `actor` and `scope`, so swapping in
real identities changes this module, not them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from dvt.api.loaders import Loaders
from dvt.application.services import Services
from dvt.domain.tenancy import DEFAULT_TENANT, TenantScope

TENANT_HEADER = "x-dvt-tenant"


@dataclass(frozen=True, slots=True)
class Actor:
    subject: str
    kind: str  # user, token, system


@dataclass
class Context:
    services: Services
    actor: Actor
    scope: TenantScope
    tenant_slug: str
    request: Request | WebSocket | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services, self.scope)


Info = StrawberryInfo[Context, None]


async def build_context(services: Services, request: Request | WebSocket | None) -> Context:
    slug = (request.headers.get(TENANT_HEADER) if request is not None else None) or DEFAULT_TENANT
    tenant = await services.tenancy.tenant(slug)
    return Context(
        services=services,
        actor=Actor(subject="local", kind="user"),
        scope=TenantScope(tenant.id),
        tenant_slug=tenant.slug,
        request=request,
    )
