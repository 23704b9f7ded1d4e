"""Who the benchmark acts as: DVT itself for ingestion, and a `viewer` API token for GraphQL reads."""

from __future__ import annotations

from dataclasses import dataclass

from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.tenancy import DEFAULT_TENANT, TenantScope

READ_ROLE = "viewer"


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Access  # what commands (ingest) take
    scope: TenantScope  # what the read queries (GraphQueries) take
    headers: dict[str, str]


async def bench_caller(services: Services, *, with_token: bool = True) -> Caller:
    tenant = await services.tenancy.tenant(DEFAULT_TENANT)
    scope = TenantScope(tenant.id)
    access = Access.system(scope)
    headers: dict[str, str] = {}
    if with_token:
        _, token = await services.identity.create_api_token(access, "benchmark", [READ_ROLE])
        headers["Authorization"] = f"Bearer {token}"
    return Caller(access, scope, headers)
