from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import JobFields, JobFieldsAfterJob, JobFieldsSteps  # noqa: F401


class ResumeJob(BaseModel):
    resume_job: Union[
        "ResumeJobResumeJobJob",
        "ResumeJobResumeJobValidationError",
        "ResumeJobResumeJobNotFoundError",
        "ResumeJobResumeJobConflictError",
        "ResumeJobResumeJobPermissionDeniedError",
    ] = Field(alias="resumeJob", discriminator="typename__")


class ResumeJobResumeJobJob(JobFields):
    typename__: Literal["Job"] = Field(alias="__typename")


class ResumeJobResumeJobValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class ResumeJobResumeJobNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class ResumeJobResumeJobConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class ResumeJobResumeJobPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


ResumeJob.model_rebuild()
