from datetime import datetime
from typing import Any, Optional

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


class PlanFields(BaseModel):
    id: str
    status: PlanStatus
    fingerprint: str
    commit_sha: str | None = Field(alias="commitSha")
    document: Any


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


JobFields.model_rebuild()
PlanFields.model_rebuild()
RunFields.model_rebuild()
