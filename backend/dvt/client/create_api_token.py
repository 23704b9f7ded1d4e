from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import ApiTokenFields


class CreateApiToken(BaseModel):
    create_api_token: Union[
        "CreateApiTokenCreateApiTokenCreatedApiToken",
        "CreateApiTokenCreateApiTokenValidationError",
        "CreateApiTokenCreateApiTokenNotFoundError",
        "CreateApiTokenCreateApiTokenPermissionDeniedError",
    ] = Field(alias="createApiToken", discriminator="typename__")


class CreateApiTokenCreateApiTokenCreatedApiToken(BaseModel):
    typename__: Literal["CreatedApiToken"] = Field(alias="__typename")
    token: str
    api_token: "CreateApiTokenCreateApiTokenCreatedApiTokenApiToken" = Field(alias="apiToken")


CreateApiTokenCreateApiTokenCreatedApiTokenApiToken = ApiTokenFields


class CreateApiTokenCreateApiTokenValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateApiTokenCreateApiTokenNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreateApiTokenCreateApiTokenPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


CreateApiToken.model_rebuild()
CreateApiTokenCreateApiTokenCreatedApiToken.model_rebuild()
