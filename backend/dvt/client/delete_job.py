from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import JobFields, JobFieldsAfterJob, JobFieldsSteps  # noqa: F401


class DeleteJob(BaseModel):
    delete_job: Union[
        "DeleteJobDeleteJobJob",
        "DeleteJobDeleteJobValidationError",
        "DeleteJobDeleteJobNotFoundError",
        "DeleteJobDeleteJobConflictError",
        "DeleteJobDeleteJobPermissionDeniedError",
    ] = Field(alias="deleteJob", discriminator="typename__")


class DeleteJobDeleteJobJob(JobFields):
    typename__: Literal["Job"] = Field(alias="__typename")


class DeleteJobDeleteJobValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class DeleteJobDeleteJobNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class DeleteJobDeleteJobConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class DeleteJobDeleteJobPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


DeleteJob.model_rebuild()
