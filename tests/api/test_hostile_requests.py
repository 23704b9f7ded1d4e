"""Hostile requests: abusive GraphQL, broken bodies, oversized and chunked bodies, bad credentials of every
kind, bursts past the rate limit, introspection on a server that has it off.

Each case names the precise answer DVT owes it (status, error code or message) and none may be a 500 or a
masked unexpected error. Every case that has a WebSocket form (a GraphQL request, its credential sent in
connection_init) is sent over graphql-transport-ws too and owes the same answer in that transport's words:
a refused connection_init closes with 4403 (HTTP's 401), a malformed operation closes with 4400 (400), and
a refusal of the gate is the operation's `error` carrying the same code (413, 429 and 400 by code). A case that finds a backend bug carries `bug` (its test is then a strict xfail until
the fix lands, so the suite stays green and the fix is noticed). The security benchmark sends the same cases.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import shutil
import tempfile
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey

from dvt.api.app import create_app
from dvt.api.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, create_schema
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.schema_walk import CRASHED
from tests.conftest import FIXTURES
from tests.support.clock import StoppedClock
from tests.support.oidc_issuer import OidcIssuer
from tests.support.server import dvt_serve
from tests.support.ws import Closed, GraphQLSocket, graphql_socket

JAFFLE = FIXTURES / "yu-iskw__dbt-artifacts-parser"
ARTIFACTS = ("manifest_1.12__v12__jaffle_shop.json", "run_results_1.12__v6__jaffle_shop.json")
SMALL_REQUEST_BYTES = 4096
BURST_LIMIT = 2  # requests per minute of the rate-limited app
ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Kit:
    """What cases are built from: credentials and ids of a tenant living in the test database."""

    tenant: str
    token: str  # an admin API token of the tenant
    revoked: str  # a revoked API token of the tenant
    limited: str  # an API token used only against the rate-limited app
    version_id: str  # an ingested graph version of the tenant
    issuer: OidcIssuer


@dataclass(frozen=True)
class Sent:
    method: str = "POST"
    path: str = "/graphql"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    stream: bool = False  # send the body chunked, without a Content-Length
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    data: Mapping[str, str] | None = None
    params: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Hostile:
    name: str
    request: Callable[[Kit], Sent]
    status: int
    code: str | None = None  # extensions.code of the first GraphQL error
    message: str | None = None  # a fragment the answer must hold
    target: str = "main"  # main, small (tiny request limit), limited (rate limit), oidc, closed (no introspection)
    repeat: int = 1  # sent this many times; the last answer is judged
    bug: str | None = None  # why DVT answers otherwise today
    websocket: bool = True  # False: the case is about HTTP itself (its answer means nothing on a socket)
    socket_status: int | None = None  # where graphql-transport-ws answers otherwise (it closes on a syntax error)

    @property
    def transports(self) -> tuple[str, ...]:
        """HTTP always; a WebSocket too when the request is a GraphQL request a socket can carry."""
        return ("http", "websocket") if self.websocket and self.request in SOCKETABLE else ("http",)


# Request builders whose requests are GraphQL documents with a bearer credential: a WebSocket can send them.
SOCKETABLE: set[Callable[[Kit], Sent]] = set()


def socketable(build: Callable[[Kit], Sent]) -> Callable[[Kit], Sent]:
    SOCKETABLE.add(build)
    return build


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "content-type": "application/json"}


def gql(query: str, token: Callable[[Kit], str] | None = None, **variables: Any) -> Callable[[Kit], Sent]:
    def build(kit: Kit) -> Sent:
        values = {k: v(kit) if callable(v) else v for k, v in variables.items()}
        body = json.dumps({"query": query, "variables": values}).encode()
        return Sent(headers=bearer(token(kit) if token else kit.token), body=body)

    return socketable(build)


def raw(body: bytes, content_type: str = "application/json") -> Callable[[Kit], Sent]:
    def build(kit: Kit) -> Sent:
        return Sent(headers={**bearer(kit.token), "content-type": content_type}, body=body)

    if content_type == "application/json" and isinstance(_json_or_none(body), dict):
        socketable(build)  # a JSON object is a subscribe payload, however wrong its fields
    return build


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def authorization(value: Callable[[Kit], str]) -> Callable[[Kit], Sent]:
    body = json.dumps({"query": "{ viewer { subject } }"}).encode()
    return socketable(
        lambda kit: Sent(headers={"authorization": value(kit), "content-type": "application/json"}, body=body)
    )


def jwt(*, claims: Mapping[str, Any] | None = None, **options: Any) -> Callable[[Kit], Sent]:
    """A request bearing a JWT of the test issuer for the kit's tenant, with `claims` and `options` changed."""
    return authorization(
        lambda kit: "Bearer " + kit.issuer.mint(**{"dvt_tenant": kit.tenant, **(claims or {})}, **options)
    )


def unsigned(issuer: OidcIssuer, tenant: str, alg: str) -> str:
    """A token whose header names `alg` (none, HS256) and whose signature is empty or made up."""
    head = {"alg": alg, "typ": "JWT", "kid": issuer.key.kid}
    segments = [_b64(json.dumps(part).encode()) for part in (head, issuer.claims(dvt_tenant=tenant))]
    return ".".join([*segments, "" if alg == "none" else _b64(b"not-a-signature")])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def login(payload: bytes) -> Callable[[Kit], Sent]:
    return lambda kit: Sent(path="/auth/login", headers={"content-type": "application/json"}, body=payload)


def global_id(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _deep(levels: int) -> str:
    inner = "slug"
    for _ in range(levels):
        inner = f"projects {{ organization {{ {inner} }} }}"
    return f"{{ organizations {{ {inner} }} }}"


@socketable
def _oversized(kit: Kit) -> Sent:
    padding = "x" * (SMALL_REQUEST_BYTES * 2)
    body = json.dumps({"query": "{ viewer { subject } }", "variables": {"padding": padding}}).encode()
    return Sent(headers=bearer(kit.token), body=body)


def _oversized_chunked(kit: Kit) -> Sent:
    return dataclasses.replace(_oversized(kit), stream=True)


def _oversized_upload(kit: Kit) -> Sent:
    operations = json.dumps({"query": INGEST, "variables": {"files": [None]}})
    return Sent(
        headers={"authorization": f"Bearer {kit.token}"},
        data={"operations": operations, "map": json.dumps({"0": ["variables.files.0"]})},
        files={"0": ("manifest.json", b"{" + b" " * (SMALL_REQUEST_BYTES * 4) + b"}", "application/json")},
    )


def _introspection_over_get(kit: Kit) -> Sent:
    return Sent(method="GET", headers=bearer(kit.token), params={"query": "{ __schema { types { name } } }"})


def _mutation_over_get(kit: Kit) -> Sent:
    query = 'mutation { createOrganization(input: {slug: "over-get"}) { __typename } }'
    return Sent(method="GET", headers=bearer(kit.token), params={"query": query})


INGEST = """mutation($files: [Upload!]!) { ingestArtifacts(input: {project: "jaffle", environment: "prod",
  files: $files}) { __typename } }"""
SIBLINGS = """query($id: ID!) {
  failing: graphVersion(id: $id) { lineage(nodeUuid: "00000000-0000-0000-0000-000000000000", upstream: 99) {
                                     nodes { id } }
                                   artifacts { id } }
  sibling: graphVersion(id: $id) { artifacts { id } } }"""
CASES: tuple[Hostile, ...] = (
    # -- GraphQL abuse, with a valid admin token
    Hostile("deep query", gql(_deep(MAX_DEPTH)), 200, message="exceeds maximum operation depth"),
    Hostile("wide query", gql("{ " + " ".join(["viewer { subject }"] * (MAX_TOKENS // 4)) + " }"), 200,
            message=f"more than {MAX_TOKENS} tokens", socket_status=400),
    Hostile("many aliases", gql("{ " + " ".join(f"a{i}: viewer {{ subject }}" for i in range(MAX_ALIASES + 1)) + " }"),
            200, message="aliases"),
    Hostile("fragment cycle", gql("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"), 200,
            message="Cannot spread fragment"),
    Hostile("unknown field", gql("{ secrets { value } }"), 200, message="Cannot query field"),
    Hostile("huge page size", gql("{ auditEvents(first: 99999999999) { nodes { action } } }"), 200,
            message="32-bit"),
    Hostile("zero page size", gql("{ auditEvents(first: 0) { nodes { action } } }"), 200, message="between 1 and"),
    Hostile("subscription over HTTP", gql('subscription { runEvents(runId: "x") { seq } }'), 200, message="not supported",
            websocket=False),
    Hostile("node of a type that is no Node", gql("query($id: ID!) { node(id: $id) { id } }",
            id=global_id("Viewer:x")), 200),
    Hostile("node of a malformed id", gql("query($id: ID!) { node(id: $id) { id } }", id="not-base64!"), 200,
            message="GlobalID"),
    Hostile("NUL in a slug lookup", gql('query { project(slug: "a\\u0000b") { id } }'), 400, message="NUL"),
    Hostile("NUL in a mutation input",
            gql('mutation { createProject(input: {slug: "nul", repository: "a\\u0000b"}) { __typename } }'), 400,
            message="NUL"),
    Hostile("failing field beside a sibling sharing its loader", gql(SIBLINGS, id=lambda kit: kit.version_id), 200,
            message="lineage depth"),
    Hostile("failing field beside a sibling sharing its loader, real server",
            gql(SIBLINGS, id=lambda kit: kit.version_id), 200, message="lineage depth", target="closed"),
    # -- broken bodies
    Hostile("malformed JSON", raw(b'{"query": '), 400, message="not JSON"),
    Hostile("empty body", raw(b""), 400, message="not JSON"),
    Hostile("JSON string body", raw(b'"{ viewer { subject } }"'), 400, message="JSON object"),
    Hostile("JSON number body", raw(b"42"), 400, message="JSON object"),
    Hostile("batched operations", raw(b'[{"query": "{ viewer { subject } }"}]'), 400, message="JSON object"),
    Hostile("query not a string", raw(b'{"query": 5}'), 400, message="must be a string"),
    Hostile("variables not an object", raw(b'{"query": "{ viewer { subject } }", "variables": [1]}'), 400,
            message="must be an object"),
    Hostile("unknown operation name", raw(b'{"query": "{ viewer { subject } }", "operationName": "Nope"}'), 400,
            message="Unknown operation"),
    Hostile("text/plain body", raw(b'{"query": "{ viewer { subject } }"}', "text/plain"), 400,
            message="Unsupported content type"),
    Hostile("form body", raw(b"query=%7B+viewer+%7B+subject+%7D+%7D", "application/x-www-form-urlencoded"), 400,
            message="Unsupported content type"),
    Hostile("multipart without a map",
            lambda kit: Sent(headers={"authorization": f"Bearer {kit.token}"}, data={"operations": "{}"},
                             files={"0": ("a.json", b"{}", "application/json")}), 400),
    Hostile("mutation over GET", _mutation_over_get, 400, message="not allowed when using GET"),
    # -- sizes
    Hostile("oversized body", _oversized, 413, "REQUEST_TOO_LARGE", target="small"),
    Hostile("oversized upload", _oversized_upload, 413, "REQUEST_TOO_LARGE", target="small"),
    Hostile("oversized chunked body", _oversized_chunked, 413, "REQUEST_TOO_LARGE", target="small"),
    Hostile("oversized login", login(json.dumps({"tenant": "t", "username": "u", "password": "p" * 5000}).encode()),
            400),
    # -- credentials
    Hostile("no credentials", socketable(lambda kit: Sent(headers={"content-type": "application/json"},
                                                          body=b'{"query": "{ viewer { subject } }"}')),
            401, "UNAUTHENTICATED"),
    Hostile("basic scheme", authorization(lambda kit: "Basic YWRtaW46YWRtaW4="), 401, "UNAUTHENTICATED"),
    Hostile("empty bearer", authorization(lambda kit: "Bearer "), 401, "UNAUTHENTICATED"),
    Hostile("bearer with spaces", authorization(lambda kit: f"Bearer {kit.token} extra"), 401, "UNAUTHENTICATED"),
    Hostile("garbage bearer", authorization(lambda kit: "Bearer a.b.c"), 401, "UNAUTHENTICATED"),
    Hostile("oversized bearer", authorization(lambda kit: "Bearer " + "e" * 20_000), 401, "UNAUTHENTICATED",
            message="too large"),
    Hostile("API token too short", authorization(lambda kit: "Bearer dvt_abc"), 401, "UNAUTHENTICATED",
            message="malformed API token"),
    Hostile("API token of an unknown id",
            authorization(lambda kit: f"Bearer dvt_{uuid.uuid4().hex}_{'A' * 43}"), 401, "UNAUTHENTICATED",
            message="invalid API token"),
    Hostile("API token with a wrong secret",
            authorization(lambda kit: f"Bearer {kit.token[:-43]}{'B' * 43}"), 401, "UNAUTHENTICATED",
            message="invalid API token"),
    Hostile("API token in another case", authorization(lambda kit: f"Bearer {kit.token.upper()}"), 401,
            "UNAUTHENTICATED"),
    Hostile("revoked API token", authorization(lambda kit: f"Bearer {kit.revoked}"), 401, "UNAUTHENTICATED",
            message="revoked"),
    Hostile("artifact download without credentials",
            lambda kit: Sent(method="GET", path=f"/api/artifacts/{uuid.uuid4()}"), 401, "UNAUTHENTICATED"),
    Hostile("artifact download of a malformed id",
            lambda kit: Sent(method="GET", path="/api/artifacts/..%2f..%2fetc", headers=bearer(kit.token)), 404),
    # -- JWTs, against an app that trusts the test OIDC issuer
    Hostile("expired JWT", jwt(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200, nbf=int(time.time()) - 7200),
            401, "UNAUTHENTICATED", message="expired", target="oidc"),
    Hostile("JWT not yet valid", jwt(nbf=int(time.time()) + 3600), 401, "UNAUTHENTICATED", target="oidc"),
    Hostile("forged JWT", authorization(lambda kit: "Bearer " + kit.issuer.mint(key=forger(kit.issuer),
                                                                              dvt_tenant=kit.tenant)),
            401, "UNAUTHENTICATED", message="invalid signature", target="oidc"),
    Hostile("alg none JWT", authorization(lambda kit: "Bearer " + unsigned(kit.issuer, kit.tenant, "none")), 401,
            "UNAUTHENTICATED", message="not allowed", target="oidc"),
    Hostile("HS256 JWT", authorization(lambda kit: "Bearer " + unsigned(kit.issuer, kit.tenant, "HS256")), 401,
            "UNAUTHENTICATED", message="not allowed", target="oidc"),
    Hostile("wrong-audience JWT", jwt(aud="someone-else"), 401, "UNAUTHENTICATED", message="audience",
            target="oidc"),
    Hostile("wrong-issuer JWT", jwt(iss="https://evil.invalid/realms/dvt"), 401, "UNAUTHENTICATED",
            message="issuer", target="oidc"),
    Hostile("JWT of an unknown key id", jwt(header={"kid": "who-knows"}), 401, "UNAUTHENTICATED",
            message="unknown signing key", target="oidc"),
    Hostile("JWT without a subject", jwt(drop=("sub",)), 401, "UNAUTHENTICATED", target="oidc"),
    Hostile("JWT of an unknown tenant", jwt(claims={"dvt_tenant": "no-such-tenant"}), 401, "UNAUTHENTICATED",
            message="unknown tenant", target="oidc"),
    Hostile("JWT whose tenant holds a NUL", jwt(claims={"dvt_tenant": "a\u0000b"}), 401, "UNAUTHENTICATED",
            target="oidc"),
    Hostile("local login on an OIDC app",
            lambda kit: login(json.dumps({"tenant": kit.tenant, "username": "admin", "password": "x" * 12}).encode())(
                kit), 401, message="disabled", target="oidc"),
    # -- sign-in endpoint
    Hostile("login with malformed JSON", login(b"{"), 400),
    Hostile("login without a password", login(b'{"tenant": "t", "username": "u"}'), 400),
    Hostile("login with a NUL in the tenant",
            login(json.dumps({"tenant": "a\u0000b", "username": "admin", "password": "x" * 12}).encode()), 401),
    # -- bursts
    Hostile("burst past the rate limit", gql("{ viewer { subject } }", token=lambda kit: kit.limited), 429,
            "QUOTA_EXCEEDED", target="limited", repeat=BURST_LIMIT + 1),
    # -- introspection, on a real server started with DVT_GRAPHQL_INTROSPECTION=false
    Hostile("introspection with it off", gql("{ __schema { types { name } } }"), 200, message="introspection",
            target="closed"),
    Hostile("type introspection with it off", gql('{ __type(name: "Query") { name } }'), 200,
            message="introspection", target="closed"),
    Hostile("introspection over GET with it off", _introspection_over_get, 200, message="introspection",
            target="closed"),
)  # fmt: skip


_FORGERS: dict[str, RSAKey] = {}


def forger(issuer: OidcIssuer) -> RSAKey:
    """A key of the attacker's own, carrying the kid of the issuer's real key."""
    kid = str(issuer.key.kid)
    if kid not in _FORGERS:
        _FORGERS[kid] = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256", "kid": kid})
    return _FORGERS[kid]


# ---------------------------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    headers: Mapping[str, str]


def _crashed(error: BaseException) -> Answer:
    """An exception that escaped the app is a crash (a real server answers 500), unless this very task is being
    cancelled, which is the test's own doing."""
    task = asyncio.current_task()
    if isinstance(error, asyncio.CancelledError) and task is not None and task.cancelling():
        raise error
    shown = repr(error) if isinstance(error, asyncio.CancelledError) else str(error)
    return Answer(CRASHED, f"{type(error).__name__} escaped the app: {shown}", {})


async def send(http: httpx.AsyncClient, sent: Sent) -> Answer:
    """The answer to one request; an exception escaping the app is a crash (a real server answers 500)."""
    content: Any = sent.body
    if sent.stream and sent.body is not None:
        whole = sent.body

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(whole), 1024):
                yield whole[start : start + 1024]

        content = chunks()
    try:
        response = await http.request(
            sent.method,
            sent.path,
            headers=dict(sent.headers),
            content=content if sent.files is None else None,
            files=dict(sent.files) if sent.files else None,
            data=dict(sent.data) if sent.data else None,
            params=dict(sent.params) if sent.params else None,
        )
    except (asyncio.CancelledError, Exception) as error:
        return _crashed(error)
    return Answer(response.status_code, response.text, response.headers)


# What a socket says in its own words, as the HTTP answer it stands for (see the module's docstring).
STATUS_OF_CLOSE = {4403: (401, "UNAUTHENTICATED"), 4400: (400, None)}
STATUS_OF_CODE = {"UNAUTHENTICATED": 401, "BAD_REQUEST": 400, "REQUEST_TOO_LARGE": 413, "QUOTA_EXCEEDED": 429}


async def send_over_socket(client: httpx.AsyncClient, sent: Sent) -> Answer:
    """The request as a graphql-transport-ws operation on a new socket to the same app: its Authorization
    header in connection_init, its body as the subscribe payload."""
    payload = json.loads(sent.body or b"")
    auth = sent.headers.get("authorization")
    try:
        async with graphql_socket(socket_target(client)) as socket:
            await socket.init({"Authorization": auth} if auth is not None else {})
            operation_id = await _subscribe(socket, payload)
            replies = [reply async for reply in socket.replies(operation_id)]
    except Closed as closed:
        status, code = STATUS_OF_CLOSE.get(closed.code, (closed.code, None))
        error: dict[str, Any] = {"message": closed.reason, **({"extensions": {"code": code}} if code else {})}
        return Answer(status, json.dumps({"errors": [error]}), {})
    except (asyncio.CancelledError, Exception) as error:
        return _crashed(error)
    if not replies:
        return Answer(CRASHED, "the operation completed without a reply", {})
    reply = replies[0]
    if reply.kind != "error":
        return Answer(200, json.dumps(reply.payload), {})
    extensions = (reply.payload[0].get("extensions") or {}) if reply.payload else {}
    headers = {"retry-after": str(extensions["retryAfter"])} if "retryAfter" in extensions else {}
    return Answer(STATUS_OF_CODE.get(extensions.get("code"), 200), json.dumps({"errors": reply.payload}), headers)


async def _subscribe(socket: GraphQLSocket, payload: Any) -> str:
    """A subscribe message carrying the payload exactly as the POST body held it (wrong fields included)."""
    operation_id = "1"
    await socket.frames.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": payload}))
    return operation_id


_APPS: weakref.WeakKeyDictionary[httpx.AsyncClient, Any] = weakref.WeakKeyDictionary()


def socket_target(client: httpx.AsyncClient) -> Any:
    """The ASGI app behind an in-process client, or the base URL of a real server."""
    return _APPS.get(client) or str(client.base_url)


async def attempt(case: Hostile, clients: Mapping[str, httpx.AsyncClient], kit: Kit, transport: str = "http") -> Answer:
    answer = Answer(0, "", {})
    for _ in range(case.repeat):
        sent = case.request(kit)
        client = clients[case.target]
        answer = await (send(client, sent) if transport == "http" else send_over_socket(client, sent))
    return answer


def judge(case: Hostile, answer: Answer) -> str | None:
    """What is wrong with the answer, or None when it is exactly the refusal the case expects."""
    shown = answer.text[:300]
    if answer.status >= 500:
        return f"server failure {answer.status}: {shown}"
    if answer.status != case.status:
        return f"HTTP {answer.status}, expected {case.status}: {shown}"
    try:
        body: Any = json.loads(answer.text)
    except ValueError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None
    codes = [(e.get("extensions") or {}).get("code") for e in errors or [] if isinstance(e, dict)]
    if "INTERNAL" in codes:
        return f"masked unexpected error: {shown}"
    if case.code is not None and (not codes or codes[0] != case.code):
        return f"error code {codes[:1]}, expected {case.code}: {shown}"
    if case.message is not None and case.message.lower() not in answer.text.lower():
        return f"expected {case.message!r} in: {shown}"
    if case.status == 429 and not answer.headers.get("retry-after", "").isdigit():
        return f"429 without a Retry-After header: {dict(answer.headers)}"
    return None


# ---------------------------------------------------------------------------------------------- apps


@contextmanager
def real_server(settings: Settings, **environment: str) -> Iterator[str]:
    """`dvt serve` in a process of its own on the test database, with DVT_* overrides."""
    data_dir = Path(tempfile.mkdtemp(prefix="dvt-hostile-"))
    configured = {"DVT_DATABASE_URL": str(settings.database_url), "DVT_SECRET_KEYS": settings.secret_keys or ""}
    try:
        with dvt_serve(data_dir, {**configured, **environment}) as base:
            yield base
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def in_process(services_: Services) -> httpx.AsyncClient:
    app = create_app(services_)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    client = httpx.AsyncClient(transport=transport, base_url="http://dvt.test", timeout=30)
    _APPS[client] = app  # for the same cases over a WebSocket
    return client


def _on_stopped_clock(app: Services) -> Services:
    """Rate limits count per clock minute: on a stopped clock every burst falls inside one, with no waiting."""
    return dataclasses.replace(app, rate_limiter=dataclasses.replace(app.rate_limiter, clock=StoppedClock()))


@asynccontextmanager
async def hostile_targets(app: Services, settings: Settings) -> AsyncIterator[tuple[dict[str, httpx.AsyncClient], Kit]]:
    """Every app the cases aim at, and a tenant with an ingested graph version to aim with."""
    tenant = await app.tenancy.create_tenant(SYSTEM, f"hostile-{uuid.uuid4().hex[:8]}")
    system = Access.system(TenantScope(tenant.id))
    _, token = await app.identity.create_api_token(system, "hostile admin", ["admin"])
    revoked_id, revoked = await app.identity.create_api_token(system, "hostile revoked", ["admin"])
    await app.identity.revoke_api_token(system, revoked_id)
    _, limited = await app.identity.create_api_token(system, "hostile burst", ["viewer"])
    files = [ArtifactFile(name, (JAFFLE / name).read_bytes()) for name in ARTIFACTS]
    report = await app.ingest.ingest(system, IngestTarget("jaffle", "prod"), files)
    version_id = global_id(f"GraphVersion:{report.graph_version_id}")
    issuer = OidcIssuer().start()
    oidc = settings.model_copy(update={"oidc_issuer": issuer.issuer, "oidc_audience": issuer.audience})
    limits = settings.model_copy(update={"rate_limit_per_minute": BURST_LIMIT})
    try:
        async with (
            services(oidc, migrate=False) as oidc_services,
            services(limits, migrate=False) as limited_services,
            in_process(app) as main,
            in_process(dataclasses.replace(app, max_request_bytes=SMALL_REQUEST_BYTES)) as small,
            in_process(oidc_services) as oidc_app,
            in_process(_on_stopped_clock(limited_services)) as limited_app,
        ):
            with real_server(settings, DVT_GRAPHQL_INTROSPECTION="false") as base:
                async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as closed:
                    clients = {"main": main, "small": small, "oidc": oidc_app, "limited": limited_app, "closed": closed}
                    yield clients, Kit(tenant.slug, token, revoked, limited, version_id, issuer)
    finally:
        issuer.stop()


# ---------------------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
async def targets(app: Services, settings: Settings) -> AsyncIterator[tuple[dict[str, httpx.AsyncClient], Kit]]:
    async with hostile_targets(app, settings) as built:
        yield built


def _param(case: Hostile, transport: str) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else []
    return pytest.param(case, transport, id=f"{transport}-{case.name.replace(' ', '-')}", marks=marks)


@pytest.mark.parametrize("case, transport", [_param(c, t) for c in CASES for t in c.transports])
async def test_a_hostile_request_gets_its_precise_refusal(
    case: Hostile, transport: str, targets: tuple[dict[str, httpx.AsyncClient], Kit]
) -> None:
    clients, kit = targets
    answer = await attempt(case, clients, kit, transport)
    if transport == "websocket" and case.socket_status is not None:
        case = dataclasses.replace(case, status=case.socket_status)
    assert judge(case, answer) is None, judge(case, answer)


async def test_the_introspection_the_closed_server_refuses_works_on_the_default_app(
    targets: tuple[dict[str, httpx.AsyncClient], Kit],
) -> None:
    clients, kit = targets
    answer = await send(clients["main"], gql("{ __schema { queryType { name } } }")(kit))
    assert json.loads(answer.text) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_the_cases_cover_every_kind_of_target() -> None:
    assert {c.target for c in CASES} == {"main", "small", "limited", "oidc", "closed"} and len(CASES) >= 50


async def test_every_kind_of_target_is_attacked_over_a_websocket_too() -> None:
    over_sockets = [c for c in CASES if "websocket" in c.transports]
    assert {c.target for c in over_sockets} == {"main", "small", "limited", "oidc", "closed"}
    assert len(over_sockets) >= 40


async def test_one_schema_serves_with_and_without_introspection() -> None:
    assert create_schema() is create_schema()
    assert "__schema" not in create_schema().as_str()  # introspection is a request-time switch, not a schema
