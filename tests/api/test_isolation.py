"""Tenant isolation, swept over the whole schema.

Two tenants hold the same organization, project and environment slugs and the same ingested artifacts;
B's data also carries markers (its slug in repository URLs, settings, token and group names) and a secret
with a canary value. Then every root field of the schema is called as A's viewer, editor and admin with
B's ids and slugs (argument combinations from `schema_walk`, capped), selecting everything it can reach:
no answer may hold a B id, marker or the canary, no request may fail on the server, and B, read back by its
own admin, must be exactly as it was. Fields are enumerated from the schema, so a new field is attacked
without editing this file. The suite runs twice: over HTTP, and over WebSockets (graphql-transport-ws, one
socket per caller), where subscriptions are attacked too; each transport gets a world of its own.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema

from dvt.api.app import create_app
from dvt.api.schema import create_schema
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.authorization import environment_scope, organization_scope, project_scope
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.schema_walk import (
    OVER_SOCKETS,
    SWEPT,
    Candidates,
    Secrets,
    SocketCalls,
    SweepReport,
    UploadFile,
    argument_sets,
    document,
    post,
    root_fields,
    socket_calls,
    sweep,
)
from tests.conftest import FIXTURES
from tests.support.canvas import layout

JAFFLE = FIXTURES / "yu-iskw__dbt-artifacts-parser"
ARTIFACTS = (
    "manifest_1.12__v12__jaffle_shop.json",
    "catalog_1.12__v1__jaffle_shop.json",
    "run_results_1.12__v6__jaffle_shop.json",
)
SECRET_NAME = "WAREHOUSE_PASSWORD"
ROLES = ("viewer", "editor", "admin")
# The kinds whose ids are tried first when combinations are capped; kinds added later come after them.
KIND_ORDER = ("Environment", "Project", "GraphVersion", "GraphNode", "Artifact", "Invocation", "Organization", "Tenant")
VOLATILE = frozenset({"lastUsedAt"})  # reading as a token touches it

# What the last sweep of this module found, for the security benchmark and anyone reading the output.
LAST_REPORT: dict[str, int] = {}


# ---------------------------------------------------------------------------------------------- building


async def call(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """The data of a request that must succeed."""
    response = await post(http, token, query, variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def raw_ids(global_id: str) -> list[str]:
    """The uuids inside a relay id (`Type:uuid`, or `GraphNode:version:node`)."""
    try:
        decoded = base64.b64decode(global_id, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return []
    out = []
    for part in decoded.split(":")[1:]:
        try:
            out.append(str(uuid.UUID(part)))
        except ValueError:
            continue
    return out


def kind_of(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[0]


@dataclass
class Tenant:
    """One tenant of the isolation world, built through the API as its administrator."""

    label: str
    mark: str  # in its slug, repository URLs, settings, token and group names
    canary: str  # the value of its secret
    scope: TenantScope
    tokens: dict[str, str] = field(default_factory=dict)  # role -> API token, tenant-wide
    token_ids: dict[str, str] = field(default_factory=dict)
    global_ids: dict[str, list[str]] = field(default_factory=dict)  # kind -> relay ids
    uuids: dict[str, list[str]] = field(default_factory=dict)  # kind -> raw ids (grants, tokens, nodes, ...)
    invocation_ids: list[str] = field(default_factory=list)
    unique_ids: list[str] = field(default_factory=list)
    tree: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = field(default_factory=list)  # (org, project, environment)
    fingerprints: list[str] = field(default_factory=list)  # of its plans

    @property
    def admin(self) -> str:
        return self.tokens["admin"]

    def values(self) -> set[str]:
        """Everything of this tenant another tenant must never see."""
        out = {self.mark, self.canary}
        for ids in self.global_ids.values():
            for global_id in ids:
                out.add(global_id)
                out.update(raw_ids(global_id))
        for ids in self.uuids.values():
            out.update(ids)
        out |= {uuid.UUID(v).hex for v in out if _is_uuid(v)}
        return out

    def harvest(self, answers: Any) -> None:
        """Add the relay ids found in answers read as this tenant: kinds the builder does not know yet."""
        for key, value in _pairs(answers):
            if key == "id" and isinstance(value, str) and raw_ids(value):
                known = self.global_ids.setdefault(kind_of(value), [])
                if value not in known:
                    known.append(value)

    def equivalents(self) -> dict[str, set[str]]:
        """Each relay id's uuids in both spellings: an error may echo the uuid of an id it was sent."""
        return {
            g: {*raw_ids(g), *(uuid.UUID(r).hex for r in raw_ids(g))} for ids in self.global_ids.values() for g in ids
        }

    def candidates(self, *, spare_tokens: tuple[str, ...] = ()) -> Candidates:
        """Arguments made of this tenant's ids and slugs, one id of every kind first."""
        kinds = sorted(self.global_ids, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
        global_ids = [self.global_ids[k][0] for k in kinds] + [g for k in kinds for g in self.global_ids[k][1:3]]
        plain = [r for g in global_ids for r in raw_ids(g)[-1:]]
        tokens = [t for role, t in self.token_ids.items() if role not in spare_tokens]
        grants = self.uuids.get("Grant", [])
        nodes = self.uuids.get("node_uuid", [])[:2]
        scopes = self.scopes()
        return Candidates(
            global_ids=global_ids,
            uuids=[*plain, *grants[:1], *tokens[:1], *nodes[:1]],
            preferred={
                **{f"{k[0].lower()}{k[1:]}Id": ids[:2] for k, ids in self.global_ids.items()},  # planId: plans
                "stateVersionId": self.global_ids.get("GraphVersion", [])[:2],
                "grantId": grants[:2],
                "tokenId": tokens[:2],
                "environmentId": self.global_ids.get("Environment", [])[:2],
                "nodeUuid": nodes,
                "resourceId": [*plain[:1], *grants[:1]],
                "actorSubject": tokens[:1],
                "scope": scopes,
                "principal": [f"token:{t}" for t in tokens[:1]],
                "state": [layout()],  # a valid canvas layout: a save is refused for the project, not the document
                "expectedRevision": [0, 1],
            },
            strings={
                "slug": ["jaffle", "prod", "acme", "default"],
                "project": ["jaffle", "sibling"],
                "environment": ["prod"],
                "organization": ["default", "acme"],
                "name": [SECRET_NAME, "attack"],
                "value": ["attacker-supplied-value"],
                "repository": ["https://attacker.invalid/x.git"],
                "adapter": ["duckdb"],
                "gitRef": ["main"],
                "role": ["viewer", "admin"],
                "roles": ["admin"],
                "principal": ["group:analysts"],
                "invocationId": self.invocation_ids[:1],
                "uniqueId": self.unique_ids[:1],
                "currentPassword": ["not-the-password"],
                "newPassword": ["a-new-password-123"],
                "result": ["denied", "success"],
                "actorKind": ["token", "user"],
                "actionPrefix": ["secret"],
                "resourceType": ["environment", "grant"],
                "search": ["customers"],
                "pathPrefix": ["models"],
                "fingerprint": self.fingerprints[:1] or ["0" * 64],
                "reason": ["attack"],
            },
            upload=UploadFile(ARTIFACTS[0], (JAFFLE / ARTIFACTS[0]).read_bytes()),
        )

    def scopes(self) -> list[str]:
        out = []
        for org, project, environment in self.tree:
            out += [project_scope(org, project), environment_scope(org, project, environment), organization_scope(org)]
        return list(dict.fromkeys(out))


def _pairs(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, item in value.items():
            yield from _pairs(item, k)
    elif isinstance(value, list):
        for item in value:
            yield from _pairs(item, key)
    else:
        yield key, value


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


CREATED = "__typename ... on Error { message code }"


async def build_tenant(app: Services, http: httpx.AsyncClient, label: str) -> Tenant:
    """A tenant with two organizations, two projects, two environments, ingested artifacts, a secret, a
    scoped grant and API tokens of every role, all made through the API."""
    mark = f"tenant-{label}-{uuid.uuid4().hex[:10]}"
    created = await app.tenancy.create_tenant(SYSTEM, mark)
    tenant = Tenant(label, mark, f"canary-{label}-{uuid.uuid4().hex}", TenantScope(created.id))
    _, builder = await app.identity.create_api_token(Access.system(tenant.scope), f"{mark} builder", ["admin"])

    async def made(query: str, key: str, **variables: Any) -> dict[str, Any]:
        result: dict[str, Any] = (await call(http, builder, query, **variables))[key]
        assert "code" not in result, result
        return result

    await made(f'mutation {{ createOrganization(input: {{slug: "acme"}}) {{ {CREATED} }} }}', "createOrganization")
    project = """mutation($slug: String!, $org: String!, $repo: String!, $name: String!) {
      createProject(input: {slug: $slug, organization: $org, repository: $repo, name: $name}) { %s } }"""
    for slug, org in (("jaffle", "default"), ("sibling", "acme")):
        repo, name = f"https://{mark}.invalid/{slug}.git", f"{slug} of {mark}"
        await made(project % CREATED, "createProject", slug=slug, org=org, repo=repo, name=name)
    environment = """mutation($project: String!, $settings: JSON!) {
      createEnvironment(input: {project: $project, slug: "prod", adapter: "postgres", gitRef: "main",
                                settings: $settings}) { %s ... on Environment { id } } }"""
    environments = {}
    for slug in ("jaffle", "sibling"):
        settings = {"host": f"db.{mark}.invalid", "user": f"{mark}-dbt"}
        environments[slug] = (await made(environment % CREATED, "createEnvironment", project=slug, settings=settings))[
            "id"
        ]
    ingest = """mutation($files: [Upload!]!) { ingestArtifacts(input: {project: "jaffle", environment: "prod",
      files: $files}) { %s ... on IngestResult { created } } }"""
    files = [UploadFile(name, (JAFFLE / name).read_bytes()) for name in ARTIFACTS]
    assert (await made(ingest % CREATED, "ingestArtifacts", files=files))["created"] is True
    secret = """mutation($env: ID!, $value: String!) { setSecret(input: {environmentId: $env, name: "%s",
      value: $value}) { %s } }"""
    await made(secret % (SECRET_NAME, CREATED), "setSecret", env=environments["jaffle"], value=tenant.canary)
    token = """mutation($name: String!, $role: String!) { createApiToken(input: {name: $name, roles: [$role]}) {
      %s ... on CreatedApiToken { token apiToken { id } } } }"""
    for role in ROLES:
        minted = await made(token % CREATED, "createApiToken", name=f"{mark} {role}", role=role)
        tenant.tokens[role], tenant.token_ids[role] = minted["token"], minted["apiToken"]["id"]
    await collect(http, tenant)
    grant = """mutation($principal: String!, $scope: String!) { grantRole(input: {principal: $principal,
      role: "viewer", scope: $scope}) { %s ... on Grant { id } } }"""
    for scope in tenant.scopes()[:2]:
        await made(grant % CREATED, "grantRole", principal=f"group:{mark}-analysts", scope=scope)
    await collect(http, tenant)
    await plan(http, tenant, builder, environments["jaffle"])
    await canvas(http, tenant)
    return tenant


CANVAS = """mutation($project: ID!, $state: JSON!) { saveCanvasState(input: {projectId: $project, expectedRevision: 0,
  state: $state}) { __typename } }"""


async def canvas(http: httpx.AsyncClient, tenant: Tenant) -> None:
    """The administrator's saved layout of each project, marked: its snapshot reads it, no other tenant may."""
    marked = {f"model.{tenant.mark}.orders": {"x": 1, "y": 2, "pinned": True}}
    for project in tenant.global_ids["Project"]:
        saved = await call(http, tenant.admin, CANVAS, project=project, state=layout(positions=marked))
        assert saved["saveCanvasState"]["__typename"] == "CanvasState", saved


PLAN = """mutation($env: ID!) { createPlan(input: {environmentId: $env}) {
  __typename ... on Plan { id fingerprint } ... on Error { message } } }"""


async def plan(http: httpx.AsyncClient, tenant: Tenant, token: str, environment: str) -> None:
    """A plan of the environment, where the schema has plans: its id and fingerprint become candidates (an
    attacker holding both must still not approve it). Best effort while plans are young: a refusal is printed."""
    if "createPlan" not in create_schema()._schema.mutation_type.fields:  # type: ignore[union-attr]
        return
    response = await post(http, token, PLAN, {"env": environment})
    made = (response.json().get("data") or {}).get("createPlan") or {}
    if made.get("__typename") != "Plan":
        print(f"no plan for {tenant.mark}: {response.text[:300]}")
        return
    tenant.global_ids.setdefault("Plan", []).append(made["id"])
    tenant.fingerprints.append(made["fingerprint"])


IDS = """{ tenant { id organizations { id projects { id environments { id
  graphVersions(first: 100) { nodes { id artifacts { id } nodes(first: 1000) { nodes { id nodeUuid uniqueId } } } }
  invocations(first: 100) { nodes { id invocationId } } } } } }
  grants { id } apiTokens { id } auditEvents(first: 1000) { nodes { id } } }"""


async def collect(http: httpx.AsyncClient, tenant: Tenant) -> None:
    """Every id of the tenant, read as its administrator."""
    data = await call(http, tenant.admin, IDS)
    found: dict[str, list[str]] = {}

    def add(global_id: str) -> None:
        found.setdefault(kind_of(global_id), []).append(global_id)

    tenant.tree.clear()
    nodes: list[str] = []
    unique: list[str] = []
    invocations: list[str] = []
    add(data["tenant"]["id"])
    for org in data["tenant"]["organizations"]:
        add(org["id"])
        for project in org["projects"]:
            add(project["id"])
            for environment in project["environments"]:
                add(environment["id"])
                org_id, project_id, env_id = (uuid.UUID(raw_ids(x["id"])[0]) for x in (org, project, environment))
                tenant.tree.append((org_id, project_id, env_id))
                for version in environment["graphVersions"]["nodes"]:
                    add(version["id"])
                    for artifact in version["artifacts"]:
                        add(artifact["id"])
                    for node in version["nodes"]["nodes"]:
                        add(node["id"])
                        nodes.append(node["nodeUuid"])
                        unique.append(node["uniqueId"])
                for invocation in environment["invocations"]["nodes"]:
                    add(invocation["id"])
                    invocations.append(invocation["invocationId"])
    tenant.global_ids = found
    tenant.uuids = {
        "Grant": [g["id"] for g in data["grants"]],
        "ApiToken": [t["id"] for t in data["apiTokens"]],
        "AuditEvent": [e["id"] for e in data["auditEvents"]["nodes"]],
        "node_uuid": nodes,
    }
    tenant.invocation_ids = invocations
    tenant.unique_ids = [u for u in unique if u.startswith("model.")]


# ---------------------------------------------------------------------------------------------- reading back


async def snapshot(http: httpx.AsyncClient, schema: GraphQLSchema, tenant: Tenant) -> dict[str, Any]:
    """Everything the tenant's administrator can read: every root query callable with the tenant's own
    arguments, `node` of every id kind, and the length of the audit log."""
    candidates = tenant.candidates()
    calls: list[tuple[str, Any, dict[str, Any]]] = []
    for operation, name, definition in root_fields(schema):
        if operation != "query":
            continue
        sets = argument_sets(definition, candidates)
        if name == "node":
            sets = [{"id": ids[0]} for ids in tenant.global_ids.values()]
        calls += [(name, definition, arguments) for arguments in sets[: max(1, len(tenant.global_ids))]]
    out: dict[str, Any] = {}
    for name, definition, arguments in calls:
        query, variables = document("query", name, definition, arguments, schema=schema, candidates=candidates)
        response = await post(http, tenant.admin, query, variables)
        out[f"{name} {json.dumps(variables, sort_keys=True)}"] = _stable(response.json())
    events, after = 0, None
    while True:
        page = await call(
            http,
            tenant.admin,
            "query($after: String) { auditEvents(first: 1000, after: $after) { nodes { hash } "
            "pageInfo { hasNextPage endCursor } } }",
            after=after,
        )
        events += len(page["auditEvents"]["nodes"])
        if not page["auditEvents"]["pageInfo"]["hasNextPage"]:
            break
        after = page["auditEvents"]["pageInfo"]["endCursor"]
    out["audit event count"] = events
    return out


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------- sweeps


@dataclass
class Attack:
    before: dict[str, Any]
    after: dict[str, Any]
    report: SweepReport


async def attack(
    http: httpx.AsyncClient, schema: GraphQLSchema, attacker: Tenant, victim: Tenant, send: SocketCalls | None = None
) -> Attack:
    """The attacker's viewer, editor and admin call every root field with the victim's ids and slugs, over
    HTTP, or over WebSockets through `send` (subscriptions included)."""
    before = await snapshot(http, schema, victim)
    victim.harvest(before)  # kinds of ids the builder does not know yet join the candidates
    report = await sweep(
        http,
        schema,
        {role: attacker.tokens[role] for role in ROLES},
        victim.candidates(),
        Secrets(victim.values(), victim.equivalents()),
        own=Secrets({attacker.mark}),
        send=send,
        operations=OVER_SOCKETS if send is not None else SWEPT,
    )
    after = await snapshot(http, schema, victim)
    LAST_REPORT.update(
        fields=len(report.fields), requests=report.requests, leaks=len(report.leaks), failures=len(report.failures)
    )
    print(f"\nisolation sweep: {report.summary()}")
    slowest = sorted(report.seconds.items(), key=lambda item: -item[1])[:8]
    print("slowest fields:", ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
    return Attack(before, after, report)


async def own_sweep(
    http: httpx.AsyncClient, schema: GraphQLSchema, tenant: Tenant, send: SocketCalls | None = None
) -> SweepReport:
    """The tenant's own administrator calls every field on its own data; its secret's value must never show."""
    return await sweep(
        http,
        schema,
        {"admin": tenant.admin},
        tenant.candidates(spare_tokens=("admin",)),
        Secrets({tenant.canary}),
        own=Secrets({tenant.mark}),
        send=send,
        operations=OVER_SOCKETS if send is not None else SWEPT,
    )


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def every_log_record() -> Iterator[Records]:
    """Every record any logger of this process emits meanwhile, formatted with its traceback."""
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
async def unlimited(settings: Settings) -> AsyncIterator[Services]:
    """The services without a rate limit: a sweep sends far more than a caller's minute allows."""
    async with services(settings.model_copy(update={"rate_limit_per_minute": 0}), migrate=False) as built:
        yield built


@pytest.fixture(scope="module")
async def client(unlimited: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(unlimited), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test", timeout=60) as http:
        yield http


@pytest.fixture(scope="module", params=("http", "websocket"))
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
async def sockets(unlimited: Services, transport: str) -> AsyncIterator[SocketCalls | None]:
    """The attack's requests as WebSocket operations to the same app, or None over HTTP."""
    if transport == "http":
        yield None
        return
    async with socket_calls(create_app(unlimited)) as calls:
        yield calls


@dataclass
class World:
    a: Tenant
    b: Tenant
    schema: GraphQLSchema


@pytest.fixture(scope="module")
async def world(unlimited: Services, client: httpx.AsyncClient, transport: str) -> World:
    """Two tenants, built anew for each transport: B's own sweep changes B."""
    schema = create_schema()._schema  # the instance the app serves
    return World(await build_tenant(unlimited, client, "a"), await build_tenant(unlimited, client, "b"), schema)


@pytest.fixture(scope="module")
async def swept(world: World, client: httpx.AsyncClient, sockets: SocketCalls | None) -> Attack:
    return await attack(client, world.schema, world.a, world.b, sockets)


@dataclass
class OwnSweep:
    report: SweepReport
    audit: str
    logs: list[str]


@pytest.fixture(scope="module")
async def own(world: World, client: httpx.AsyncClient, swept: Attack, sockets: SocketCalls | None) -> OwnSweep:
    """B's administrator sweeps its own tenant (after A's sweep, whose snapshots it would disturb)."""
    with every_log_record() as records:
        report = await own_sweep(client, world.schema, world.b, sockets)
        audit = await post(
            client, world.b.admin, "{ auditEvents(first: 10000) { nodes { action details resourceId } } }"
        )
    return OwnSweep(report, audit.text, records.lines)


# ---------------------------------------------------------------------------------------------- tests


def _shown(findings: list[Any]) -> str:
    return "\n".join(str(f) for f in findings[:15]) + (f"\n... {len(findings)} in all" if len(findings) > 15 else "")


async def test_the_tenants_share_slugs_and_artifacts_but_not_ids(world: World) -> None:
    assert world.a.scopes() and len(world.a.scopes()) == len(world.b.scopes())
    assert world.a.unique_ids == world.b.unique_ids and world.a.unique_ids
    assert not world.a.values() & world.b.values()


async def test_the_sweep_calls_every_root_field_of_the_schema(world: World, swept: Attack, transport: str) -> None:
    every = {f"{operation}.{name}" for operation, name, _ in root_fields(world.schema)}
    # Subscriptions need a WebSocket: the sweep over WebSockets calls them, the one over HTTP cannot.
    unswept = {f for f in every if f.startswith("subscription.")} if transport == "http" else set()
    assert swept.report.fields == every - unswept, f"not covered: {sorted(every - swept.report.fields)}"
    assert unswept <= every and (transport == "websocket" or unswept)


async def test_the_sweep_reaches_the_attackers_own_data(swept: Attack) -> None:
    assert swept.report.own_answers >= 10, swept.report.summary()


async def test_no_answer_to_another_tenant_holds_any_id_marker_or_secret_of_the_victim(swept: Attack) -> None:
    assert swept.report.leaks == [], _shown(swept.report.leaks)


async def test_no_request_of_another_tenant_fails_on_the_server(swept: Attack) -> None:
    assert swept.report.failures == [], _shown(swept.report.failures)


async def test_the_victim_reads_the_same_after_the_sweep(swept: Attack) -> None:
    changed = sorted(k for k in swept.before.keys() | swept.after.keys() if swept.before.get(k) != swept.after.get(k))
    assert changed == [], f"changed by another tenant: {changed}"


async def test_the_victim_snapshot_holds_what_an_attacker_could_change(swept: Attack, world: World) -> None:
    text = json.dumps(swept.before)
    held = [
        f"group:{world.b.mark}-analysts",
        f"{world.b.mark} viewer",
        f"DBT_ENV_SECRET_{SECRET_NAME}",
        "jaffle",
        f"model.{world.b.mark}.orders",  # the admin's saved canvas layout
    ]
    assert [h for h in held if h not in text] == [] and swept.before["audit event count"] > 0


async def test_a_secret_value_never_appears_in_answers_to_its_own_admin(own: OwnSweep) -> None:
    assert own.report.own_answers >= 10 and own.report.leaks == [], _shown(own.report.leaks)


async def test_a_secret_value_never_appears_in_the_audit_log(own: OwnSweep, world: World) -> None:
    assert "secret.set" in own.audit and world.b.canary not in own.audit


async def test_a_secret_value_never_appears_in_a_log_record(own: OwnSweep, world: World) -> None:
    assert not [line for line in own.logs if world.b.canary in line]
