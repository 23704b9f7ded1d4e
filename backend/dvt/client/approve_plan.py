from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import PlanFields


class ApprovePlan(BaseModel):
    approve_plan: Union[
        "ApprovePlanApprovePlanPlan",
        "ApprovePlanApprovePlanValidationError",
        "ApprovePlanApprovePlanNotFoundError",
        "ApprovePlanApprovePlanConflictError",
        "ApprovePlanApprovePlanPermissionDeniedError",
    ] = Field(alias="approvePlan", discriminator="typename__")


class ApprovePlanApprovePlanPlan(PlanFields):
    typename__: Literal["Plan"] = Field(alias="__typename")


class ApprovePlanApprovePlanValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class ApprovePlanApprovePlanNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class ApprovePlanApprovePlanConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class ApprovePlanApprovePlanPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


ApprovePlan.model_rebuild()
