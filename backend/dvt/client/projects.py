from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class Projects(BaseModel):
    tenant: Optional["ProjectsTenant"]
    projects: list["ProjectsProjects"]


class ProjectsTenant(BaseModel):
    id: str


class ProjectsProjects(BaseModel):
    id: str
    slug: str
    name: str
    repository: str
    subdirectory: str | None
    created_at: datetime = Field(alias="createdAt")
    organization: Optional["ProjectsProjectsOrganization"]


class ProjectsProjectsOrganization(BaseModel):
    id: str


Projects.model_rebuild()
ProjectsProjects.model_rebuild()
