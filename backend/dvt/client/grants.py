from typing import Optional

from .base_model import BaseModel
from .fragments import GrantFields


class Grants(BaseModel):
    tenant: Optional["GrantsTenant"]
    grants: list["GrantsGrants"]


class GrantsTenant(BaseModel):
    id: str


GrantsGrants = GrantFields
Grants.model_rebuild()
