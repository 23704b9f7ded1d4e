"""Permissions: every root field declares one, each role gets exactly its own, grants on a scope show that
scope only, a revoked grant stops at the next request, and every refusal is in the tenant's audit log."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from strawberry.types.field import StrawberryField

from dvt.api.permissions import declaration
from dvt.api.schema import create_schema
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.authorization import environment_scope, organization_scope, project_scope
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient, signed_in, token_for
from tests.api.schema_walk import Candidates, UploadFile, argument_sets, document, post, root_fields
from tests.conftest import FIXTURES

# Root fields any authenticated caller may use, whatever its grants: who am I, what may I do, my password.
ANY_AUTHENTICATED = frozenset({"viewer", "permissionsOn", "changePassword"})
MANIFEST = FIXTURES / "yu-iskw__dbt-artifacts-parser" / "manifest_1.12__v12__jaffle_shop.json"


def declared_root_fields() -> Iterator[tuple[str, str, StrawberryField]]:
    """(root type, GraphQL name, field) of every Query, Mutation and Subscription field, as strawberry holds them."""
    schema = create_schema()
    for root in ("Query", "Mutation", "Subscription"):
        definition = schema.get_type_by_name(root)
        if definition is None:
            continue
        for field in definition.fields:  # type: ignore[union-attr]
            yield root, schema.config.name_converter.from_field(field), field


# ---------------------------------------------------------------------------------------------- declarations


def test_every_root_field_declares_the_permission_it_needs() -> None:
    undeclared = [f"{root}.{name}" for root, name, field in declared_root_fields() if declaration(field) is None]
    assert undeclared == [], f"root fields without a Requires declaration: {undeclared}"


def test_only_allow_listed_root_fields_are_open_to_any_authenticated_caller() -> None:
    open_fields = {
        name
        for _, name, field in declared_root_fields()
        if (d := declaration(field)) is not None and d.permission is None
    }
    assert open_fields - ANY_AUTHENTICATED == set(), "declare a permission, or add the field to ANY_AUTHENTICATED"


def test_the_declarations_checked_are_those_of_every_root_field_served() -> None:
    walked = {name for _, name, _ in declared_root_fields()}
    served = {name for _, name, _ in root_fields(create_schema()._schema)}
    assert walked == served and len(served) >= 20


# ---------------------------------------------------------------------------------------------- helpers


def raw_id(global_id: str) -> uuid.UUID:
    return uuid.UUID(base64.b64decode(global_id).decode().split(":")[-1])


@dataclass
class Tree:
    """jaffle (prod, dev) in the default organization; sibling (prod) in acme."""

    projects: dict[str, str]  # slug -> global id
    environments: dict[str, str]  # "project/slug" -> global id
    organizations: dict[str, str]  # project slug -> its organization's global id

    def project_scope(self, project: str) -> str:
        return project_scope(raw_id(self.organizations[project]), raw_id(self.projects[project]))

    def environment_scope(self, project: str, environment: str) -> str:
        key = f"{project}/{environment}"
        return environment_scope(
            raw_id(self.organizations[project]), raw_id(self.projects[project]), raw_id(self.environments[key])
        )

    def organization_scope(self, project: str) -> str:
        return organization_scope(raw_id(self.organizations[project]))


@pytest.fixture
async def tree(gql: GraphQLClient) -> Tree:
    await gql.data('mutation { createOrganization(input: {slug: "acme"}) { __typename } }')
    for slug, org in (("jaffle", "default"), ("sibling", "acme")):
        created = await gql.data(
            "mutation($slug: String!, $org: String!) { createProject(input: {slug: $slug, organization: $org, "
            'repository: "https://example.invalid/x.git"}) { __typename } }',
            slug=slug,
            org=org,
        )
        assert created["createProject"]["__typename"] == "Project"
    for project, slug in (("jaffle", "prod"), ("jaffle", "dev"), ("sibling", "prod")):
        created = await gql.data(
            "mutation($p: String!, $s: String!) { createEnvironment(input: {project: $p, slug: $s, "
            'adapter: "duckdb"}) { __typename } }',
            p=project,
            s=slug,
        )
        assert created["createEnvironment"]["__typename"] == "Environment"
    data = await gql.data("{ projects { id slug organization { id } environments { id slug } } }")
    return Tree(
        projects={p["slug"]: p["id"] for p in data["projects"]},
        environments={f"{p['slug']}/{e['slug']}": e["id"] for p in data["projects"] for e in p["environments"]},
        organizations={p["slug"]: p["organization"]["id"] for p in data["projects"]},
    )


async def sign_in(app: Services, http: httpx.AsyncClient, scope: TenantScope, username: str) -> tuple[str, str]:
    """A local account of the tenant, signed in through /auth/login: its bearer token and its principal."""
    tenant = (await app.tenancy.tenants_by_ids(Access.system(scope), [scope.tenant_id]))[0]
    credentials = await app.identity.create_account(tenant, username)
    token = await signed_in(http, tenant.slug, username, credentials.password)
    return token, f"user:{credentials.account_id}"


GRANT = """mutation($principal: String!, $role: String!, $scope: String!) {
  grantRole(input: {principal: $principal, role: $role, scope: $scope}) { __typename ... on Grant { id } } }"""


async def grant(gql: GraphQLClient, principal: str, role: str, scope: str) -> str:
    result = (await gql.data(GRANT, principal=principal, role=role, scope=scope))["grantRole"]
    assert result["__typename"] == "Grant", result
    return str(result["id"])


def refused(body: dict[str, Any]) -> bool:
    """Whether the field gate refused the request."""
    return any((e.get("extensions") or {}).get("code") == "PERMISSION_DENIED" for e in body.get("errors") or [])


# ---------------------------------------------------------------------------------------------- no grants


async def test_a_caller_without_any_grant_is_refused_every_field_but_the_open_ones(
    app: Services, http: httpx.AsyncClient, scope: TenantScope
) -> None:
    token, _ = await sign_in(app, http, scope, "nobody")
    schema = create_schema()._schema
    candidates = Candidates(
        global_ids=[base64.b64encode(f"Environment:{uuid.uuid4()}".encode()).decode()],
        uuids=[str(uuid.uuid4())],
        strings={"scope": ["/"], "role": ["viewer"], "roles": ["viewer"], "name": ["X"]},
        upload=UploadFile("manifest.json", b"{}"),
    )
    admitted = set()
    for operation, name, definition in root_fields(schema):
        if operation == "subscription":
            continue  # refused over HTTP whoever asks; tests/runs/test_runs_api.py refuses them over WebSockets
        arguments = argument_sets(definition, candidates)[0]
        query, variables = document(operation, name, definition, arguments, schema=schema, depth=0)
        response = await post(http, token, query, variables)
        if not refused(response.json()):
            admitted.add(name)
    assert admitted == ANY_AUTHENTICATED


# ---------------------------------------------------------------------------------------------- role matrix


@dataclass(frozen=True)
class Operation:
    query: str
    field: str
    success: str  # the __typename of a successful answer ("" for a query answering data)


OPERATIONS = {
    "read": Operation("{ projects { slug } }", "projects", ""),
    "ingestArtifacts": Operation(
        'mutation($files: [Upload!]!) { ingestArtifacts(input: {project: "jaffle", environment: "prod", '
        "files: $files}) { __typename } }",
        "ingestArtifacts",
        "IngestResult",
    ),
    "createProject": Operation(
        'mutation($slug: String!) { createProject(input: {slug: $slug, repository: "r"}) { __typename } }',
        "createProject",
        "Project",
    ),
    "createEnvironment": Operation(
        'mutation($slug: String!) { createEnvironment(input: {project: "jaffle", slug: $slug, adapter: "duckdb"}) '
        "{ __typename } }",
        "createEnvironment",
        "Environment",
    ),
    "grantRole": Operation(
        'mutation { grantRole(input: {principal: "group:analysts", role: "viewer", scope: "/"}) { __typename } }',
        "grantRole",
        "Grant",
    ),
    "createApiToken": Operation(
        'mutation { createApiToken(input: {name: "ci", roles: ["viewer"]}) { __typename } }',
        "createApiToken",
        "CreatedApiToken",
    ),
    "setSecret": Operation(
        'mutation($env: ID!) { setSecret(input: {environmentId: $env, name: "PG_PASSWORD", value: "hunter2-x"}) '
        "{ __typename } }",
        "setSecret",
        "Secret",
    ),
    "auditEvents": Operation("{ auditEvents(first: 5) { nodes { action } } }", "auditEvents", ""),
}


async def perform(http: httpx.AsyncClient, token: str, name: str, tree: Tree) -> dict[str, Any]:
    operation = OPERATIONS[name]
    variables: dict[str, Any] = {}
    if "$files" in operation.query:
        variables["files"] = [UploadFile("manifest.json", MANIFEST.read_bytes())]
    if "$slug" in operation.query:
        variables["slug"] = f"s-{uuid.uuid4().hex[:8]}"
    if "$env" in operation.query:
        variables["env"] = tree.environments["jaffle/prod"]
    response = await post(http, token, operation.query, variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


ALLOWED = [
    ("viewer", "read"),
    ("editor", "read"),
    ("editor", "createProject"),
    ("editor", "createEnvironment"),
    ("editor", "ingestArtifacts"),
    *(("admin", name) for name in OPERATIONS),
]
DENIED = [
    ("viewer", "ingestArtifacts"),
    ("viewer", "createProject"),
    ("viewer", "createEnvironment"),
    ("viewer", "grantRole"),
    ("viewer", "setSecret"),
    ("viewer", "auditEvents"),
    ("editor", "grantRole"),
    ("editor", "createApiToken"),
    ("editor", "setSecret"),
    ("editor", "auditEvents"),
]


@pytest.mark.parametrize(("role", "name"), ALLOWED)
async def test_a_role_may_do_what_its_permissions_allow(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, tree: Tree, role: str, name: str
) -> None:
    body = await perform(http, await token_for(app, scope, role), name, tree)
    answer = (body.get("data") or {}).get(OPERATIONS[name].field)
    expected = OPERATIONS[name].success
    assert "errors" not in body and answer is not None and (not expected or answer["__typename"] == expected), body


@pytest.mark.parametrize(("role", "name"), DENIED)
async def test_a_role_is_refused_what_it_lacks_the_permission_for(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, tree: Tree, role: str, name: str
) -> None:
    body = await perform(http, await token_for(app, scope, role), name, tree)
    assert body["data"] is None and refused(body), body


# ---------------------------------------------------------------------------------------------- scoped grants


SEEN = """query($sibling: ID!) { projects { slug } project(slug: "sibling") { slug }
  environment(project: "sibling", slug: "prod") { slug } node(id: $sibling) { id } }"""


async def test_a_project_viewer_sees_that_project_and_its_environments(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    token, principal = await sign_in(app, http, scope, "alice")
    await grant(gql, principal, "viewer", tree.project_scope("jaffle"))
    alice = GraphQLClient(http, token)
    data = await alice.data(
        'query($env: ID!) { projects { slug environments { slug } } environment(project: "jaffle", slug: "dev") '
        "{ slug } node(id: $env) { id } }",
        env=tree.environments["jaffle/prod"],
    )
    assert data == {
        "projects": [{"slug": "jaffle", "environments": [{"slug": "dev"}, {"slug": "prod"}]}],
        "environment": {"slug": "dev"},
        "node": {"id": tree.environments["jaffle/prod"]},
    }


async def test_a_project_viewer_sees_nothing_of_a_sibling_project(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    token, principal = await sign_in(app, http, scope, "alice")
    await grant(gql, principal, "viewer", tree.project_scope("jaffle"))
    data = await GraphQLClient(http, token).data(SEEN, sibling=tree.environments["sibling/prod"])
    assert data == {"projects": [{"slug": "jaffle"}], "project": None, "environment": None, "node": None}


async def test_an_environment_viewer_sees_its_project_with_that_environment_only(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    token, principal = await sign_in(app, http, scope, "alice")
    await grant(gql, principal, "viewer", tree.environment_scope("jaffle", "dev"))
    data = await GraphQLClient(http, token).data(
        "query($prod: ID!) { projects { slug environments { slug } } node(id: $prod) { id } "
        'environment(project: "jaffle", slug: "prod") { slug } }',
        prod=tree.environments["jaffle/prod"],
    )
    assert data == {
        "projects": [{"slug": "jaffle", "environments": [{"slug": "dev"}]}],
        "node": None,
        "environment": None,
    }


async def test_an_environment_names_its_scope_and_the_spa_reads_what_it_may_do_there(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    token, principal = await sign_in(app, http, scope, "alice")
    await grant(gql, principal, "editor", tree.environment_scope("jaffle", "dev"))
    alice = GraphQLClient(http, token)
    found = await alice.data('{ environment(project: "jaffle", slug: "dev") { scope } }')
    where = found["environment"]["scope"]
    assert where == tree.environment_scope("jaffle", "dev")
    mine = await alice.data("query($s: String!) { permissionsOn(scope: $s) }", s=where)
    sibling = await alice.data("query($s: String!) { permissionsOn(scope: $s) }", s=tree.project_scope("sibling"))
    assert {"view", "plan", "run"} <= set(mine["permissionsOn"]) and "admin" not in mine["permissionsOn"]
    assert sibling["permissionsOn"] == []


async def test_a_project_editor_is_refused_creating_projects_in_its_organization(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    token, principal = await sign_in(app, http, scope, "alice")
    await grant(gql, principal, "editor", tree.project_scope("jaffle"))
    data = await GraphQLClient(http, token).data(
        'mutation { createProject(input: {slug: "more", repository: "r"}) { __typename ... on Error { code } } }'
    )
    assert data["createProject"] == {"__typename": "PermissionDeniedError", "code": "PERMISSION_DENIED"}


async def test_a_project_editor_is_refused_creating_environments_in_a_sibling_project(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    token, principal = await sign_in(app, http, scope, "alice")
    await grant(gql, principal, "editor", tree.project_scope("jaffle"))
    body = await GraphQLClient(http, token)(
        'mutation { createEnvironment(input: {project: "sibling", slug: "ci", adapter: "duckdb"}) '
        "{ __typename ... on Error { code } } }"
    )
    assert body.get("data") == {
        "createEnvironment": {"__typename": "PermissionDeniedError", "code": "PERMISSION_DENIED"}
    }


async def test_another_tenants_environment_is_not_found_never_forbidden(
    app: Services, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    other = await app.tenancy.create_tenant(SYSTEM, f"other-{uuid.uuid4().hex[:8]}")
    intruder = GraphQLClient(http, await token_for(app, TenantScope(other.id), "admin"))
    data = await intruder.data(
        'mutation($env: ID!) { setSecret(input: {environmentId: $env, name: "PG_PASSWORD", value: "stolen-value"}) '
        "{ __typename } }",
        env=tree.environments["jaffle/prod"],
    )
    assert data["setSecret"]["__typename"] == "NotFoundError"


# ---------------------------------------------------------------------------------------------- revocation


async def test_revoking_a_grant_takes_effect_on_the_next_request(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    token, principal = await sign_in(app, http, scope, "alice")
    grant_id = await grant(gql, principal, "viewer", tree.project_scope("jaffle"))
    alice = GraphQLClient(http, token)
    before = await alice("{ projects { slug } }")
    revoked = await gql.data("mutation($id: UUID!) { revokeRole(input: {grantId: $id}) { __typename } }", id=grant_id)
    after = await alice("{ projects { slug } }")
    assert before == {"data": {"projects": [{"slug": "jaffle"}]}}
    assert revoked["revokeRole"]["__typename"] == "Grant" and refused(after)


# ---------------------------------------------------------------------------------------------- audit


DENIED_EVENTS = """{ auditEvents(first: 100, filter: {result: "denied"}) { nodes { action result resourceType
  resourceId actorSubject details } } }"""


async def test_every_refusal_is_in_the_tenant_audit_log(
    app: Services, scope: TenantScope, http: httpx.AsyncClient, gql: GraphQLClient, tree: Tree
) -> None:
    viewer = await token_for(app, scope, "viewer")
    for name in ("ingestArtifacts", "createProject", "grantRole", "setSecret"):
        assert refused(await perform(http, viewer, name, tree))
    token, principal = await sign_in(app, http, scope, "alice")
    await grant(gql, principal, "editor", tree.project_scope("jaffle"))
    await GraphQLClient(http, token).data(
        'mutation { createProject(input: {slug: "more", repository: "r"}) { __typename } }'
    )
    events = (await gql.data(DENIED_EVENTS))["auditEvents"]["nodes"]
    viewer_id = viewer.split("_")[1]
    gated = {
        e["resourceId"]
        for e in events
        if e["resourceType"] == "field" and uuid.UUID(e["actorSubject"]).hex == viewer_id
    }
    checked = [e for e in events if e["resourceType"] == "scope" and f"user:{e['actorSubject']}" == principal]
    assert gated == {"ingestArtifacts", "createProject", "grantRole", "setSecret"}
    assert [(e["resourceId"], e["details"]["attempt"]) for e in checked] == [
        (tree.organization_scope("jaffle"), "create projects in this organization")
    ]
    assert {e["action"] for e in events} == {"access.denied"} and {e["result"] for e in events} == {"denied"}


async def test_a_refused_tenant_creation_is_in_the_tenant_audit_log(gql: GraphQLClient) -> None:
    created = await gql.data('mutation { createTenant(input: {slug: "not-mine"}) { __typename } }')
    events = (await gql.data(DENIED_EVENTS))["auditEvents"]["nodes"]
    assert created["createTenant"]["__typename"] == "PermissionDeniedError"
    assert events, "the refused createTenant left no denied event"
