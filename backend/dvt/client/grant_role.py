from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import GrantFields


class GrantRole(BaseModel):
    grant_role: Union[
        "GrantRoleGrantRoleGrant",
        "GrantRoleGrantRoleValidationError",
        "GrantRoleGrantRoleNotFoundError",
        "GrantRoleGrantRolePermissionDeniedError",
    ] = Field(alias="grantRole", discriminator="typename__")


class GrantRoleGrantRoleGrant(GrantFields):
    typename__: Literal["Grant"] = Field(alias="__typename")


class GrantRoleGrantRoleValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class GrantRoleGrantRoleNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class GrantRoleGrantRolePermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


GrantRole.model_rebuild()
