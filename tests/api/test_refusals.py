"""How refusals and failures leave the API, whatever the transport: expected refusals are one line of log
without a traceback, unexpected errors one traceback with the trace id the client sees (issue 11, D15), and a
NUL in a string input never reaches PostgreSQL (D5).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from graphql import GraphQLError

from dvt.api.app import create_app
from dvt.api.context import Context
from dvt.api.schema import create_schema
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient, StatementCounter, token_for
from tests.support.ws import bearer_payload, graphql_socket

CREATE_PROJECT = """mutation($repository: String!) { createProject(input: {slug: "nul", repository: $repository}) {
  __typename } }"""


async def test_a_not_found_answer_logs_one_line_without_a_traceback(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        body = await gql('{ projects(organization: "no-such-organization") { id } }')
    assert "not found" in body["errors"][0]["message"]
    records = [r for r in caplog.records if r.name.startswith(("strawberry", "dvt.api"))]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)], records
    assert "no-such-organization" in records[0].getMessage() and "\n" not in records[0].getMessage()


async def test_an_unexpected_error_logs_one_traceback_with_the_trace_id_the_client_sees(
    app: Services, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(app.tenancy, "organizations", broken)
    with caplog.at_level(logging.DEBUG):
        body = await gql("{ organizations { slug } }")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL" and "fire" not in error["message"]
    traced = [r for r in caplog.records if r.exc_info]
    assert len(traced) == 1 and traced[0].levelno == logging.ERROR
    assert error["extensions"]["traceId"] in traced[0].getMessage()


async def test_an_unexpected_error_on_a_socket_is_masked_and_logged_once(
    app: Services, scope: TenantScope, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> None:
        raise RuntimeError("SELECT secret FROM tenants WHERE id = $1")

    monkeypatch.setattr(app.tenancy, "organizations", broken)
    token = await token_for(app, scope, "viewer")
    with caplog.at_level(logging.DEBUG):
        async with graphql_socket(create_app(app), bearer_payload(token)) as socket:
            reply = await socket.execute("{ organizations { slug } }")
    error = reply.payload["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL" and "SELECT" not in str(reply.payload)
    assert len([r for r in caplog.records if r.exc_info]) == 1


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (CREATE_PROJECT, {"repository": "/x\u0000y"}),
        ('mutation { createProject(input: {slug: "nul", repository: "/x\\u0000y"}) { __typename } }', {}),
        (
            'mutation($s: JSON!) { createEnvironment(input: {project: "p", slug: "e", adapter: "duckdb", '
            'gitRef: "main", settings: $s}) { __typename } }',
            {"s": {"path": ["ok", {"deep": "a\u0000b"}]}},
        ),
    ],
    ids=["variable", "literal", "inside-json"],
)
async def test_a_nul_in_any_string_input_is_refused_before_the_database(
    app: Services, scope: TenantScope, statements: StatementCounter, query: str, variables: dict[str, Any]
) -> None:
    """Past every gate (the schema called directly), a NUL is refused before any resolver runs."""
    context = Context(services=app, access=Access.system(scope))
    result = await create_schema().execute(query, variable_values=variables, context_value=context)
    assert result.errors and "NUL" in result.errors[0].message, result
    assert isinstance(result.errors[0], GraphQLError) and result.errors[0].extensions == {"code": "BAD_REQUEST"}
    assert statements.count == 0
