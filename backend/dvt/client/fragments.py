from datetime import datetime
from typing import Any, Optional
from uuid import UUID

from pydantic import Field

from .base_model import BaseModel
from .enums import (
    JobAfterOutcome,
    JobMisfirePolicy,
    JobOverlapPolicy,
    PlanStatus,
    RunStatus,
    RunTrigger,
)


class ApiTokenFields(BaseModel):
    id: UUID
    name: str
    roles: list[str]
    created_by: str = Field(alias="createdBy")
    created_at: datetime | None = Field(alias="createdAt")
    last_used_at: datetime | None = Field(alias="lastUsedAt")
    revoked_at: datetime | None = Field(alias="revokedAt")


class EnvironmentFields(BaseModel):
    id: str
    slug: str
    name: str
    adapter: str
    git_ref: str = Field(alias="gitRef")
    settings: Any
    rate_card: Any = Field(alias="rateCard")
    policies: Any
    created_at: datetime | None = Field(alias="createdAt")
    quotas: "EnvironmentFieldsQuotas"
    project: Optional["EnvironmentFieldsProject"]


class EnvironmentFieldsQuotas(BaseModel):
    max_concurrent_runs: int | None = Field(alias="maxConcurrentRuns")
    monthly_cost_budget: float | None = Field(alias="monthlyCostBudget")


class EnvironmentFieldsProject(BaseModel):
    id: str


class GrantFields(BaseModel):
    id: UUID
    principal: str
    role: str
    scope: str
    granted_by: str = Field(alias="grantedBy")
    created_at: datetime = Field(alias="createdAt")


class JobFields(BaseModel):
    id: str
    name: str
    steps: list["JobFieldsSteps"]
    cron: str | None
    timezone: str | None
    after_job: Optional["JobFieldsAfterJob"] = Field(alias="afterJob")
    after_outcome: JobAfterOutcome | None = Field(alias="afterOutcome")
    overlap: JobOverlapPolicy
    misfire: JobMisfirePolicy
    timeout_seconds: int = Field(alias="timeoutSeconds")
    paused: bool
    next_fire_at: datetime | None = Field(alias="nextFireAt")
    next_fires: list[datetime] = Field(alias="nextFires")


class JobFieldsSteps(BaseModel):
    command_line: str = Field(alias="commandLine")


class JobFieldsAfterJob(BaseModel):
    id: str


class OrganizationFields(BaseModel):
    id: str
    slug: str
    name: str
    created_at: datetime = Field(alias="createdAt")


class PlanFields(BaseModel):
    id: str
    status: PlanStatus
    fingerprint: str
    commit_sha: str | None = Field(alias="commitSha")
    document: Any


class ProjectFields(BaseModel):
    id: str
    slug: str
    name: str
    repository: str
    subdirectory: str | None
    created_at: datetime = Field(alias="createdAt")
    organization: Optional["ProjectFieldsOrganization"]


class ProjectFieldsOrganization(BaseModel):
    id: str


class RunFields(BaseModel):
    id: str
    number: int
    status: RunStatus
    reason: str | None
    trigger: RunTrigger
    commit_sha: str | None = Field(alias="commitSha")
    created_at: datetime | None = Field(alias="createdAt")
    started_at: datetime | None = Field(alias="startedAt")
    finished_at: datetime | None = Field(alias="finishedAt")
    plan: Optional["RunFieldsPlan"]
    job: Optional["RunFieldsJob"]


class RunFieldsPlan(BaseModel):
    id: str


class RunFieldsJob(BaseModel):
    name: str


class SecretFields(BaseModel):
    name: str
    env_var: str = Field(alias="envVar")
    version: int
    key_version: str = Field(alias="keyVersion")
    created_at: datetime = Field(alias="createdAt")
    rotated_at: datetime | None = Field(alias="rotatedAt")


ApiTokenFields.model_rebuild()
EnvironmentFields.model_rebuild()
GrantFields.model_rebuild()
JobFields.model_rebuild()
OrganizationFields.model_rebuild()
PlanFields.model_rebuild()
ProjectFields.model_rebuild()
RunFields.model_rebuild()
SecretFields.model_rebuild()
