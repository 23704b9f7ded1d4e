from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import ApiTokenFields


class RevokeApiToken(BaseModel):
    revoke_api_token: Union[
        "RevokeApiTokenRevokeApiTokenApiToken",
        "RevokeApiTokenRevokeApiTokenValidationError",
        "RevokeApiTokenRevokeApiTokenNotFoundError",
        "RevokeApiTokenRevokeApiTokenPermissionDeniedError",
    ] = Field(alias="revokeApiToken", discriminator="typename__")


class RevokeApiTokenRevokeApiTokenApiToken(ApiTokenFields):
    typename__: Literal["ApiToken"] = Field(alias="__typename")


class RevokeApiTokenRevokeApiTokenValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class RevokeApiTokenRevokeApiTokenNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class RevokeApiTokenRevokeApiTokenPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


RevokeApiToken.model_rebuild()
