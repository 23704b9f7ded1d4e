from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import (
    ProjectFields,
    ProjectFieldsOrganization,  # noqa: F401
)


class CreateProject(BaseModel):
    create_project: Union[
        "CreateProjectCreateProjectProject",
        "CreateProjectCreateProjectValidationError",
        "CreateProjectCreateProjectConflictError",
        "CreateProjectCreateProjectNotFoundError",
        "CreateProjectCreateProjectPermissionDeniedError",
    ] = Field(alias="createProject", discriminator="typename__")


class CreateProjectCreateProjectProject(ProjectFields):
    typename__: Literal["Project"] = Field(alias="__typename")


class CreateProjectCreateProjectValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateProjectCreateProjectConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateProjectCreateProjectNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateProjectCreateProjectPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


CreateProject.model_rebuild()
