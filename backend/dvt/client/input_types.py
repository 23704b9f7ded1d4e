from typing import Any
from uuid import UUID

from pydantic import Field

from .base_model import BaseModel, Upload
from .enums import JobAfterOutcome, JobMisfirePolicy, JobOverlapPolicy


class CreateApiTokenInput(BaseModel):
    name: str
    roles: list[str]


class CreateEnvironmentInput(BaseModel):
    project: str
    slug: str
    adapter: str
    "duckdb, postgres or snowflake"
    git_ref: str = Field(alias="gitRef", default="HEAD")
    settings: Any | None = None
    "Non-secret connection settings"
    name: str | None = None


class CreateJobInput(BaseModel):
    environment_id: str = Field(alias="environmentId")
    name: str
    steps: list[str]
    "Each a dbt command line: `build -s tag:daily --exclude x --full-refresh` (one step in this phase)"
    cron: str | None = None
    "Five cron fields; with `timezone`"
    timezone: str | None = None
    "An IANA time zone (default UTC)"
    after_job_id: str | None = Field(alias="afterJobId", default=None)
    "Run after this job's runs"
    after_outcome: JobAfterOutcome | None = Field(alias="afterOutcome", default=None)
    timeout_seconds: int | None = Field(alias="timeoutSeconds", default=None)
    overlap: JobOverlapPolicy | None = None
    misfire: JobMisfirePolicy | None = None
    paused: bool = False


class CreateOrganizationInput(BaseModel):
    slug: str
    name: str | None = None


class CreatePlanInput(BaseModel):
    environment_id: str = Field(alias="environmentId")
    select: list[str] | None = None
    "dbt selection (--select)"
    exclude: list[str] | None = None
    selector: str | None = None
    "A YAML selector of the project"
    indirect_selection: str = Field(alias="indirectSelection", default="eager")
    "eager, cautious, buildable or empty"
    full_refresh: bool = Field(alias="fullRefresh", default=False)
    vars: Any | None = None
    state_version_id: str | None = Field(alias="stateVersionId", default=None)
    "The graph version to compare with; the previous one when omitted"
    ref: str | None = None
    "Plan the commit this branch, tag or sha names now (dbt parses it if DVT never did); without it, the environment's current graph"


class CreateProjectInput(BaseModel):
    slug: str
    repository: str
    "Git URL or local path of the dbt project"
    subdirectory: str | None = None
    organization: str = "default"
    name: str | None = None


class DecidePlanInput(BaseModel):
    plan_id: str = Field(alias="planId")
    fingerprint: str
    "The fingerprint you reviewed: a different plan is refused"
    reason: str | None = None


class GrantRoleInput(BaseModel):
    principal: str
    "user:SUBJECT, group:NAME or token:ID"
    role: str
    "viewer, editor or admin"
    scope: str
    "/ (the tenant), /o/ORG, /o/ORG/p/PROJECT, /o/ORG/p/PROJECT/e/ENV"


class IngestArtifactsInput(BaseModel):
    project: str
    environment: str
    files: list[Upload]
    "manifest.json, run_results.json, catalog.json, sources.json"
    create_missing: bool = Field(alias="createMissing", default=True)
    "Create project and environment on first use"


class JobInput(BaseModel):
    job_id: str = Field(alias="jobId")


class RetireSecretInput(BaseModel):
    environment_id: str = Field(alias="environmentId")
    name: str


class RevokeApiTokenInput(BaseModel):
    token_id: UUID = Field(alias="tokenId")


class RevokeRoleInput(BaseModel):
    grant_id: UUID = Field(alias="grantId")


class SetSecretInput(BaseModel):
    environment_id: str = Field(alias="environmentId")
    "The environment's global id"
    name: str
    "Upper snake case; dbt sees DBT_ENV_SECRET_<NAME>"
    value: str
    "Write-only: no field of the API ever returns it"


class TriggerRunInput(BaseModel):
    environment_id: str = Field(alias="environmentId")
    plan_id: str | None = Field(alias="planId", default=None)
    "Run this plan; without it, a worker plans the selection below from the commit the environment's branch names when the run's turn comes (the run is `planning` meanwhile)"
    select: list[str] | None = None
    exclude: list[str] | None = None
    selector: str | None = None
    full_refresh: bool = Field(alias="fullRefresh", default=False)
    vars: Any | None = None
    idempotency_key: str | None = Field(alias="idempotencyKey", default=None)
    "A key of the client's choosing: the same key again (in this environment) returns the run it made instead of a new one, so a retried call never runs twice"
