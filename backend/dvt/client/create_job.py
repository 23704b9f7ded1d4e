from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import JobFields, JobFieldsAfterJob, JobFieldsSteps  # noqa: F401


class CreateJob(BaseModel):
    create_job: Union[
        "CreateJobCreateJobJob",
        "CreateJobCreateJobValidationError",
        "CreateJobCreateJobNotFoundError",
        "CreateJobCreateJobConflictError",
        "CreateJobCreateJobPermissionDeniedError",
    ] = Field(alias="createJob", discriminator="typename__")


class CreateJobCreateJobJob(JobFields):
    typename__: Literal["Job"] = Field(alias="__typename")


class CreateJobCreateJobValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateJobCreateJobNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateJobCreateJobConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateJobCreateJobPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


CreateJob.model_rebuild()
