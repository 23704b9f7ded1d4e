from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import (  # noqa: F401
    EnvironmentFields,
    EnvironmentFieldsProject,
    EnvironmentFieldsQuotas,
)


class CreateEnvironment(BaseModel):
    create_environment: Union[
        "CreateEnvironmentCreateEnvironmentEnvironment",
        "CreateEnvironmentCreateEnvironmentValidationError",
        "CreateEnvironmentCreateEnvironmentConflictError",
        "CreateEnvironmentCreateEnvironmentNotFoundError",
        "CreateEnvironmentCreateEnvironmentPermissionDeniedError",
    ] = Field(alias="createEnvironment", discriminator="typename__")


class CreateEnvironmentCreateEnvironmentEnvironment(EnvironmentFields):
    typename__: Literal["Environment"] = Field(alias="__typename")


class CreateEnvironmentCreateEnvironmentValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateEnvironmentCreateEnvironmentConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateEnvironmentCreateEnvironmentNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateEnvironmentCreateEnvironmentPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


CreateEnvironment.model_rebuild()
