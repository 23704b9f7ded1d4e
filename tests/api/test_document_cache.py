"""Parsed and validated documents are cached per process: a cached answer must be the uncached one."""

from __future__ import annotations

import dataclasses

import httpx

from dvt.api.app import create_app
from dvt.application.services import Services
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient, token_for

INVALID = "{ viewer { subject noSuchField } }"
INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_an_invalid_document_sent_again_gets_the_same_single_error(gql: GraphQLClient) -> None:
    answers = [await gql(INVALID) for _ in range(3)]
    messages = [[error["message"] for error in answer["errors"]] for answer in answers]
    assert len(messages[0]) == 1 and "noSuchField" in messages[0][0]
    assert messages[1] == messages[0] and messages[2] == messages[0]


async def test_a_document_too_long_to_parse_is_refused_every_time(gql: GraphQLClient) -> None:
    wide = "{ " + " ".join(["viewer { subject }"] * 2_000) + " }"
    for _ in range(2):
        answer = await gql(wide)
        assert "more than 5000 tokens" in answer["errors"][0]["message"]


async def test_the_same_document_is_refused_where_introspection_is_off_after_it_was_allowed(
    app: Services, scope: TenantScope
) -> None:
    """The validation cache is keyed by the request's rules: a document valid with introspection on is not
    served from that entry where introspection is off."""
    token = await token_for(app, scope, "admin")
    closed = dataclasses.replace(app, graphql_introspection=False)
    answers = []
    for services in (app, closed, app):
        transport = httpx.ASGITransport(app=create_app(services))
        async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test") as http:
            answers.append(await GraphQLClient(http, token)(INTROSPECTION))
    opened, refused, reopened = answers
    assert opened["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "introspection" in refused["errors"][0]["message"].lower()
    assert reopened == opened
