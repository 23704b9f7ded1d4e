from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ApiTokenFields


class ApiTokens(BaseModel):
    tenant: Optional["ApiTokensTenant"]
    api_tokens: list["ApiTokensApiTokens"] = Field(alias="apiTokens")


class ApiTokensTenant(BaseModel):
    id: str


ApiTokensApiTokens = ApiTokenFields
ApiTokens.model_rebuild()
