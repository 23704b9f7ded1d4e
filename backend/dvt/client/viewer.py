from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class Viewer(BaseModel):
    viewer: "ViewerViewer"
    tenant: Optional["ViewerTenant"]


class ViewerViewer(BaseModel):
    kind: str
    subject: str
    display_name: str = Field(alias="displayName")


class ViewerTenant(BaseModel):
    id: str
    slug: str


Viewer.model_rebuild()
