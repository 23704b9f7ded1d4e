"""`dvt token create|list|revoke` and `dvt access grant|revoke|list` through the API: the same objects the local
mode prints (a new token's plaintext comes back once, as it does locally)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from dvt.cli.remote import RemoteError, checked, local_id

if TYPE_CHECKING:
    from dvt.application.identity_ports import ApiToken
    from dvt.client import DvtClient
    from dvt.domain.authorization import Grant


def _tenant(found: Any) -> uuid.UUID:
    if found is None:
        raise RemoteError("the token acts in no tenant")
    return uuid.UUID(local_id(found.id))


async def create_token(api: DvtClient, name: str, roles: list[str]) -> dict[str, Any]:
    from dvt.client.input_types import CreateApiTokenInput

    created: Any = checked(
        (await api.create_api_token(input=CreateApiTokenInput(name=name, roles=roles))).create_api_token
    )
    return {"id": str(created.api_token.id), "name": name, "roles": roles, "token": created.token}


async def tokens(api: DvtClient) -> list[ApiToken]:
    found = await api.api_tokens()
    tenant_id = _tenant(found.tenant)
    return [_token(t, tenant_id) for t in found.api_tokens]


async def revoke_token(api: DvtClient, token_id: uuid.UUID) -> None:
    from dvt.client.input_types import RevokeApiTokenInput

    checked((await api.revoke_api_token(input=RevokeApiTokenInput(tokenId=token_id))).revoke_api_token)


async def grant(api: DvtClient, principal: str, role: str, scope: str) -> Grant:
    from dvt.client.input_types import GrantRoleInput

    granted = checked(
        (await api.grant_role(input=GrantRoleInput(principal=principal, role=role, scope=scope))).grant_role
    )
    return _grant(granted, _tenant((await api.viewer()).tenant))


async def revoke(api: DvtClient, grant_id: uuid.UUID) -> Grant:
    from dvt.client.input_types import RevokeRoleInput

    revoked = checked((await api.revoke_role(input=RevokeRoleInput(grantId=grant_id))).revoke_role)
    return _grant(revoked, _tenant((await api.viewer()).tenant))


async def grants(api: DvtClient) -> list[Grant]:
    found = await api.grants()
    tenant_id = _tenant(found.tenant)
    return [_grant(g, tenant_id) for g in found.grants]


def _token(t: Any, tenant_id: uuid.UUID) -> ApiToken:
    from dvt.application.identity_ports import ApiToken

    return ApiToken(
        id=t.id, tenant_id=tenant_id, name=t.name, roles=tuple(t.roles), created_by=t.created_by,
        created_at=t.created_at, last_used_at=t.last_used_at, revoked_at=t.revoked_at,
    )  # fmt: skip


def _grant(g: Any, tenant_id: uuid.UUID) -> Grant:
    from dvt.domain.authorization import Grant, Role

    return Grant(
        id=g.id, tenant_id=tenant_id, principal=g.principal, role=Role(g.role), scope=g.scope,
        granted_by=g.granted_by, created_at=g.created_at,
    )  # fmt: skip
