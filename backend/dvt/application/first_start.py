"""The embedded default's first start: one administrator with a random one-time password."""

from __future__ import annotations

from dvt.application.access import Access
from dvt.application.identity import OneTimeCredentials
from dvt.application.services import Services
from dvt.domain.authorization import TENANT_SCOPE, Role
from dvt.domain.tenancy import DEFAULT_TENANT, TenantScope


async def welcome_admin(services: Services) -> OneTimeCredentials | None:
    """Create the `default` tenant's admin when it has none, and make it tenant administrator.

    None when an identity provider owns logins or an admin exists already: there is never a fixed
    default password, and a restart never prints a password again.
    """
    if services.auth_settings.get("oidc_issuer"):
        return None
    tenant = await services.tenancy.tenant(DEFAULT_TENANT)
    credentials = await services.identity.bootstrap_admin(tenant)
    if credentials is not None:
        system = Access.system(TenantScope(tenant.id))
        await services.access.grant(system, f"user:{credentials.account_id}", Role.ADMIN.value, TENANT_SCOPE)
    return credentials
