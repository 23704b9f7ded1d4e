"""Tenant -> Organization -> Project -> Environment, and the scope every read and write runs in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from dvt.domain.errors import ValidationError
from dvt.domain.quotas import Quotas

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

DEFAULT_TENANT = "default"
DEFAULT_ORGANIZATION = "default"


def check_slug(kind: str, slug: str) -> str:
    if not _SLUG.match(slug):
        raise ValidationError(f"invalid {kind} slug {slug!r}: use 1-63 lower-case letters, digits and inner hyphens")
    return slug


class Adapter(StrEnum):
    DUCKDB = "duckdb"
    POSTGRES = "postgres"
    SNOWFLAKE = "snowflake"

    @classmethod
    def parse(cls, value: str) -> Adapter:
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(a.value for a in cls)
            raise ValidationError(f"unknown adapter {value!r}: expected one of {known}") from None


@dataclass(frozen=True, slots=True)
class TenantScope:
    """The tenant a request acts in. Repositories filter every statement by it."""

    tenant_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Tenant:
    id: uuid.UUID
    slug: str
    name: str
    created_at: datetime
    quotas: Quotas = field(default_factory=Quotas)
    rate_limit_per_minute: int | None = None  # a platform administrator's override of the server's; None: the server's


@dataclass(frozen=True, slots=True)
class Organization:
    id: uuid.UUID
    tenant_id: uuid.UUID
    slug: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Project:
    id: uuid.UUID
    tenant_id: uuid.UUID
    organization_id: uuid.UUID
    slug: str
    name: str
    repository: str  # git URL or local path of the dbt project
    subdirectory: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Environment:
    id: uuid.UUID
    tenant_id: uuid.UUID
    project_id: uuid.UUID
    slug: str
    name: str
    adapter: Adapter
    git_ref: str
    # Non-secret connection settings (path, host, schema, warehouse...). Secrets live elsewhere.
    settings: dict[str, Any] = field(default_factory=dict)
    rate_card: dict[str, Any] = field(default_factory=dict)
    quotas: Quotas = field(default_factory=Quotas)
    policies: dict[str, Any] = field(default_factory=dict)  # plan policy settings, by policy id
    created_at: datetime | None = None
