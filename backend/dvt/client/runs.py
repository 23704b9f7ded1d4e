from pydantic import Field

from .base_model import BaseModel
from .fragments import RunFields


class Runs(BaseModel):
    runs: "RunsRuns"


class RunsRuns(BaseModel):
    nodes: list["RunsRunsNodes"]
    page_info: "RunsRunsPageInfo" = Field(alias="pageInfo")


RunsRunsNodes = RunFields


class RunsRunsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: str | None = Field(alias="endCursor")


Runs.model_rebuild()
RunsRuns.model_rebuild()
