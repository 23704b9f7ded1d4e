"""Who am I, who may do what, machine tokens, the audit log, secrets and passwords."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from dvt.api import ids, permissions
from dvt.api.access.types import (
    ApiTokenType,
    AuditEventConnection,
    AuditEventType,
    CreatedApiToken,
    GrantType,
    SecretType,
    ViewerType,
)
from dvt.api.context import Info
from dvt.api.errors import NotFoundError, PermissionDeniedError, ValidationError
from dvt.api.pagination import decode_cursor, page_size
from dvt.application.audit_ports import AuditQuery
from dvt.domain import errors as domain
from dvt.domain.audit import AuditResult
from dvt.domain.authentication import AuthenticationError
from dvt.domain.authorization import Permission
from dvt.domain.identity import ActorKind


@strawberry.input
class AuditFilter:
    action_prefix: str | None = None
    actor_kind: str | None = None
    actor_subject: str | None = None
    result: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def to_query(self) -> AuditQuery:
        try:
            kind = ActorKind(self.actor_kind) if self.actor_kind else None
            result = AuditResult(self.result) if self.result else None
        except ValueError as error:
            raise domain.ValidationError(f"invalid audit filter: {error}") from None
        return AuditQuery(
            self.action_prefix, kind, self.actor_subject, result, self.resource_type, self.resource_id,
            self.since, self.until,
        )  # fmt: skip


@strawberry.type
class AccessQuery:
    @permissions.field(None, description="Who this request acts as")
    def viewer(self, info: Info) -> ViewerType:
        actor = info.context.access.actor
        return ViewerType(
            kind=actor.kind.value,
            subject=actor.subject,
            display_name=actor.display_name,
            email=actor.email,
            groups=list(actor.groups),
            platform_admin=actor.platform_admin,
        )

    @permissions.field(None, description="The permissions you hold on a scope (the SPA shows what you may do)")
    def permissions_on(self, info: Info, scope: str) -> list[str]:
        return [p.value for p in Permission if info.context.access.can(p, scope)]

    @permissions.field(Permission.ADMIN, description="Grants on the scopes you administer")
    async def grants(self, info: Info) -> list[GrantType]:
        return [GrantType.of(g) for g in await info.context.services.access.grants(info.context.access)]

    @permissions.field(Permission.ADMIN)
    async def api_tokens(self, info: Info) -> list[ApiTokenType]:
        return [ApiTokenType.of(t) for t in await info.context.services.identity.api_tokens(info.context.access)]

    @permissions.field(Permission.ADMIN, description="The tenant's audit log, newest first")
    async def audit_events(
        self, info: Info, filter: AuditFilter | None = None, first: int | None = None, after: str | None = None
    ) -> AuditEventConnection:
        services = info.context.services
        raw = decode_cursor(after)
        if raw is not None and not raw.isdigit():
            raise domain.ValidationError(f"invalid cursor {after!r}")
        limit = page_size(first, services.default_page_size, services.max_page_size)
        query = filter.to_query() if filter else AuditQuery()
        page = await services.audit.log(info.context.access, query, int(raw) if raw else None, limit)
        items = [AuditEventType.of(r) for r in page.items]
        return AuditEventConnection.of(
            items, [str(r.sequence) for r in page.items], has_next=page.has_next, after=after
        )


@strawberry.input
class GrantRoleInput:
    principal: str = strawberry.field(description="user:SUBJECT, group:NAME or token:ID")
    role: str = strawberry.field(description="viewer, editor or admin")
    scope: str = strawberry.field(description="/ (the tenant), /o/ORG, /o/ORG/p/PROJECT, /o/ORG/p/PROJECT/e/ENV")


@strawberry.input
class RevokeRoleInput:
    grant_id: uuid.UUID


@strawberry.input
class CreateApiTokenInput:
    name: str
    roles: list[str]


@strawberry.input
class RevokeApiTokenInput:
    token_id: uuid.UUID


@strawberry.input
class SetSecretInput:
    environment_id: strawberry.ID = strawberry.field(description="The environment's global id")
    name: str = strawberry.field(description="Upper snake case; dbt sees DBT_ENV_SECRET_<NAME>")
    value: str = strawberry.field(description="Write-only: no field of the API ever returns it")


@strawberry.input
class RetireSecretInput:
    environment_id: strawberry.ID
    name: str


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.type
class PasswordChanged:
    ok: bool


ADMIN_ERRORS = (domain.ValidationError, domain.NotFoundError, domain.PermissionDeniedError)
GrantRoleResult = Annotated[
    GrantType | ValidationError | NotFoundError | PermissionDeniedError, strawberry.union("GrantRoleResult")
]
RevokeRoleResult = Annotated[GrantType | NotFoundError | PermissionDeniedError, strawberry.union("RevokeRoleResult")]
CreateApiTokenResult = Annotated[
    CreatedApiToken | ValidationError | NotFoundError | PermissionDeniedError, strawberry.union("CreateApiTokenResult")
]
RevokeApiTokenResult = Annotated[
    ApiTokenType | ValidationError | NotFoundError | PermissionDeniedError, strawberry.union("RevokeApiTokenResult")
]
SecretResult = Annotated[
    SecretType | ValidationError | NotFoundError | PermissionDeniedError, strawberry.union("SecretResult")
]
ChangePasswordResult = Annotated[PasswordChanged | ValidationError, strawberry.union("ChangePasswordResult")]


@strawberry.type
class AccessMutation:
    @permissions.mutation(
        Permission.ADMIN, raises=ADMIN_ERRORS, description="Give a role on a scope (and everything below it)"
    )
    async def grant_role(self, info: Info, input: GrantRoleInput) -> GrantRoleResult:
        access = info.context.access
        return GrantType.of(await info.context.services.access.grant(access, input.principal, input.role, input.scope))

    @permissions.mutation(Permission.ADMIN, raises=(domain.NotFoundError, domain.PermissionDeniedError))
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> RevokeRoleResult:
        return GrantType.of(await info.context.services.access.revoke(info.context.access, input.grant_id))

    @permissions.mutation(
        Permission.ADMIN, raises=ADMIN_ERRORS, description="A token for machines and CI, scoped to this tenant"
    )
    async def create_api_token(self, info: Info, input: CreateApiTokenInput) -> CreateApiTokenResult:
        identity = info.context.services.identity
        token_id, plaintext = await identity.create_api_token(info.context.access, input.name, input.roles)
        created = next(t for t in await identity.api_tokens(info.context.access) if t.id == token_id)
        return CreatedApiToken(token=plaintext, api_token=ApiTokenType.of(created))

    @permissions.mutation(Permission.ADMIN, raises=ADMIN_ERRORS)
    async def revoke_api_token(self, info: Info, input: RevokeApiTokenInput) -> RevokeApiTokenResult:
        identity = info.context.services.identity
        await identity.revoke_api_token(info.context.access, input.token_id)
        revoked = next(t for t in await identity.api_tokens(info.context.access) if t.id == input.token_id)
        return ApiTokenType.of(revoked)

    @permissions.mutation(
        Permission.MANAGE_SECRETS, raises=ADMIN_ERRORS, description="Store a new version of an environment secret"
    )
    async def set_secret(self, info: Info, input: SetSecretInput) -> SecretResult:
        environment = ids.environment_id(input.environment_id)
        stored = await info.context.services.secrets.put(info.context.access, environment, input.name, input.value)
        return SecretType.of(stored)

    @permissions.mutation(Permission.MANAGE_SECRETS, raises=ADMIN_ERRORS)
    async def retire_secret(self, info: Info, input: RetireSecretInput) -> SecretResult:
        environment = ids.environment_id(input.environment_id)
        return SecretType.of(await info.context.services.secrets.retire(info.context.access, environment, input.name))

    # A wrong current password is an AuthenticationError: answered as a ValidationError.
    @permissions.mutation(
        None,
        raises=(domain.ValidationError, AuthenticationError),
        description="A local account changes its own password",
    )
    async def change_password(self, info: Info, input: ChangePasswordInput) -> ChangePasswordResult:
        identity = info.context.services.identity
        await identity.change_password(info.context.access.actor, input.current_password, input.new_password)
        return PasswordChanged(ok=True)
