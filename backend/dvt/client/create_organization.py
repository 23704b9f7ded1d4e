from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import OrganizationFields


class CreateOrganization(BaseModel):
    create_organization: Union[
        "CreateOrganizationCreateOrganizationOrganization",
        "CreateOrganizationCreateOrganizationValidationError",
        "CreateOrganizationCreateOrganizationConflictError",
        "CreateOrganizationCreateOrganizationPermissionDeniedError",
    ] = Field(alias="createOrganization", discriminator="typename__")


class CreateOrganizationCreateOrganizationOrganization(OrganizationFields):
    typename__: Literal["Organization"] = Field(alias="__typename")


class CreateOrganizationCreateOrganizationValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateOrganizationCreateOrganizationConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateOrganizationCreateOrganizationPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


CreateOrganization.model_rebuild()
