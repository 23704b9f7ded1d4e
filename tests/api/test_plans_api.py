"""Plans through GraphQL: made from real manifests, deterministic, sealed, approved by fingerprint, audited."""

from __future__ import annotations

import json
import uuid
from typing import Any

import jsonschema
import orjson
import pytest

from dvt.application.services import Services
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient, token_for
from tests.api.test_graph_api import upload
from tests.conftest import FIXTURES, ROOT

JAFFLE = FIXTURES / "yu-iskw__dbt-artifacts-parser"
OLD, NEW = "manifest_1.11__v12__jaffle_shop.json", "manifest_1.12__v12__jaffle_shop.json"
CONTRACT = json.loads((ROOT / "schema" / "contracts" / "execution-plan.v2.schema.json").read_text())

PLAN_FIELDS = """__typename ... on Plan { id status fingerprint explanation decidedBy document
  totals { run skip partial } approvalsRequired { policy role }
  items { uniqueId action wave why decisions { policy reason message action final } estimate { p50Cost p50Ms } } }
  ... on Error { message code }"""
CREATE = f"""mutation($env: ID!, $select: [String!], $full: Boolean) {{
  createPlan(input: {{environmentId: $env, select: $select, fullRefresh: $full}}) {{ {PLAN_FIELDS} }} }}"""
APPROVE = f"""mutation($plan: ID!, $fingerprint: String!) {{
  approvePlan(input: {{planId: $plan, fingerprint: $fingerprint}}) {{ {PLAN_FIELDS} }} }}"""
CONFIGURE = """mutation($env: ID!, $policies: JSON!, $card: JSON!) {
  configurePlanning(input: {environmentId: $env, policies: $policies, rateCard: $card}) {
    __typename ... on Environment { policies rateCard } ... on Error { message } } }"""


def run_results(manifest: str, invocation: str, models: dict[str, float]) -> bytes:
    """A `dbt build` run_results document for the given models, as dbt writes it (schema v6)."""
    return orjson.dumps(
        {
            "metadata": {
                "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
                "dbt_version": "1.11.0",
                "generated_at": "2026-11-20T10:00:00Z",
                "invocation_id": invocation,
                "env": {},
            },
            "results": [
                {
                    "unique_id": uid,
                    "status": "success",
                    "execution_time": seconds,
                    "thread_id": "Thread-1",
                    "message": "OK",
                    "failures": None,
                    "adapter_response": {},
                    "timing": [
                        {
                            "name": "execute",
                            "started_at": "2026-11-20T09:59:00Z",
                            "completed_at": "2026-11-20T10:00:00Z",
                        }
                    ],
                }
                for uid, seconds in models.items()
            ],
            "elapsed_time": sum(models.values()),
            "args": {"which": "build"},
        }
    )


@pytest.fixture
async def environment(gql: GraphQLClient) -> str:
    """jaffle_shop as dbt 1.11 wrote it, then as dbt 1.12 did: two versions of one environment."""
    await upload(gql, OLD)
    await upload(gql, NEW)
    data = await gql.data('{ environment(project: "jaffle", slug: "prod") { id } }')
    return str(data["environment"]["id"])


async def create(gql: GraphQLClient, env: str, *select: str, full: bool = False) -> dict[str, Any]:
    plan: dict[str, Any] = (await gql.data(CREATE, env=env, select=list(select), full=full))["createPlan"]
    return plan


async def test_a_plan_meets_its_contract_and_explains_itself(gql: GraphQLClient, environment: str) -> None:
    plan = await create(gql, environment, "state:modified+")
    assert plan["__typename"] == "Plan", plan
    jsonschema.Draft202012Validator(CONTRACT, format_checker=jsonschema.FormatChecker()).validate(plan["document"])
    assert plan["explanation"].startswith(f"{len(plan['document']['selected'])} nodes selected by state:modified+")
    assert all(i["decisions"][0]["policy"] == "selection" for i in plan["items"])


async def test_the_same_request_gives_the_same_fingerprint(gql: GraphQLClient, environment: str) -> None:
    first, second = await create(gql, environment, "state:modified+"), await create(gql, environment, "state:modified+")
    assert first["id"] != second["id"] and first["fingerprint"] == second["fingerprint"]


async def test_a_plan_needing_no_approval_is_approved_by_policy(gql: GraphQLClient, environment: str) -> None:
    plan = await create(gql, environment, "orders")
    assert (plan["status"], plan["decidedBy"], plan["approvalsRequired"]) == ("APPROVED", "policy", [])


async def test_approval_is_bound_to_the_fingerprint_and_audited(gql: GraphQLClient, environment: str) -> None:
    await gql.data(
        CONFIGURE, env=environment, policies={"manual_approval": {"required": True}}, card={"price_per_compute_hour": 2}
    )
    plan = await create(gql, environment, "+customers")
    wrong = (await gql.data(APPROVE, plan=plan["id"], fingerprint="0" * 64))["approvePlan"]
    right = (await gql.data(APPROVE, plan=plan["id"], fingerprint=plan["fingerprint"]))["approvePlan"]
    again = (await gql.data(APPROVE, plan=plan["id"], fingerprint=plan["fingerprint"]))["approvePlan"]
    log = await gql.data('{ auditEvents(filter: {actionPrefix: "plan."}) { nodes { action details } } }')
    assert (plan["status"], plan["approvalsRequired"]) == ("DRAFT", [{"policy": "manual_approval", "role": "admin"}])
    assert wrong["code"] == "CONFLICT" and right["status"] == "APPROVED" and again["code"] == "CONFLICT"
    assert [e["action"] for e in log["auditEvents"]["nodes"]][:2] == ["plan.approve", "plan.create"]
    assert log["auditEvents"]["nodes"][0]["details"]["fingerprint"] == plan["fingerprint"]


async def test_an_editor_plans_but_cannot_approve(
    gql: GraphQLClient, environment: str, app: Services, scope: TenantScope
) -> None:
    await gql.data(CONFIGURE, env=environment, policies={"manual_approval": {"required": True}}, card={})
    editor = GraphQLClient(gql.http, await token_for(app, scope, "editor"))
    plan = await create(editor, environment, "orders")
    body = await editor(APPROVE, plan=plan["id"], fingerprint=plan["fingerprint"])
    assert plan["status"] == "DRAFT"
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_who_made_and_decided_a_plan_is_shown_by_name(
    gql: GraphQLClient, environment: str, app: Services, scope: TenantScope
) -> None:
    await gql.data(CONFIGURE, env=environment, policies={"manual_approval": {"required": True}}, card={})
    editor = GraphQLClient(gql.http, await token_for(app, scope, "editor"))
    plan = await create(editor, environment, "orders")
    await gql.data(APPROVE, plan=plan["id"], fingerprint=plan["fingerprint"])
    await gql.data(CONFIGURE, env=environment, policies={}, card={})
    by_policy = await create(editor, environment, "customers")
    names = "createdBy createdByName decidedBy decidedByName"
    query = f"query($a: ID!, $b: ID!) {{ a: plan(id: $a) {{ {names} }} b: plan(id: $b) {{ {names} }} }}"
    shown = await gql.data(query, a=plan["id"], b=by_policy["id"])
    tokens = {t["name"]: t for t in (await gql.data("{ apiTokens { id name createdByName } }"))["apiTokens"]}
    editor_label, admin_label = (f"token:{tokens[name]['id']}" for name in ("test editor", "test admin"))
    assert shown["a"] == {
        "createdBy": editor_label, "createdByName": "test editor",
        "decidedBy": admin_label, "decidedByName": "test admin",
    }  # fmt: skip
    assert shown["b"] == {
        "createdBy": editor_label,
        "createdByName": "test editor",
        "decidedBy": "policy",
        "decidedByName": "policy",
    }
    assert {t["createdByName"] for t in tokens.values()} == {SYSTEM.display_name}  # made by DVT in the fixtures


TRIGGER = """mutation($env: ID!, $plan: ID!) { triggerRun(input: {environmentId: $env, planId: $plan}) {
  __typename ... on Run { status } ... on Error { message code } } }"""


async def moved(gql: GraphQLClient, unique_id: str) -> None:
    """A newer graph version in which only `unique_id`'s code changed."""
    manifest = orjson.loads((JAFFLE / NEW).read_bytes())
    node = manifest["nodes"][unique_id]
    node["raw_code"] += "\n-- changed"
    node["checksum"] = {"name": "sha256", "checksum": "0" * 64}
    await upload(gql, NEW, contents={NEW: orjson.dumps(manifest)})


async def test_a_plan_stays_valid_when_the_graph_moves_only_where_it_runs_nothing(
    gql: GraphQLClient, environment: str
) -> None:
    plan = await create(gql, environment, "orders")
    await moved(gql, "model.jaffle_shop.customers")
    found = await gql.data("query($id: ID!) { plan(id: $id) { status headVersion { id } } }", id=plan["id"])
    latest = await gql.data(
        '{ environment(project: "jaffle", slug: "prod") { graphVersions(first: 1) { nodes { id } } } }'
    )
    assert latest["environment"]["graphVersions"]["nodes"][0]["id"] != found["plan"]["headVersion"]["id"]
    assert found["plan"]["status"] == "APPROVED"
    run = (await gql.data(TRIGGER, env=environment, plan=plan["id"]))["triggerRun"]
    assert run["__typename"] == "Run", run


async def test_a_plan_expires_when_the_graph_changes_a_node_it_runs_and_its_run_is_refused(
    gql: GraphQLClient, environment: str
) -> None:
    plan = await create(gql, environment, "orders")
    await moved(gql, "model.jaffle_shop.orders")
    found = await gql.data("query($id: ID!) { plan(id: $id) { status } }", id=plan["id"])
    assert found["plan"]["status"] == "EXPIRED"
    refused = (await gql.data(TRIGGER, env=environment, plan=plan["id"]))["triggerRun"]
    assert refused["code"] == "CONFLICT" and "model.jaffle_shop.orders" in refused["message"], refused


async def test_unchanged_nodes_that_succeeded_are_skipped(gql: GraphQLClient, environment: str) -> None:
    manifest = orjson.loads((JAFFLE / NEW).read_bytes())
    models = {uid: 2.0 for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}
    contents = {"run_results.json": run_results(NEW, manifest["metadata"]["invocation_id"], models)}
    await upload(gql, "run_results.json", contents=contents)
    plan = await create(gql, environment, "stg_orders")
    item = next(i for i in plan["items"] if i["uniqueId"] == "model.jaffle_shop.stg_orders")
    # stg_orders reads a source no freshness check vouches for: it runs, and says why
    assert item["action"] == "RUN" and item["decisions"][-1]["reason"] == "NO_FRESHNESS_EVIDENCE"
    seeds = await create(gql, environment, "resource_type:seed")
    assert {i["action"] for i in seeds["items"]} == {"SKIP"}
    assert {i["decisions"][-1]["reason"] for i in seeds["items"]} == {"UNCHANGED_SINCE_LAST_SUCCESS"}


async def test_items_say_why_and_come_a_page_at_a_time(gql: GraphQLClient, environment: str) -> None:
    plan = await create(gql, environment, "state:modified+", "resource_type:seed")
    items = plan["items"]
    for item in items:
        deciding = [d["message"] for d in item["decisions"] if d["final"] or d["action"]]
        assert item["why"] == "; ".join(deciding) and item["why"]  # what decided it, never blank
    query = """query($id: ID!, $offset: Int!) { plan(id: $id) { itemCount items(first: 2, offset: $offset) {
      uniqueId action wave why decisions { policy reason message action final } estimate { p50Cost p50Ms } } } }"""
    pages: list[dict[str, Any]] = []
    while True:
        page = (await gql.data(query, id=plan["id"], offset=len(pages)))["plan"]
        if not page["items"]:
            break
        pages += page["items"]
    assert pages == items and page["itemCount"] == len(items) > 2  # the pages, in order, are every item once
    refused = await gql(query.replace("first: 2", "first: 0"), id=plan["id"], offset=0)
    assert "`first` must be between 1 and 2000" in refused["errors"][0]["message"]
    refused = await gql(query, id=plan["id"], offset=-1)
    assert "`offset` must be at least 0" in refused["errors"][0]["message"]


async def test_a_full_refresh_runs_what_would_be_skipped(gql: GraphQLClient, environment: str) -> None:
    manifest = orjson.loads((JAFFLE / NEW).read_bytes())
    seeds = {uid: 1.0 for uid, n in manifest["nodes"].items() if n["resource_type"] == "seed"}
    await upload(
        gql,
        "run_results.json",
        contents={"run_results.json": run_results(NEW, manifest["metadata"]["invocation_id"], seeds)},
    )
    plan = await create(gql, environment, "resource_type:seed", full=True)
    assert {i["action"] for i in plan["items"]} == {"RUN"}


async def test_an_unknown_policy_is_refused(gql: GraphQLClient, environment: str) -> None:
    refused = (await gql.data(CONFIGURE, env=environment, policies={"nope": {}}, card={}))["configurePlanning"]
    assert "unknown policies ['nope']" in refused["message"]


async def test_bad_selection_syntax_is_a_validation_member(gql: GraphQLClient, environment: str) -> None:
    plan = await create(gql, environment, "nosuchmethod:x")
    assert plan["__typename"] == "ValidationError"


DIFF = """query($base: ID!, $head: ID!) { diff(base: $base, head: $head) {
  added { uniqueId category } removed { uniqueId category }
  modified { uniqueId category stateModified changes { kind category message } } impacted } }"""


async def test_the_diff_of_two_versions_names_each_change_and_its_category(
    gql: GraphQLClient, environment: str
) -> None:
    versions = await gql.data(
        '{ environment(project: "jaffle", slug: "prod") { graphVersions { nodes { id sequence } } } }'
    )
    head, base = versions["environment"]["graphVersions"]["nodes"]
    found = (await gql.data(DIFF, base=base["id"], head=head["id"]))["diff"]
    old = set(orjson.loads((JAFFLE / OLD).read_bytes())["nodes"])
    new = set(orjson.loads((JAFFLE / NEW).read_bytes())["nodes"])
    assert {n["uniqueId"] for n in found["removed"]} >= old - new
    assert {n["uniqueId"] for n in found["added"]} >= new - old
    categories = {"BREAKING", "NON_BREAKING", "METADATA_ONLY"}
    assert found["modified"] and all(m["category"] in categories and m["changes"] for m in found["modified"])


async def test_a_diff_with_another_tenants_version_finds_nothing(
    gql: GraphQLClient, environment: str, app: Services
) -> None:
    versions = await gql.data('{ environment(project: "jaffle", slug: "prod") { graphVersions { nodes { id } } } }')
    head, base = versions["environment"]["graphVersions"]["nodes"]
    other = await app.tenancy.create_tenant(SYSTEM, f"other-{uuid.uuid4().hex[:8]}")
    stranger = GraphQLClient(gql.http, await token_for(app, TenantScope(other.id), "admin"))
    assert (await stranger.data(DIFF, base=base["id"], head=head["id"]))["diff"] is None
