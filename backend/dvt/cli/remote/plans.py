"""`dvt plan` through the API: the plan comes back as its contract document, read as the local mode reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dvt.cli.remote import RemoteError, checked, environment_id, global_id, local_id, word

if TYPE_CHECKING:
    from dvt.client import DvtClient
    from dvt.domain.plan.plan import ExecutionPlan


@dataclass(frozen=True)
class PlanHeading:
    """What `dvt plan` prints above the items: the fields of the stored plan the local mode prints."""

    id: str
    status: str
    fingerprint: str
    commit_sha: str | None


def execution_plan(document: dict[str, Any]) -> ExecutionPlan:
    """The plan a contract document describes. Its fingerprint is that of the document's canonical bytes (without
    the fingerprint member), so a plan altered on the way reads back with another one and is refused."""
    from dvt.domain.canonical import canonical_json
    from dvt.domain.plan.plan import ExecutionPlan

    body = {k: v for k, v in document.items() if k != "fingerprint"}
    plan = ExecutionPlan.from_document(canonical_json(body))
    if document.get("fingerprint") not in (None, plan.fingerprint):
        raise RemoteError("the plan the API sent does not match its fingerprint")
    return plan


async def create(
    api: DvtClient,
    project: str,
    environment: str,
    *,
    select: list[str],
    exclude: list[str],
    selector: str | None,
    full_refresh: bool,
    state_version: str | None,
    ref: str | None,
) -> tuple[PlanHeading, ExecutionPlan, dict[str, Any]]:
    from dvt.client.input_types import CreatePlanInput

    env = await environment_id(api, project, environment)
    request = CreatePlanInput(
        environmentId=env,
        select=select or None,
        exclude=exclude or None,
        selector=selector,
        fullRefresh=full_refresh,
        stateVersionId=global_id("GraphVersion", state_version) if state_version else None,
        ref=ref,
    )
    made: Any = checked((await api.create_plan(input=request)).create_plan)
    heading = PlanHeading(str(local_id(made.id)), str(word(made.status)), made.fingerprint, made.commit_sha)
    return heading, execution_plan(made.document), made.document
