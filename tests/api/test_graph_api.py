"""The graph read API and the ingest mutation, through the ASGI app against a real PostgreSQL."""

from __future__ import annotations

import gc
import json
import uuid
import warnings
from typing import Any

import jsonschema
import pytest

from dvt.application.services import Services
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient, StatementCounter, token_for
from tests.conftest import FIXTURES, ROOT

JAFFLE = FIXTURES / "yu-iskw__dbt-artifacts-parser"
FILES = (
    "manifest_1.12__v12__jaffle_shop.json",
    "catalog_1.12__v1__jaffle_shop.json",
    "run_results_1.12__v6__jaffle_shop.json",
)

INGEST = """
mutation($files: [Upload!]!) {
  ingestArtifacts(input: {project: "jaffle", environment: "prod", files: $files}) {
    __typename
    ... on IngestResult { created nodes sources metrics edges warnings graphVersion { id sequence } artifacts { kind schemaVersion } }
    ... on Error { message code }
    ... on ArtifactRejectedError { file kind problem }
  }
}
"""


async def upload(gql: GraphQLClient, *names: str, contents: dict[str, bytes] | None = None) -> dict[str, Any]:
    """The GraphQL multipart request spec, as a browser or Apollo client sends it."""
    files = {
        str(i): (name, (contents or {}).get(name) or (JAFFLE / name).read_bytes(), "application/json")
        for i, name in enumerate(names)
    }
    operations = json.dumps({"query": INGEST, "variables": {"files": [None] * len(names)}})
    mapping = json.dumps({str(i): [f"variables.files.{i}"] for i in range(len(names))})
    response = await gql.http.post(
        "/graphql",
        data={"operations": operations, "map": mapping},
        files=files,
        headers=gql.headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["ingestArtifacts"]
    return result


@pytest.fixture
async def version_id(gql: GraphQLClient) -> str:
    result = await upload(gql, *FILES)
    assert result["__typename"] == "IngestResult", result
    return str(result["graphVersion"]["id"])


async def test_uploaded_artifacts_become_a_graph_version(gql: GraphQLClient) -> None:
    result = await upload(gql, *FILES)
    assert (result["created"], result["nodes"], result["sources"], result["metrics"]) == (True, 46, 6, 23)
    assert [a["kind"] for a in result["artifacts"]] == ["manifest", "catalog", "run_results"]


async def test_an_upload_leaves_no_temporary_file_open(gql: GraphQLClient) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        await upload(gql, FILES[0])
        gc.collect()  # an unclosed file says so when it is collected
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_a_refused_upload_is_an_error_member_naming_the_file(gql: GraphQLClient) -> None:
    result = await upload(
        gql,
        "manifest.json",
        contents={
            "manifest.json": b'{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v99.json"}}'
        },
    )
    assert result["__typename"] == "ArtifactRejectedError"
    assert (result["file"], result["kind"], result["code"]) == ("manifest.json", "manifest", "VALIDATION")
    assert "v99" in result["message"]


async def test_nodes_filter_by_resource_type_and_search(gql: GraphQLClient, version_id: str) -> None:
    query = """query($id: ID!) { graphVersion(id: $id) {
        nodes(first: 100, filter: {resourceTypes: [MODEL], search: "stg_"}) { totalCount nodes { uniqueId resourceType } } } }"""
    data = await gql.data(query, id=version_id)
    found = data["graphVersion"]["nodes"]
    assert found["totalCount"] == 6
    assert {n["resourceType"] for n in found["nodes"]} == {"MODEL"}
    assert all("stg_" in n["uniqueId"] for n in found["nodes"])


async def test_a_type_and_a_status_this_server_does_not_know_read_unknown_and_keep_their_text(
    gql: GraphQLClient,
) -> None:
    manifest = json.loads((JAFFLE / FILES[0]).read_bytes())
    manifest["nodes"]["model.jaffle_shop.customers"]["resource_type"] = "future_kind"  # a newer dbt's type
    results = json.loads((JAFFLE / FILES[2]).read_bytes())
    (customers,) = [r for r in results["results"] if r["unique_id"] == "model.jaffle_shop.customers"]
    customers["status"] = "Sparkled"  # a newer dbt's word, capitalised as dbt Fusion writes
    contents = {FILES[0]: json.dumps(manifest).encode(), FILES[2]: json.dumps(results).encode()}
    uploaded = await upload(gql, FILES[0], FILES[2], contents=contents)
    assert uploaded["__typename"] == "IngestResult", uploaded
    query = """query($id: ID!) { graphVersion(id: $id) { nodes(first: 100, filter: {resourceTypes: [UNKNOWN]}) {
        nodes { uniqueId resourceType resourceTypeText runHistory { status statusText } } } } }"""
    found = (await gql.data(query, id=uploaded["graphVersion"]["id"]))["graphVersion"]["nodes"]["nodes"]
    assert found == [
        {
            "uniqueId": "model.jaffle_shop.customers",
            "resourceType": "UNKNOWN",
            "resourceTypeText": "future_kind",
            "runHistory": [{"status": "UNKNOWN", "statusText": "sparkled"}],
        }
    ]


async def test_pages_cover_every_node_once(gql: GraphQLClient, version_id: str) -> None:
    query = """query($id: ID!, $after: String) { graphVersion(id: $id) {
        nodeCount nodes(first: 7, after: $after) { nodes { uniqueId } pageInfo { hasNextPage endCursor } } } }"""
    seen: list[str] = []
    after = None
    while True:
        data = await gql.data(query, id=version_id, after=after)
        page = data["graphVersion"]["nodes"]
        seen += [n["uniqueId"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(set(seen))
    total = await gql.data("query($id: ID!) { graphVersion(id: $id) { nodes { totalCount } } }", id=version_id)
    assert len(seen) == total["graphVersion"]["nodes"]["totalCount"]


async def test_a_node_has_its_columns_merged_with_the_catalog(gql: GraphQLClient, version_id: str) -> None:
    query = """query($id: ID!) { graphVersion(id: $id) { node(uniqueId: "model.jaffle_shop.customers") {
        name materialized description rawCode dependsOn
        columns { name dataType declaredType catalogType index description }
        tests { uniqueId resourceType }
        runHistory { status statusText executionTime invocationId } } } }"""
    node = (await gql.data(query, id=version_id))["graphVersion"]["node"]
    columns = {c["name"]: c for c in node["columns"]}
    assert columns["customer_id"]["catalogType"] == "VARCHAR" and columns["customer_id"]["index"] == 1
    assert node["dependsOn"] == ["model.jaffle_shop.stg_customers", "model.jaffle_shop.orders"]
    assert node["tests"] and {t["resourceType"] for t in node["tests"]} <= {"TEST", "UNIT_TEST"}
    assert [(r["status"], r["statusText"]) for r in node["runHistory"]] == [("SUCCESS", "success")]


async def test_lineage_follows_the_requested_depths(gql: GraphQLClient, version_id: str) -> None:
    lookup = 'query($id: ID!) { graphVersion(id: $id) { node(uniqueId: "model.jaffle_shop.orders") { nodeUuid } } }'
    orders = (await gql.data(lookup, id=version_id))["graphVersion"]["node"]["nodeUuid"]
    query = """query($id: ID!, $n: UUID!, $up: Int!) { graphVersion(id: $id) {
        lineage(nodeUuid: $n, upstream: $up, downstream: 0) { nodes { uniqueId } edges { kind } } } }"""
    one = (await gql.data(query, id=version_id, n=orders, up=1))["graphVersion"]["lineage"]
    two = (await gql.data(query, id=version_id, n=orders, up=2))["graphVersion"]["lineage"]
    parents = {n["uniqueId"] for n in one["nodes"]}
    assert parents == {
        "model.jaffle_shop.orders",
        "model.jaffle_shop.stg_orders",
        "model.jaffle_shop.order_items",
    }
    assert "source.jaffle_shop.ecom.raw_orders" in {n["uniqueId"] for n in two["nodes"]}


async def test_lineage_deeper_than_ten_is_refused(gql: GraphQLClient, version_id: str) -> None:
    query = """query($id: ID!) { graphVersion(id: $id) { nodes(first: 1) { nodes { nodeUuid } } } }"""
    node = (await gql.data(query, id=version_id))["graphVersion"]["nodes"]["nodes"][0]["nodeUuid"]
    body = await gql(
        "query($id: ID!, $n: UUID!) { graphVersion(id: $id) { lineage(nodeUuid: $n, upstream: 50) { nodes { name } } } }",
        id=version_id,
        n=node,
    )
    assert "between 0 and 10" in body["errors"][0]["message"]


async def test_a_page_with_details_costs_the_same_statements_whatever_its_size(
    gql: GraphQLClient, version_id: str, statements: StatementCounter
) -> None:
    query = """query($id: ID!, $n: Int!) { graphVersion(id: $id) {
        nodes(first: $n, filter: {resourceTypes: [MODEL, SEED]}) { nodes {
        uniqueId description config columns { name } tests { name } runHistory { status } graphVersion { sequence } } } } }"""
    counts = []
    for size in (5, 19):
        statements.count = 0
        data = await gql.data(query, id=version_id, n=size)
        assert len(data["graphVersion"]["nodes"]["nodes"]) == size
        counts.append(statements.count)
    assert counts[0] == counts[1], f"statements grew with the page: {counts}"


async def test_node_resolves_global_ids_of_every_kind(gql: GraphQLClient, version_id: str) -> None:
    query = """query($id: ID!) { graphVersion(id: $id) { id environment { id project { id } }
        nodes(first: 1) { nodes { id uniqueId } } artifacts { id } } }"""
    version = (await gql.data(query, id=version_id))["graphVersion"]
    ids = [
        version["environment"]["id"],
        version["environment"]["project"]["id"],
        version["nodes"]["nodes"][0]["id"],
        version["artifacts"][0]["id"],
    ]
    for global_id in ids:
        found = await gql.data("query($id: ID!) { node(id: $id) { __typename id } }", id=global_id)
        assert found["node"]["id"] == global_id


async def test_another_tenants_ids_find_nothing(gql: GraphQLClient, version_id: str, app: Services) -> None:
    query = """query($id: ID!) { graphVersion(id: $id) { id environment { id } nodes(first: 1) { nodes { id } } } }"""
    version = (await gql.data(query, id=version_id))["graphVersion"]
    other = await app.tenancy.create_tenant(SYSTEM, f"other-{uuid.uuid4().hex[:8]}")
    intruder = GraphQLClient(gql.http, await token_for(app, TenantScope(other.id), "admin"))
    assert (await intruder.data(query, id=version_id))["graphVersion"] is None
    for global_id in (version["id"], version["environment"]["id"], version["nodes"]["nodes"][0]["id"]):
        assert (await intruder.data("query($id: ID!) { node(id: $id) { id } }", id=global_id))["node"] is None


async def test_a_bad_cursor_and_an_oversized_page_are_clear_errors(gql: GraphQLClient, version_id: str) -> None:
    bad_cursor = await gql(
        'query($id: ID!) { graphVersion(id: $id) { edges(after: "@@@") { nodes { kind } } } }', id=version_id
    )
    too_big = await gql(
        "query($id: ID!) { graphVersion(id: $id) { nodes(first: 10001) { nodes { name } } } }", id=version_id
    )
    assert "invalid cursor" in bad_cursor["errors"][0]["message"]
    assert "between 1 and 10000" in too_big["errors"][0]["message"]


async def test_an_invocation_lists_its_results(gql: GraphQLClient, version_id: str) -> None:
    query = """{ environment(project: "jaffle", slug: "prod") { invocations { nodes { invocationId command
        graphVersion { id } results { uniqueId status known } } } } }"""
    invocation = (await gql.data(query))["environment"]["invocations"]["nodes"][0]
    assert invocation["graphVersion"]["id"] == version_id
    assert len(invocation["results"]) == 46 and all(r["known"] for r in invocation["results"])


async def test_the_raw_artifact_downloads_byte_for_byte(gql: GraphQLClient, version_id: str, app: Services) -> None:
    query = "query($id: ID!) { graphVersion(id: $id) { artifacts { kind downloadPath sha256 } } }"
    artifacts = (await gql.data(query, id=version_id))["graphVersion"]["artifacts"]
    manifest = next(a for a in artifacts if a["kind"] == "manifest")
    response = await gql.http.get(manifest["downloadPath"], headers=gql.headers)
    assert response.content == (JAFFLE / FILES[0]).read_bytes()
    other = await app.tenancy.create_tenant(SYSTEM, f"other-{uuid.uuid4().hex[:8]}")
    stranger = GraphQLClient(gql.http, await token_for(app, TenantScope(other.id), "admin"))
    assert (await gql.http.get(manifest["downloadPath"], headers=stranger.headers)).status_code == 404
    assert (await gql.http.get(manifest["downloadPath"])).status_code == 401


CONTRACT = json.loads((ROOT / "schema" / "contracts" / "logical-graph.v1.schema.json").read_text())


@pytest.mark.parametrize(
    "manifest",
    [
        "yu-iskw__dbt-artifacts-parser/manifest__v1__jaffle_shop.json",
        "fivetran__dbt_hubspot/manifest__2023-02-03_dbt1.3.1.json",
        "tuva-health__tuva/manifest__2024-02-20_dbt1.7.8.json",
        "dbt-labs__dbt-core/manifest__state_v12.json",
    ],
)
async def test_the_whole_graph_document_meets_its_contract(gql: GraphQLClient, manifest: str) -> None:
    uploaded = await upload(gql, "manifest.json", contents={"manifest.json": (FIXTURES / manifest).read_bytes()})
    query = "query($id: ID!) { graphVersion(id: $id) { graph nodes(first: 10000) { totalCount } edgeCount } }"
    version = (await gql.data(query, id=uploaded["graphVersion"]["id"]))["graphVersion"]
    document = version["graph"]
    jsonschema.Draft202012Validator(CONTRACT, format_checker=jsonschema.FormatChecker()).validate(document)
    assert (len(document["nodes"]), len(document["edges"])) == (version["nodes"]["totalCount"], version["edgeCount"])
    assert [n["unique_id"] for n in document["nodes"]] == sorted(n["unique_id"] for n in document["nodes"])


NAMED_INGEST = """mutation($project: String!, $environment: String!, $files: [Upload!]!) {
  ingestArtifacts(input: {project: $project, environment: $environment, files: $files}) {
    __typename ... on Error { message code } } }"""


@pytest.mark.parametrize(("project", "environment"), [("jaf\u0000fle", "prod"), ("jaffle", "pr\u0000od")])
async def test_an_upload_naming_a_project_or_environment_with_nul_is_refused(
    gql: GraphQLClient, project: str, environment: str
) -> None:
    """Multipart bodies skip the JSON gate's NUL check: the names must still never reach PostgreSQL."""
    variables = {"project": project, "environment": environment, "files": [None]}
    response = await gql.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": NAMED_INGEST, "variables": variables}),
            "map": '{"0": ["variables.files.0"]}',
        },
        files={"0": ("manifest.json", (JAFFLE / FILES[0]).read_bytes(), "application/json")},
        headers=gql.headers,
    )
    (error,) = response.json()["errors"]
    assert (error["message"], error["extensions"]["code"]) == ("strings may not contain NUL characters", "BAD_REQUEST")
    assert (await gql.data("{ projects { slug } }"))["projects"] == [], "nothing was created"


async def test_page_info_is_relays_whole_page_info(gql: GraphQLClient, version_id: str) -> None:
    query = """query($id: ID!, $after: String) { graphVersion(id: $id) { nodes(first: 3, after: $after) {
        edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""
    first = (await gql.data(query, id=version_id))["graphVersion"]["nodes"]
    second = (await gql.data(query, id=version_id, after=first["pageInfo"]["endCursor"]))["graphVersion"]["nodes"]
    for page, previous in ((first, False), (second, True)):
        cursors = [e["cursor"] for e in page["edges"]]
        info = page["pageInfo"]
        assert (info["startCursor"], info["endCursor"], info["hasPreviousPage"]) == (cursors[0], cursors[-1], previous)
    assert first["pageInfo"]["hasNextPage"] and not set(e["cursor"] for e in first["edges"]) & set(
        e["cursor"] for e in second["edges"]
    )
