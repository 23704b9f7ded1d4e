"""Canvas layouts through GraphQL: saved per user and project, by compare-and-set on a revision, never across
tenants, refused with the path of the problem when malformed, and open to viewers."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import Any

import httpx
import jsonschema
import pytest

from dvt.application.services import Services
from dvt.domain.authorization import project_scope
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient, token_for
from tests.api.test_permissions import grant, sign_in
from tests.conftest import ROOT
from tests.support.canvas import layout

CONTRACT = json.loads((ROOT / "schema" / "contracts" / "canvas-state.v1.schema.json").read_text())
STATE = "__typename projectId revision state updatedAt"
SAVE = f"""mutation($project: ID!, $expected: Int!, $state: JSON!) {{
  saveCanvasState(input: {{projectId: $project, expectedRevision: $expected, state: $state}}) {{
    __typename ... on CanvasState {{ {STATE} }} ... on Error {{ message code }}
    ... on CanvasConflictError {{ current {{ {STATE} }} }} }} }}"""
LOAD = f"query($project: ID!) {{ canvasState(projectId: $project) {{ {STATE} }} }}"
PROJECT = """mutation($slug: String!) { createProject(input: {slug: $slug, repository: "https://example.invalid/x.git"}) {
  __typename ... on Project { id organization { id } } } }"""


def raw(global_id: str) -> uuid.UUID:
    return uuid.UUID(base64.b64decode(global_id).decode().split(":")[-1])


async def make_project(gql: GraphQLClient, slug: str) -> dict[str, Any]:
    made: dict[str, Any] = (await gql.data(PROJECT, slug=slug))["createProject"]
    assert made["__typename"] == "Project", made
    return made


@pytest.fixture
async def project(gql: GraphQLClient) -> dict[str, Any]:
    return await make_project(gql, "jaffle")


def scope_of(project: dict[str, Any]) -> str:
    return project_scope(raw(project["organization"]["id"]), raw(project["id"]))


async def save(caller: GraphQLClient, project: dict[str, Any], expected: int, state: Any) -> dict[str, Any]:
    saved: dict[str, Any] = (await caller.data(SAVE, project=project["id"], expected=expected, state=state))[
        "saveCanvasState"
    ]
    return saved


async def load(caller: GraphQLClient, project: dict[str, Any]) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (await caller.data(LOAD, project=project["id"]))["canvasState"]
    return found


async def test_nothing_is_saved_until_the_first_save(gql: GraphQLClient, project: dict[str, Any]) -> None:
    assert await load(gql, project) is None


async def test_a_saved_layout_reads_back_as_saved_and_meets_its_contract(
    gql: GraphQLClient, project: dict[str, Any]
) -> None:
    first = await save(gql, project, 0, layout())
    second = await save(gql, project, 1, layout(mode="overview", focus=None))
    found = await load(gql, project)
    assert (first["__typename"], first["revision"], first["projectId"]) == ("CanvasState", 1, project["id"])
    assert (second["revision"], second["state"]) == (2, layout(mode="overview", focus=None))
    assert found == second and found["updatedAt"] >= first["updatedAt"]
    jsonschema.Draft202012Validator(CONTRACT).validate(found["state"])


async def test_a_save_based_on_a_stale_revision_is_refused_with_the_stored_layout(
    gql: GraphQLClient, project: dict[str, Any]
) -> None:
    await save(gql, project, 0, layout())
    stored = await save(gql, project, 1, layout(depth=3))
    stale = await save(gql, project, 1, layout(depth=9))
    assert (stale["__typename"], stale["code"]) == ("CanvasConflictError", "CONFLICT")
    assert stale["current"] == stored and stale["current"]["revision"] == 2
    assert "at revision 2, not 1" in stale["message"]
    assert await load(gql, project) == stored


async def test_a_first_save_over_a_stored_layout_is_a_conflict(gql: GraphQLClient, project: dict[str, Any]) -> None:
    stored = await save(gql, project, 0, layout())
    again = await save(gql, project, 0, layout(depth=5))
    assert (again["__typename"], again["current"]) == ("CanvasConflictError", stored)


async def test_a_save_naming_a_revision_when_nothing_is_stored_conflicts_with_nothing(
    gql: GraphQLClient, project: dict[str, Any]
) -> None:
    refused = await save(gql, project, 3, layout())
    assert (refused["__typename"], refused["current"]) == ("CanvasConflictError", None)
    assert await load(gql, project) is None


@pytest.mark.parametrize("base", [0, 1], ids=["first save", "later save"])
async def test_of_concurrent_saves_based_on_one_revision_exactly_one_is_stored(
    gql: GraphQLClient, project: dict[str, Any], base: int
) -> None:
    if base:
        await save(gql, project, 0, layout())
    documents = [layout(viewport={"x": i, "y": 0, "zoom": 1}) for i in range(8)]
    answers = await asyncio.gather(*(save(gql, project, base, d) for d in documents))
    won = [a for a in answers if a["__typename"] == "CanvasState"]
    lost = [a for a in answers if a["__typename"] == "CanvasConflictError"]
    assert len(won) == 1 and len(lost) == len(documents) - 1, [a["__typename"] for a in answers]
    assert won[0]["revision"] == base + 1 and await load(gql, project) == won[0]


async def test_each_user_keeps_a_layout_of_their_own(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, project: dict[str, Any]
) -> None:
    callers = {}
    for name in ("alice", "bob"):
        token, principal = await sign_in(app, http, scope, name)
        await grant(gql, principal, "viewer", scope_of(project))
        callers[name] = GraphQLClient(http, token)
    alice = await save(callers["alice"], project, 0, layout(depth=1))
    bob = await save(callers["bob"], project, 0, layout(depth=7))
    assert (alice["revision"], bob["revision"]) == (1, 1)
    assert (await load(callers["alice"], project))["state"]["depth"] == 1  # type: ignore[index]
    assert (await load(callers["bob"], project))["state"]["depth"] == 7  # type: ignore[index]
    assert await load(gql, project) is None  # the admin's token is a third caller, with nothing saved


async def test_a_viewer_may_save_a_layout(
    app: Services, scope: TenantScope, gql: GraphQLClient, project: dict[str, Any]
) -> None:
    viewer = GraphQLClient(gql.http, await token_for(app, scope, "viewer"))
    saved = await save(viewer, project, 0, layout())
    assert (saved["__typename"], saved["revision"]) == ("CanvasState", 1)


async def test_a_user_who_may_not_see_the_project_finds_it_not_found(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, project: dict[str, Any]
) -> None:
    other = await make_project(gql, "sibling")
    token, principal = await sign_in(app, http, scope, "carol")
    await grant(gql, principal, "viewer", scope_of(other))
    carol = GraphQLClient(http, token)
    refused = await save(carol, project, 0, layout())
    assert (refused["__typename"], refused["message"]) == ("NotFoundError", "project not found")
    assert await load(carol, project) is None


async def test_another_tenants_project_is_not_found_and_its_layouts_stay_as_they_were(
    app: Services, http: httpx.AsyncClient, gql: GraphQLClient, project: dict[str, Any]
) -> None:
    stored = await save(gql, project, 0, layout())
    other = await app.tenancy.create_tenant(SYSTEM, f"other-{uuid.uuid4().hex[:8]}")
    intruder = GraphQLClient(http, await token_for(app, TenantScope(other.id), "admin"))
    attempts = [await save(intruder, project, expected, layout(depth=9)) for expected in (0, 1)]
    assert [a["__typename"] for a in attempts] == ["NotFoundError", "NotFoundError"]
    assert await load(intruder, project) is None
    assert await load(gql, project) == stored


async def test_an_id_of_another_kind_is_not_found(gql: GraphQLClient, project: dict[str, Any]) -> None:
    organization = {"id": project["organization"]["id"]}
    assert (await save(gql, organization, 0, layout()))["__typename"] == "NotFoundError"
    assert await load(gql, organization) is None


async def test_a_malformed_layout_is_refused_with_the_path_of_the_problem(
    gql: GraphQLClient, project: dict[str, Any]
) -> None:
    document = layout()
    document["positions"]["model.x"] = {"x": "12", "y": 0, "pinned": False}
    refused = await save(gql, project, 0, document)
    assert (refused["__typename"], refused["code"]) == ("ValidationError", "VALIDATION")
    assert refused["message"] == 'positions["model.x"].x must be a finite number'
    assert await load(gql, project) is None


async def test_a_layout_that_is_not_an_object_is_refused(gql: GraphQLClient, project: dict[str, Any]) -> None:
    refused = await save(gql, project, 0, [layout()])
    assert refused["message"] == "the canvas state must be a JSON object"


async def test_a_negative_expected_revision_is_refused(gql: GraphQLClient, project: dict[str, Any]) -> None:
    refused = await save(gql, project, -1, layout())
    assert (refused["__typename"], refused["code"]) == ("ValidationError", "VALIDATION")


async def test_saving_a_layout_writes_no_audit_event(gql: GraphQLClient, project: dict[str, Any]) -> None:
    events = "{ auditEvents(first: 1000) { nodes { action } } }"
    before = (await gql.data(events))["auditEvents"]["nodes"]
    await save(gql, project, 0, layout())
    await save(gql, project, 1, layout(depth=4))
    assert (await gql.data(events))["auditEvents"]["nodes"] == before
