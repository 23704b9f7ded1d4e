"""The caller, grants, API tokens, audit events and secret metadata as GraphQL types."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from dvt.api.context import Info
from dvt.api.pagination import Connection
from dvt.api.scalars import JSON
from dvt.application.identity_ports import ApiToken
from dvt.domain.audit import AuditRecord
from dvt.domain.authorization import Grant
from dvt.domain.secrets import SecretMetadata


@strawberry.type(name="Viewer")
class ViewerType:
    """Who the request acts as."""

    kind: str
    subject: str
    display_name: str
    email: str | None
    groups: list[str]
    platform_admin: bool


@strawberry.type(name="Grant")
class GrantType:
    id: uuid.UUID
    principal: str = strawberry.field(description="user:SUBJECT, group:NAME or token:ID")
    role: str
    scope: str = strawberry.field(description="/, /o/ORG, /o/ORG/p/PROJECT or /o/ORG/p/PROJECT/e/ENVIRONMENT")
    granted_by: str
    created_at: datetime

    @staticmethod
    def of(grant: Grant) -> GrantType:
        return GrantType(
            id=grant.id,
            principal=grant.principal,
            role=grant.role.value,
            scope=grant.scope,
            granted_by=grant.granted_by,
            created_at=grant.created_at,
        )


@strawberry.type(name="ApiToken")
class ApiTokenType:
    """A machine identity. Its secret is shown once, at creation, and never again."""

    id: uuid.UUID
    name: str
    roles: list[str]
    created_by: str
    created_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def of(token: ApiToken) -> ApiTokenType:
        return ApiTokenType(
            id=token.id,
            name=token.name,
            roles=list(token.roles),
            created_by=token.created_by,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )

    @strawberry.field(description="Who created it, as people know them: the account's or token's name, or DVT")
    async def created_by_name(self, info: Info) -> str:
        return await info.context.loaders.actor_name.load(self.created_by)


@strawberry.type
class CreatedApiToken:
    token: str = strawberry.field(description="Shown this once: store it now, DVT keeps only its hash")
    api_token: ApiTokenType


@strawberry.type(name="AuditEvent")
class AuditEventType:
    id: strawberry.ID
    sequence: int
    occurred_at: datetime
    actor_kind: str
    actor_subject: str
    action: str
    result: str
    resource_type: str
    resource_id: str
    details: JSON
    correlation_id: str | None
    trace_id: str | None
    prev_hash: str
    hash: str

    @staticmethod
    def of(stored: AuditRecord) -> AuditEventType:
        event = stored.event
        return AuditEventType(
            id=strawberry.ID(str(stored.id)),
            sequence=stored.sequence,
            occurred_at=stored.occurred_at,
            actor_kind=event.actor_kind.value,
            actor_subject=event.actor_subject,
            action=event.action,
            result=event.result.value,
            resource_type=event.resource_type,
            resource_id=event.resource_id,
            details=dict(event.details),
            correlation_id=event.correlation_id,
            trace_id=event.trace_id,
            prev_hash=stored.prev_hash,
            hash=stored.hash,
        )


AuditEventConnection = Connection[AuditEventType]


@strawberry.type(name="Secret")
class SecretType:
    """A secret's metadata. Values are write-only: no field of the API returns one."""

    name: str
    env_var: str = strawberry.field(description="What dbt sees: DBT_ENV_SECRET_<NAME>")
    version: int
    key_version: str
    created_at: datetime
    rotated_at: datetime | None

    @staticmethod
    def of(secret: SecretMetadata) -> SecretType:
        return SecretType(
            name=secret.name,
            env_var=secret.env_var,
            version=secret.version,
            key_version=secret.key_version,
            created_at=secret.created_at,
            rotated_at=secret.rotated_at,
        )
