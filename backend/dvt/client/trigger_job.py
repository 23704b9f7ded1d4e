from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import RunFields, RunFieldsJob, RunFieldsPlan  # noqa: F401


class TriggerJob(BaseModel):
    trigger_job: Union[
        "TriggerJobTriggerJobRun",
        "TriggerJobTriggerJobValidationError",
        "TriggerJobTriggerJobNotFoundError",
        "TriggerJobTriggerJobConflictError",
        "TriggerJobTriggerJobPermissionDeniedError",
        "TriggerJobTriggerJobQuotaExceededError",
    ] = Field(alias="triggerJob", discriminator="typename__")


class TriggerJobTriggerJobRun(RunFields):
    typename__: Literal["Run"] = Field(alias="__typename")


class TriggerJobTriggerJobValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerJobTriggerJobNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerJobTriggerJobConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerJobTriggerJobPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerJobTriggerJobQuotaExceededError(BaseModel):
    typename__: Literal["QuotaExceededError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


TriggerJob.model_rebuild()
