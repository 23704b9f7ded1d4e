from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import SecretFields


class RetireSecret(BaseModel):
    retire_secret: Union[
        "RetireSecretRetireSecretSecret",
        "RetireSecretRetireSecretValidationError",
        "RetireSecretRetireSecretNotFoundError",
        "RetireSecretRetireSecretPermissionDeniedError",
    ] = Field(alias="retireSecret", discriminator="typename__")


class RetireSecretRetireSecretSecret(SecretFields):
    typename__: Literal["Secret"] = Field(alias="__typename")


class RetireSecretRetireSecretValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class RetireSecretRetireSecretNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class RetireSecretRetireSecretPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


RetireSecret.model_rebuild()
