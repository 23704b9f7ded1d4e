"""Roles, permissions and the scopes they are granted on.

A grant gives a principal (a user, a group, an API token) one role on one scope: the whole tenant, an
organization, a project or an environment. A role on a scope holds on everything below it. Scopes are
paths of ids, `/o/<org>/p/<project>/e/<environment>`, so "below" is "has this prefix".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dvt.domain.errors import ValidationError


class Permission(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # canvas, projects, environments
    PLAN = "plan"
    APPROVE = "approve"
    RUN = "run"
    CANCEL = "cancel"
    VIEW_LOGS = "view_logs"
    VIEW_COST = "view_cost"
    MANAGE_SECRETS = "manage_secrets"
    ADMIN = "admin"  # grants, tokens, audit log, quotas


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @classmethod
    def parse(cls, value: str) -> Role:
        try:
            return cls(value)
        except ValueError:
            raise ValidationError(f"unknown role {value!r}: expected viewer, editor or admin") from None


# Each role holds the one before it. Approving a plan and managing secrets are admin's: the person who
# runs a change should not be the one who signs it off (dbt Cloud and Dagster+ draw the same line).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.VIEW, Permission.VIEW_LOGS, Permission.VIEW_COST}),
    Role.EDITOR: frozenset(
        {Permission.VIEW, Permission.VIEW_LOGS, Permission.VIEW_COST, Permission.EDIT, Permission.PLAN}
        | {Permission.RUN, Permission.CANCEL}
    ),
    Role.ADMIN: frozenset(Permission),
}

TENANT_SCOPE = "/"


def organization_scope(organization_id: uuid.UUID) -> str:
    return f"/o/{organization_id}"


def project_scope(organization_id: uuid.UUID, project_id: uuid.UUID) -> str:
    return f"/o/{organization_id}/p/{project_id}"


def environment_scope(organization_id: uuid.UUID, project_id: uuid.UUID, environment_id: uuid.UUID) -> str:
    return f"/o/{organization_id}/p/{project_id}/e/{environment_id}"


def covers(granted: str, target: str) -> bool:
    """Whether a grant on `granted` holds on `target`: the same scope or one below it."""
    if granted == TENANT_SCOPE:
        return True
    return target == granted or target.startswith(granted + "/")


def check_scope(scope: str) -> str:
    parts = scope.strip("/").split("/") if scope != TENANT_SCOPE else []
    kinds = parts[0::2]
    if len(parts) % 2 or kinds != ["o", "p", "e"][: len(kinds)]:
        raise ValidationError(f"invalid scope {scope!r}: expected /, /o/ID, /o/ID/p/ID or /o/ID/p/ID/e/ID")
    for value in parts[1::2]:
        try:
            uuid.UUID(value)
        except ValueError:
            raise ValidationError(f"invalid scope {scope!r}: {value!r} is not an id") from None
    return scope


@dataclass(frozen=True, slots=True)
class Grant:
    id: uuid.UUID
    tenant_id: uuid.UUID
    principal: str  # "user:<sub>", "group:<name>", "token:<id>"
    role: Role
    scope: str
    granted_by: str
    created_at: datetime
