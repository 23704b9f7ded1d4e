from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import SecretFields


class SetSecret(BaseModel):
    set_secret: Union[
        "SetSecretSetSecretSecret",
        "SetSecretSetSecretValidationError",
        "SetSecretSetSecretNotFoundError",
        "SetSecretSetSecretPermissionDeniedError",
    ] = Field(alias="setSecret", discriminator="typename__")


class SetSecretSetSecretSecret(SecretFields):
    typename__: Literal["Secret"] = Field(alias="__typename")


class SetSecretSetSecretValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class SetSecretSetSecretNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class SetSecretSetSecretPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


SetSecret.model_rebuild()
