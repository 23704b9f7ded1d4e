from typing import Optional

from .base_model import BaseModel
from .fragments import OrganizationFields


class Organizations(BaseModel):
    tenant: Optional["OrganizationsTenant"]
    organizations: list["OrganizationsOrganizations"]


class OrganizationsTenant(BaseModel):
    id: str


OrganizationsOrganizations = OrganizationFields
Organizations.model_rebuild()
