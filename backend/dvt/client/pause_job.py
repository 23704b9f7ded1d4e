from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import JobFields, JobFieldsAfterJob, JobFieldsSteps  # noqa: F401


class PauseJob(BaseModel):
    pause_job: Union[
        "PauseJobPauseJobJob",
        "PauseJobPauseJobValidationError",
        "PauseJobPauseJobNotFoundError",
        "PauseJobPauseJobConflictError",
        "PauseJobPauseJobPermissionDeniedError",
    ] = Field(alias="pauseJob", discriminator="typename__")


class PauseJobPauseJobJob(JobFields):
    typename__: Literal["Job"] = Field(alias="__typename")


class PauseJobPauseJobValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class PauseJobPauseJobNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class PauseJobPauseJobConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class PauseJobPauseJobPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


PauseJob.model_rebuild()
