from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import RunFields


class JobRuns(BaseModel):
    job: Optional["JobRunsJob"]


class JobRunsJob(BaseModel):
    runs: "JobRunsJobRuns"


class JobRunsJobRuns(BaseModel):
    nodes: list["JobRunsJobRunsNodes"]
    page_info: "JobRunsJobRunsPageInfo" = Field(alias="pageInfo")


JobRunsJobRunsNodes = RunFields


class JobRunsJobRunsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: str | None = Field(alias="endCursor")


JobRuns.model_rebuild()
JobRunsJob.model_rebuild()
JobRunsJobRuns.model_rebuild()
