from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import RunFields, RunFieldsJob, RunFieldsPlan  # noqa: F401


class TriggerRun(BaseModel):
    trigger_run: Union[
        "TriggerRunTriggerRunRun",
        "TriggerRunTriggerRunValidationError",
        "TriggerRunTriggerRunNotFoundError",
        "TriggerRunTriggerRunConflictError",
        "TriggerRunTriggerRunPermissionDeniedError",
        "TriggerRunTriggerRunQuotaExceededError",
    ] = Field(alias="triggerRun", discriminator="typename__")


class TriggerRunTriggerRunRun(RunFields):
    typename__: Literal["Run"] = Field(alias="__typename")


class TriggerRunTriggerRunValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerRunTriggerRunNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerRunTriggerRunConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerRunTriggerRunPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class TriggerRunTriggerRunQuotaExceededError(BaseModel):
    typename__: Literal["QuotaExceededError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


TriggerRun.model_rebuild()
