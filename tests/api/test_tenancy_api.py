"""Tenancy mutations and the API's guard rails."""

from __future__ import annotations

from tests.api.conftest import GraphQLClient

CREATE_PROJECT = """mutation($slug: String!, $org: String!) {
  createProject(input: {slug: $slug, repository: "https://example.invalid/shop.git", organization: $org}) {
    __typename ... on Project { id slug organization { slug } } ... on Error { message code } } }"""
CREATE_ENVIRONMENT = """mutation($project: String!, $adapter: String!) {
  createEnvironment(input: {project: $project, slug: "prod", adapter: $adapter, gitRef: "main",
                            settings: {path: "prod.duckdb"}}) {
    __typename ... on Environment { id slug adapter gitRef settings } ... on Error { message code } } }"""


async def test_a_tenant_builds_its_tree_through_mutations(gql: GraphQLClient) -> None:
    org = await gql.data('mutation { createOrganization(input: {slug: "analytics"}) { ... on Organization { slug } } }')
    project = await gql.data(CREATE_PROJECT, slug="shop", org="analytics")
    environment = await gql.data(CREATE_ENVIRONMENT, project="shop", adapter="duckdb")
    tree = await gql.data(
        "{ tenant { organizations { slug projects { slug environments { slug adapter settings } } } } }"
    )
    assert org["createOrganization"]["slug"] == "analytics"
    assert project["createProject"]["organization"]["slug"] == "analytics"
    assert environment["createEnvironment"]["settings"] == {"path": "prod.duckdb"}
    analytics = next(o for o in tree["tenant"]["organizations"] if o["slug"] == "analytics")
    assert analytics["projects"][0]["environments"] == [
        {"slug": "prod", "adapter": "duckdb", "settings": {"path": "prod.duckdb"}}
    ]


async def test_a_duplicate_slug_is_a_conflict_member(gql: GraphQLClient) -> None:
    await gql.data(CREATE_PROJECT, slug="shop", org="default")
    again = await gql.data(CREATE_PROJECT, slug="shop", org="default")
    assert again["createProject"] == {
        "__typename": "ConflictError",
        "message": "project 'shop' already exists",
        "code": "CONFLICT",
    }


async def test_bad_input_is_a_validation_member(gql: GraphQLClient) -> None:
    bad_slug = await gql.data(CREATE_PROJECT, slug="Not A Slug!", org="default")
    await gql.data(CREATE_PROJECT, slug="shop", org="default")
    bad_adapter = await gql.data(CREATE_ENVIRONMENT, project="shop", adapter="oracle")
    assert bad_slug["createProject"]["code"] == "VALIDATION" and "slug" in bad_slug["createProject"]["message"]
    assert bad_adapter["createEnvironment"]["code"] == "VALIDATION"
    assert "duckdb, postgres, snowflake" in bad_adapter["createEnvironment"]["message"]


async def test_an_unknown_parent_is_a_not_found_member(gql: GraphQLClient) -> None:
    missing = await gql.data(CREATE_ENVIRONMENT, project="nowhere", adapter="duckdb")
    assert missing["createEnvironment"] == {
        "__typename": "NotFoundError",
        "message": "project 'nowhere' not found",
        "code": "NOT_FOUND",
    }


async def test_too_deep_a_query_is_refused_before_it_runs(gql: GraphQLClient) -> None:
    deep = "{ tenant { organizations { projects { organization { projects { organization { projects { organization {"
    deep += " projects { organization { projects { organization { projects { slug } } } } } } } } } } } } } }"
    body = await gql(deep)
    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused(gql: GraphQLClient) -> None:
    aliases = " ".join(f"a{i}: tenant {{ slug }}" for i in range(40))
    body = await gql("{ " + aliases + " }")
    assert "aliases" in body["errors"][0]["message"].lower()


async def test_a_request_without_credentials_is_refused_before_any_field_runs(gql: GraphQLClient) -> None:
    response = await gql.http.post("/graphql", json={"query": "{ tenant { slug } }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="dvt"'
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


SET_QUOTAS = """mutation($env: ID, $runs: Int, $budget: Float) {
  setQuotas(input: {environmentId: $env, maxConcurrentRuns: $runs, monthlyCostBudget: $budget}) {
    __typename ... on Quotas { maxConcurrentRuns monthlyCostBudget } ... on Error { message code } } }"""


async def test_quotas_are_set_on_the_tenant_and_on_an_environment(gql: GraphQLClient) -> None:
    await gql.data(CREATE_PROJECT, slug="shop", org="default")
    environment = (await gql.data(CREATE_ENVIRONMENT, project="shop", adapter="duckdb"))["createEnvironment"]
    await gql.data(SET_QUOTAS, runs=4, budget=1200.5)
    await gql.data(SET_QUOTAS, env=environment["id"], runs=1)
    read = await gql.data('{ tenant { quotas { maxConcurrentRuns monthlyCostBudget } } environment(project: "shop", slug: "prod") { quotas { maxConcurrentRuns monthlyCostBudget } } }')  # fmt: skip
    assert read["tenant"]["quotas"] == {"maxConcurrentRuns": 4, "monthlyCostBudget": 1200.5}
    assert read["environment"]["quotas"] == {"maxConcurrentRuns": 1, "monthlyCostBudget": None}


async def test_a_negative_quota_is_a_validation_member(gql: GraphQLClient) -> None:
    refused = await gql.data(SET_QUOTAS, runs=-1)
    assert refused["setQuotas"] == {
        "__typename": "ValidationError",
        "message": "max concurrent runs must be between 0 and 10000",
        "code": "VALIDATION",
    }


async def test_audit_events_carry_the_request_and_trace_ids(gql: GraphQLClient) -> None:
    trace = "0af7651916cd43dd8448eb211c80319c"
    headers = {**gql.headers, "x-request-id": "req-42", "traceparent": f"00-{trace}-b7ad6b7169203331-01"}
    create = 'mutation { createOrganization(input: {slug: "traced"}) { __typename } }'
    await gql.http.post("/graphql", json={"query": create}, headers=headers)
    events = await gql.data('{ auditEvents(filter: {actionPrefix: "organization."}) { nodes { action result correlationId traceId } } }')  # fmt: skip
    assert events["auditEvents"]["nodes"] == [
        {"action": "organization.create", "result": "success", "correlationId": "req-42", "traceId": trace}
    ]
