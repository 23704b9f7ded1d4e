from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import JobFireOutcome, RunTrigger
from .fragments import JobFields, JobFieldsAfterJob, JobFieldsSteps  # noqa: F401


class Job(BaseModel):
    job: Optional["JobJob"]


class JobJob(JobFields):
    fires: list["JobJobFires"]


class JobJobFires(BaseModel):
    fire_at: datetime = Field(alias="fireAt")
    trigger: RunTrigger
    outcome: JobFireOutcome
    reason: str | None
    run: Optional["JobJobFiresRun"]


class JobJobFiresRun(BaseModel):
    id: str


Job.model_rebuild()
JobJob.model_rebuild()
JobJobFires.model_rebuild()
