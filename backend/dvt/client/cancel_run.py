from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import RunFields, RunFieldsJob, RunFieldsPlan  # noqa: F401


class CancelRun(BaseModel):
    cancel_run: Union[
        "CancelRunCancelRunRun",
        "CancelRunCancelRunValidationError",
        "CancelRunCancelRunNotFoundError",
        "CancelRunCancelRunConflictError",
        "CancelRunCancelRunPermissionDeniedError",
        "CancelRunCancelRunQuotaExceededError",
    ] = Field(alias="cancelRun", discriminator="typename__")


class CancelRunCancelRunRun(RunFields):
    typename__: Literal["Run"] = Field(alias="__typename")


class CancelRunCancelRunValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CancelRunCancelRunNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CancelRunCancelRunConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CancelRunCancelRunPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CancelRunCancelRunQuotaExceededError(BaseModel):
    typename__: Literal["QuotaExceededError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


CancelRun.model_rebuild()
