"""What a plan request may carry, checked before a plan exists: selections dbt could read as options (issue 11,
D1) and vars nested or sized past what a plan can store and serve back (D8) are refused with a clear error."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import orjson
import pytest
from strawberry.relay import from_base64

from tests.api.conftest import GraphQLClient
from tests.api.test_graph_api import upload
from tests.api.test_plans_api import OLD
from tests.conftest import _asyncpg_dsn

PLAN = """mutation($input: CreatePlanInput!) { createPlan(input: $input) {
  __typename ... on Plan { id status request } ... on Error { message code } } }"""
TRIGGER = """mutation($input: TriggerRunInput!) { triggerRun(input: $input) {
  __typename ... on Run { id status } ... on Error { message code } } }"""
RUNS = """query($env: ID!) { runs(environmentId: $env) { nodes { id status plan { id request document } } } }"""
MUTATIONS = {"createPlan": PLAN, "triggerRun": TRIGGER}

INJECTIONS = [
    ("select", ["stg_orders", "--project-dir=/srv/other-project"], "--project-dir=/srv/other-project"),
    ("select", ["stg_orders", "--empty"], "--empty"),
    ("select", ["-s"], "-s"),
    ("select", ["orders,--empty"], "orders,--empty"),
    ("exclude", ["--full-refresh"], "--full-refresh"),
    ("select", ["orders --empty"], "orders --empty"),
    ("select", ["orders\tcustomers"], "orders\\tcustomers"),
    ("select", ["orders\ncustomers"], "orders\\ncustomers"),
    ("select", ["orders\x1b[2J"], "orders\\x1b[2J"),
    ("select", [""], "''"),
    ("selector", "--project-dir=/srv/other-project", "--project-dir=/srv/other-project"),
    ("selector", "nightly run", "nightly run"),
]


@pytest.fixture
async def environment(gql: GraphQLClient) -> str:
    await upload(gql, OLD)
    data = await gql.data('{ environment(project: "jaffle", slug: "prod") { id } }')
    return str(data["environment"]["id"])


def nested(depth: int) -> dict[str, Any]:
    """vars `depth` objects deep: {"v": {"v": ... {"v": 1}}}."""
    value: Any = 1
    for _ in range(depth):
        value = {"v": value}
    return dict(value)


async def runs_of(gql: GraphQLClient, environment: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await gql.data(RUNS, env=environment))["runs"]["nodes"]
    return found


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize(("field", "value", "named"), INJECTIONS, ids=[repr(i[1]) for i in INJECTIONS])
async def test_a_selection_dbt_could_read_as_an_option_is_refused_naming_it(
    gql: GraphQLClient, environment: str, mutation: str, field: str, value: Any, named: str
) -> None:
    body = await gql(MUTATIONS[mutation], input={"environmentId": environment, field: value})
    answer = body["data"][mutation]
    assert answer["__typename"] == "ValidationError", answer
    assert named in answer["message"], answer["message"]
    assert await runs_of(gql, environment) == [], "nothing was planned or queued"


async def test_an_ordinary_selection_still_plans(gql: GraphQLClient, environment: str) -> None:
    select = ["stg_orders+", "tag:nightly", "path:models/staging", "config.materialized:table,orders", "@customers"]
    body = await gql(PLAN, input={"environmentId": environment, "select": select, "vars": {"day": "2026-12-05"}})
    plan = body["data"]["createPlan"]
    assert plan["__typename"] == "Plan", plan
    assert plan["request"]["select"] == select and plan["request"]["vars"] == {"day": "2026-12-05"}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("depth", [250, 255])
async def test_vars_nested_hundreds_deep_get_a_clear_error_and_leave_the_runs_listing_working(
    gql: GraphQLClient, environment: str, mutation: str, depth: int
) -> None:
    body = await gql(MUTATIONS[mutation], input={"environmentId": environment, "vars": nested(depth)})
    errors = body.get("errors") or []
    assert all(e.get("extensions", {}).get("code") != "INTERNAL" for e in errors), errors
    refusal = errors[0]["message"] if errors else body["data"][mutation]["message"]
    assert "nested" in refusal and "deep" in refusal, body
    assert await runs_of(gql, environment) == []
    queued = (await gql.data(TRIGGER, input={"environmentId": environment, "select": ["orders"]}))["triggerRun"]
    assert [r["id"] for r in await runs_of(gql, environment)] == [queued["id"]]


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize(
    ("vars", "problem"),
    [
        (nested(21), "nested 21 levels deep"),
        ({"big": "x" * (64 * 1024)}, "64 KiB"),
        ([1, 2], "a JSON object"),
        ("day=1", "a JSON object"),
    ],
    ids=["depth-21", "over-64KiB", "a-list", "a-string"],
)
async def test_vars_past_the_limits_are_a_validation_error(
    gql: GraphQLClient, environment: str, mutation: str, vars: Any, problem: str
) -> None:
    answer = (await gql.data(MUTATIONS[mutation], input={"environmentId": environment, "vars": vars}))[mutation]
    assert answer["__typename"] == "ValidationError" and problem in answer["message"], answer


async def test_a_plan_stored_with_deep_vars_before_the_checks_does_not_break_the_runs_listing(
    database_url: str, gql: GraphQLClient, environment: str
) -> None:
    """A plan of depth-250 vars, as an older DVT stored it, is served back instead of failing every listing."""
    made = (await gql.data(PLAN, input={"environmentId": environment, "select": ["orders"]}))["createPlan"]
    await gql.data(TRIGGER, input={"environmentId": environment, "planId": made["id"]})
    plan_id = uuid.UUID(from_base64((await runs_of(gql, environment))[0]["plan"]["id"])[1])
    connection = await asyncpg.connect(_asyncpg_dsn(database_url))
    try:
        document = orjson.loads(await connection.fetchval("select document from plans where id = $1", plan_id))
        document["request"]["vars"] = nested(250)
        await connection.execute("update plans set document = $1 where id = $2", orjson.dumps(document), plan_id)
    finally:
        await connection.close()
    listed = await runs_of(gql, environment)
    assert [r["plan"]["request"]["vars"] == nested(250) for r in listed] == [True]
