"""Walking the GraphQL schema: root fields, argument values to try, a selection of everything, and a sweep.

Used by the isolation suite, the permission tests and the security benchmark, so a field added tomorrow is
attacked tomorrow without editing any of them: every root field is called with every argument combination
the candidates allow (capped), selecting every field it can reach, and each answer is searched for values
that belong to someone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

import httpx
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    ast_from_value,
    is_required_argument,
    is_required_input_field,
    print_ast,
)
from graphql.language import Lexer, Source, TokenKind

from dvt.api.schema import MAX_TOKENS
from tests.support.ws import Closed, GraphQLSocket, bearer_payload, graphql_socket

MAX_COMBINATIONS = 10  # argument combinations tried per field and caller
SELECTION_DEPTH = 3  # object levels below a root field's own type
# A selection shrinks a level at a time until it fits: under the server's limit, and small enough that parsing
# and validating it (about 0.1 s per 1,000 tokens here) does not dominate a sweep.
TOKEN_BUDGET = min(MAX_TOKENS - 50, 1_200)
# Objects that record what the caller itself sent (its own audit trail, the principals it granted to):
# values the caller sent in an earlier request may come back inside them without being a leak.
ECHO_TYPES = frozenset({"AuditEvent", "Grant"})
SWEPT = ("query", "mutation")  # operations a sweep sends over HTTP
OVER_SOCKETS = ("query", "mutation", "subscription")  # and over a WebSocket


class UploadFile(NamedTuple):
    """A file for an `Upload` argument, sent as a GraphQL multipart request."""

    name: str
    data: bytes


# ---------------------------------------------------------------------------------------------- schema


def named(type_: Any) -> GraphQLNamedType:
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return type_  # type: ignore[no-any-return]


def root_fields(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField]]:
    """(operation, field name, definition) of every query, mutation and subscription field."""
    for operation, root in (
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
        ("subscription", schema.subscription_type),
    ):
        if root is None:
            continue
        for name, definition in sorted(root.fields.items()):
            yield operation, name, definition


def _is_leaf(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, (GraphQLScalarType, GraphQLEnumType))


# ---------------------------------------------------------------------------------------------- values


@dataclass
class Candidates:
    """Values to feed arguments: ids, slugs and names of the tenant under attack.

    Keep one id of each object kind rather than every id: combinations are capped, and a long list of
    node ids would crowd out the grant and token ids behind it.
    """

    global_ids: list[str] = field(default_factory=list)  # relay ids, one of every kind
    uuids: list[str] = field(default_factory=list)  # raw ids of every kind
    strings: dict[str, list[str]] = field(default_factory=dict)  # by argument name: slugs, unique ids, ...
    preferred: dict[str, list[Any]] = field(default_factory=dict)  # by argument name: tried before the rest
    fallback: list[str] = field(default_factory=lambda: ["x"])
    upload: UploadFile | None = None

    def scalars(self, argument: str, type_name: str) -> list[Any]:
        generic: list[Any]
        if type_name == "ID":
            generic = [*self.global_ids, *self.uuids[:2]]
        elif type_name == "UUID":
            generic = list(self.uuids)
        elif type_name == "String":
            generic = list(self.strings.get(argument, self.fallback))
        elif type_name == "Int":
            generic = [1]
        elif type_name == "Float":
            generic = [1.5]
        elif type_name == "Boolean":
            generic = [True]
        elif type_name == "JSON":
            generic = [{}]
        elif type_name == "DateTime":
            generic = ["2000-01-01T00:00:00+00:00"]
        elif type_name == "Upload":
            generic = [self.upload] if self.upload else []
        else:
            generic = []
        return _unique([*self.preferred.get(argument, []), *generic])


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = json.dumps(value, sort_keys=True, default=repr)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _spread(options: Sequence[Sequence[Any]], cap: int) -> list[tuple[Any, ...]]:
    """Every combination when there are few; else `cap` rows in which each option of each slot appears."""
    if not options:
        return [()]
    if math.prod(len(o) for o in options) <= cap:
        return list(itertools.product(*options))
    rows = min(cap, max(len(o) for o in options))
    return [tuple(o[i % len(o)] for o in options) for i in range(rows)]


def values_for(argument: str, type_: Any, candidates: Candidates, cap: int = MAX_COMBINATIONS) -> list[Any]:
    """Values to try for an argument or input field of this type (lists get one-element lists)."""
    nullable = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(nullable, GraphQLList):
        return [[v] for v in values_for(argument, nullable.of_type, candidates, cap)]
    if isinstance(nullable, GraphQLEnumType):
        return [next(iter(nullable.values))]
    if isinstance(nullable, GraphQLInputObjectType):
        return _input_objects(nullable, candidates, cap)
    if isinstance(nullable, GraphQLScalarType):
        return candidates.scalars(argument, nullable.name)
    return []


def _input_objects(type_: GraphQLInputObjectType, candidates: Candidates, cap: int) -> list[dict[str, Any]]:
    names: list[str] = []
    options: list[list[Any]] = []
    required: set[str] = set()
    for name, definition in type_.fields.items():
        found = values_for(name, definition.type, candidates, cap)
        if is_required_input_field(definition):
            if not found:
                return []
            required.add(name)
        if found:
            names.append(name)
            options.append(found)
    combos = [dict(zip(names, row, strict=True)) for row in _spread(options, max(1, cap - 1))]
    minimal = {n: o[0] for n, o in zip(names, options, strict=True) if n in required}
    return _unique([*combos, minimal])[:cap]


def argument_sets(
    definition: GraphQLField, candidates: Candidates, cap: int = MAX_COMBINATIONS
) -> list[dict[str, Any]]:
    """Argument combinations to call a field with; empty when a required argument has no candidate."""
    names: list[str] = []
    options: list[list[Any]] = []
    for name, argument in definition.args.items():
        found = values_for(name, argument.type, candidates, cap)
        if is_required_argument(argument):
            if not found:
                return []
        else:
            found = [None, *found[:2]]
        names.append(name)
        options.append(found)
    rows = _spread(options, cap)
    return _unique({n: v for n, v in zip(names, row, strict=True) if v is not None} for row in rows)


# ---------------------------------------------------------------------------------------------- documents


def _literal(value: Any, type_: GraphQLInputType) -> str | None:
    node = ast_from_value(value, type_)
    return print_ast(node) if node is not None else None


def _nested_arguments(definition: GraphQLField, candidates: Candidates | None) -> str | None:
    """Inline arguments of a nested field: required ones, and ids worth trying. None: the field is skipped."""
    passed = []
    for name, argument in definition.args.items():
        inner = named(argument.type)
        wanted = is_required_argument(argument) or inner.name in ("ID", "UUID")
        if not wanted:
            continue
        found = values_for(name, argument.type, candidates, 1) if candidates else []
        literal = _literal(found[0], argument.type) if found else None
        if literal is None:
            if is_required_argument(argument):
                return None
            continue
        passed.append(f"{name}: {literal}")
    return f"({', '.join(passed)})" if passed else ""


def selection(
    type_: Any,
    depth: int = SELECTION_DEPTH,
    *,
    schema: GraphQLSchema | None = None,
    candidates: Candidates | None = None,
) -> str:
    """Every leaf field, and object fields to `depth`; interfaces spread over their implementations.

    Nested fields with required arguments are called with the first candidate, and nested id arguments
    (`node(nodeUuid:)`) get one too, so they are attacked from inside the caller's own objects.
    """
    target = named(type_)
    if _is_leaf(target):
        return ""
    if isinstance(target, GraphQLUnionType):
        return "{ __typename " + _fragments(target.types, depth, schema, candidates) + " }"
    assert isinstance(target, (GraphQLObjectType, GraphQLInterfaceType))
    picked = ["__typename", *_fields(target, depth, schema, candidates)]
    if isinstance(target, GraphQLInterfaceType) and schema is not None:
        picked.append(_fragments(schema.get_possible_types(target), depth, schema, candidates))
    return "{ " + " ".join(picked) + " }"


def _fields(
    target: GraphQLObjectType | GraphQLInterfaceType,
    depth: int,
    schema: GraphQLSchema | None,
    candidates: Candidates | None,
    seen: dict[str, str] | None = None,
) -> list[str]:
    """The selected fields of one type. `seen` holds the types other fragments gave each response name:
    a field whose type differs from one already selected there is aliased, as GraphQL requires."""
    picked = []
    for name, definition in sorted(target.fields.items()):
        arguments = _nested_arguments(definition, candidates)
        if arguments is None:
            continue
        response = name
        if seen is not None:
            shape = str(definition.type)
            if seen.setdefault(name, shape) != shape:
                response = f"{name}{target.name}: {name}"
        inner = named(definition.type)
        if _is_leaf(inner):
            picked.append(response + arguments)
        elif depth > 0:
            nested = selection(inner, depth - 1, schema=schema, candidates=candidates)
            picked.append(f"{response}{arguments} {nested}")
    return picked


def _fragments(
    members: Iterable[GraphQLObjectType], depth: int, schema: GraphQLSchema | None, candidates: Candidates | None
) -> str:
    seen: dict[str, str] = {}
    parts = []
    for member in members:
        chosen = _fields(member, depth, schema, candidates, seen)
        parts.append(f"... on {member.name} {{ " + " ".join(["__typename", *chosen]) + " }")
    return " ".join(parts)


def document(
    operation: str,
    name: str,
    definition: GraphQLField,
    arguments: Mapping[str, Any],
    *,
    schema: GraphQLSchema | None = None,
    candidates: Candidates | None = None,
    depth: int = SELECTION_DEPTH,
) -> tuple[str, dict[str, Any]]:
    """A document calling one root field with variables, selecting all it can within the token limit."""
    declared = ", ".join(f"${a}: {definition.args[a].type}" for a in arguments)
    passed = ", ".join(f"{a}: ${a}" for a in arguments)
    head = f"{operation}({declared})" if declared else operation
    call = f"{name}({passed})" if passed else name
    for level in range(depth, -1, -1):
        chosen = selection(definition.type, level, schema=schema, candidates=candidates)
        text = f"{head} {{ {call} {chosen} }}"
        if token_count(text) <= TOKEN_BUDGET:
            break
    return text, dict(arguments)


@cache  # a field's document is the same for every caller and argument it is tried with
def token_count(text: str) -> int:
    """Tokens as the server's token limit counts them."""
    lexer = Lexer(Source(text))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


# ---------------------------------------------------------------------------------------------- requests


def _uploads(value: Any, path: str) -> Iterator[tuple[str, UploadFile]]:
    if isinstance(value, UploadFile):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _uploads(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _uploads(item, f"{path}.{index}")


def _without_uploads(value: Any) -> Any:
    if isinstance(value, UploadFile):
        return None
    if isinstance(value, dict):
        return {k: _without_uploads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_uploads(v) for v in value]
    return value


async def post(
    http: httpx.AsyncClient, token: str, query: str, variables: Mapping[str, Any] | None = None
) -> httpx.Response:
    """POST a GraphQL request with a bearer token, as a multipart upload when a variable holds a file."""
    headers = {"authorization": f"Bearer {token}"}
    found = list(_uploads(dict(variables or {}), "variables"))
    if not found:
        return await http.post("/graphql", json={"query": query, "variables": dict(variables or {})}, headers=headers)
    operations = json.dumps({"query": query, "variables": _without_uploads(dict(variables or {}))})
    mapping = json.dumps({str(i): [path] for i, (path, _) in enumerate(found)})
    files = {str(i): (upload.name, upload.data, "application/json") for i, (_, upload) in enumerate(found)}
    return await http.post("/graphql", data={"operations": operations, "map": mapping}, files=files, headers=headers)


CRASHED = 599  # the app raised instead of answering; a real server answers these with a 500
# A caller's request, answered as (status, body): over HTTP, or as an operation on the caller's WebSocket.
Send = Callable[[str, str, Mapping[str, Any] | None], Awaitable[tuple[int, str]]]


async def answer(
    http: httpx.AsyncClient, token: str, query: str, variables: Mapping[str, Any] | None = None
) -> tuple[int, str]:
    """Status and body of a request; an exception escaping the app is a crash, not the sweep's end."""
    try:
        response = await post(http, token, query, variables)
    except asyncio.CancelledError as error:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # the sweep itself is being cancelled
        return CRASHED, f"CancelledError escaped the app: {error!r}"
    except Exception as error:
        return CRASHED, f"{type(error).__name__} escaped the app: {error}"
    return response.status_code, response.text


class SocketCalls:
    """Requests sent as graphql-transport-ws operations, on one socket per bearer token to an ASGI app.

    An answer reads as its HTTP twin: `next` is its body with 200; a gate's refusal (an `error` message)
    carries the same GraphQL errors; a socket closed on a request (4403, 4400) answers 401 or 400 with the
    reason, and the next request opens a new socket. Files cannot travel over a socket: an Upload variable
    goes as null, so the field is still called with every other argument.
    """

    def __init__(self, app: Any) -> None:
        self._app = app
        self._open: dict[str, tuple[AbstractAsyncContextManager[GraphQLSocket], GraphQLSocket]] = {}

    async def _socket(self, token: str) -> GraphQLSocket:
        if token not in self._open:
            manager = graphql_socket(self._app, bearer_payload(token))
            self._open[token] = (manager, await manager.__aenter__())
        return self._open[token][1]

    async def _drop(self, token: str) -> None:
        manager, _ = self._open.pop(token)
        with contextlib.suppress(Exception):
            await manager.__aexit__(None, None, None)

    async def __call__(self, token: str, query: str, variables: Mapping[str, Any] | None = None) -> tuple[int, str]:
        try:
            socket = await self._socket(token)
            reply = await socket.execute(query, _without_uploads(dict(variables or {})))
        except Closed as closed:
            if token in self._open:
                await self._drop(token)
            status = 401 if closed.code == 4403 else 400 if closed.code == 4400 else CRASHED
            return status, json.dumps({"errors": [{"message": closed.reason}]})
        except asyncio.CancelledError as error:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            return CRASHED, f"CancelledError escaped the app: {error!r}"
        except Exception as error:
            if token in self._open:
                await self._drop(token)
            return CRASHED, f"{type(error).__name__} escaped the app: {error}"
        body = reply.payload if reply.kind == "next" else {"data": None, "errors": reply.payload}
        return 200, json.dumps(body)

    async def close(self) -> None:
        for token in list(self._open):
            await self._drop(token)


@asynccontextmanager
async def socket_calls(app: Any) -> AsyncIterator[SocketCalls]:
    calls = SocketCalls(app)
    try:
        yield calls
    finally:
        await calls.close()


# ---------------------------------------------------------------------------------------------- leaks


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def _as_pattern(value: str) -> str:
    """A number (an audit event's id) counts only as a word of its own: 1090 inside the microseconds of a
    timestamp (19:06:23.891090, or 23.1090 with its zeros trimmed), inside the hex of a hash (…c1090e…) or as a
    segment of a uuid (…-1090-…) is not that event's id."""
    escaped = re.escape(value)
    return rf"(?<![0-9A-Za-z.:-]){escaped}(?![0-9A-Za-z.:-])" if value.isdigit() else escaped


class Secrets:
    """Values that must never reach a caller: another tenant's ids and markers, a secret's value."""

    def __init__(self, values: Iterable[str], equivalents: Mapping[str, Iterable[str]] | None = None) -> None:
        self.values = frozenset(v for v in values if len(v) >= 4)
        ordered = sorted(self.values, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(_as_pattern, ordered))) if ordered else None
        # Other spellings of a value (the uuid inside a relay id): sending one is sending them all.
        self._equivalents = {k: set(v) for k, v in (equivalents or {}).items()}

    def found(self, text: str) -> set[str]:
        return set(self._pattern.findall(text)) if self._pattern else set()

    def sent(self, text: str) -> set[str]:
        """The values a request holds, with their other spellings."""
        found = self.found(text)
        return found.union(*(self._equivalents.get(v, set()) for v in found))

    def leaked(self, body: Any, sent_now: set[str], sent_before: set[str]) -> set[str]:
        """The values in an answer, except the caller's own words coming back to it: what it sent in this
        request, inside an error message, and what it sent before, inside its own audit events and grants."""
        out: set[str] = set()

        def walk(value: Any, key: str, within: str | None) -> None:
            if isinstance(value, dict):
                kind = value.get("__typename")
                here = kind if isinstance(kind, str) and kind in ECHO_TYPES else within
                for k, item in value.items():
                    walk(item, k, here)
            elif isinstance(value, list):
                for item in value:
                    walk(item, key, within)
            elif isinstance(value, str):
                hits = self.found(value)
                if key == "message":
                    hits -= sent_now
                if within is not None:
                    hits -= sent_now | sent_before
                out.update(hits)

        walk(body, "", None)
        return out


# ---------------------------------------------------------------------------------------------- sweep


@dataclass(frozen=True)
class Probe:
    operation: str
    field: str
    caller: str
    query: str
    variables: dict[str, Any]


@dataclass(frozen=True)
class Finding:
    probe: Probe
    status: int
    problem: str

    def __str__(self) -> str:
        shown = json.dumps(self.probe.variables, default=repr)[:300]
        return f"{self.probe.operation} {self.probe.field} as {self.probe.caller} {shown}: {self.problem}"


@dataclass
class SweepReport:
    fields: set[str] = field(default_factory=set)  # "query.node": fields called at least once
    uncovered: set[str] = field(default_factory=set)  # fields no candidate could call
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    leaks: list[Finding] = field(default_factory=list)
    failures: list[Finding] = field(default_factory=list)  # 5xx answers and masked unexpected errors
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # waiting for answers, per field
    own_answers: int = 0  # answers holding the caller's own values: the sweep reached real data

    def summary(self) -> str:
        return (
            f"{len(self.fields)} fields covered, {len(self.uncovered)} uncovered, {self.requests} requests, "
            f"{len(self.leaks)} leaks, {len(self.failures)} failures, statuses {dict(sorted(self.statuses.items()))}"
        )


def _unexpected(body: Any) -> list[str]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [
        str(e.get("message"))
        for e in errors or []
        if isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "INTERNAL"
    ]


def probes(
    schema: GraphQLSchema,
    callers: Iterable[str],
    candidates: Candidates,
    *,
    cap: int = MAX_COMBINATIONS,
    operations: tuple[str, ...] = SWEPT,
) -> tuple[list[Probe], set[str]]:
    """Every request of the sweep, queries first, and the fields it cannot call: those no argument set fits,
    and operations not swept (subscriptions, unless the sweep goes over a WebSocket)."""
    out: list[Probe] = []
    uncovered: set[str] = set()
    roles = list(callers)
    for operation, name, definition in root_fields(schema):
        sets = argument_sets(definition, candidates, cap) if operation in operations else []
        if not sets:
            uncovered.add(f"{operation}.{name}")
        texts: dict[tuple[str, ...], str] = {}  # a document depends on which arguments it passes, not their values
        for role in roles:
            for arguments in sets:
                key = tuple(arguments)
                if key not in texts:
                    texts[key] = document(operation, name, definition, arguments, schema=schema, candidates=candidates)[
                        0
                    ]
                out.append(Probe(operation, name, role, texts[key], dict(arguments)))
    return out, uncovered


async def sweep(
    http: httpx.AsyncClient,
    schema: GraphQLSchema,
    callers: Mapping[str, str],
    candidates: Candidates,
    secrets: Secrets,
    *,
    cap: int = MAX_COMBINATIONS,
    own: Secrets | None = None,
    send: Send | None = None,
    operations: tuple[str, ...] = SWEPT,
) -> SweepReport:
    """Call every root field as every caller (role name -> bearer token) and search each answer for
    `secrets`; answers holding any of `own` (the callers' own values) are counted. Requests go over HTTP
    through `http`, or through `send` when given (a WebSocket: `SocketCalls`)."""

    async def over_http(token: str, query: str, variables: Mapping[str, Any] | None) -> tuple[int, str]:
        return await answer(http, token, query, variables)

    send = send or over_http
    report = SweepReport()
    planned, report.uncovered = probes(schema, callers, candidates, cap=cap, operations=operations)
    sent_before: set[str] = set()
    for probe in planned:
        sent_now = secrets.sent(probe.query + json.dumps(probe.variables, default=repr))
        started = time.perf_counter()
        status, text = await send(callers[probe.caller], probe.query, probe.variables)
        report.seconds[f"{probe.operation}.{probe.field}"] += time.perf_counter() - started
        report.requests += 1
        report.statuses[status] += 1
        if own is not None and own.found(text):
            report.own_answers += 1
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        leaked = secrets.leaked(body, sent_now, sent_before)
        if leaked:
            report.leaks.append(Finding(probe, status, f"leaked {sorted(leaked)}"))
        if status >= 500:
            report.failures.append(Finding(probe, status, f"HTTP {status}: {text[:300]}"))
        for message in _unexpected(body):
            report.failures.append(Finding(probe, status, message))
        if status < 500:
            report.fields.add(f"{probe.operation}.{probe.field}")
        sent_before |= sent_now
    return report
