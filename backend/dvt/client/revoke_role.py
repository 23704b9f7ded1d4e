from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import GrantFields


class RevokeRole(BaseModel):
    revoke_role: Union[
        "RevokeRoleRevokeRoleGrant",
        "RevokeRoleRevokeRoleNotFoundError",
        "RevokeRoleRevokeRolePermissionDeniedError",
    ] = Field(alias="revokeRole", discriminator="typename__")


class RevokeRoleRevokeRoleGrant(GrantFields):
    typename__: Literal["Grant"] = Field(alias="__typename")


class RevokeRoleRevokeRoleNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class RevokeRoleRevokeRolePermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


RevokeRole.model_rebuild()
