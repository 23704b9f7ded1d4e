"""A run's events and logs are read in pages: every page argument has bounds and a clear refusal (D11)."""

from __future__ import annotations

import httpx
import pytest
from strawberry.relay import to_base64

from dvt.api.app import create_app
from dvt.application.services import Services
from dvt.domain.errors import ValidationError
from dvt.domain.plan.plan import PlanRequest
from tests.api.conftest import GraphQLClient, token_for
from tests.runs.conftest import Place

PAGE = "query($id: ID!, $first: Int!, $after: Int!) { run(id: $id) { %s(first: $first, after: $after) { seq } } }"


@pytest.fixture
async def client(app: Services, place: Place) -> GraphQLClient:
    transport = httpx.ASGITransport(app=create_app(app))
    http = httpx.AsyncClient(transport=transport, base_url="http://dvt.test")
    return GraphQLClient(http, await token_for(app, place.scope, "admin"))


async def queued_run(place: Place) -> str:
    """A run nobody works on: it has events (queued, planning, ...) and no logs."""
    run = await place.services.runs.trigger(place.access, place.environment.id, request=PlanRequest())
    return to_base64("Run", str(run.id))


@pytest.mark.parametrize("field", ["events", "logs"])
@pytest.mark.parametrize("first", [-1, 0, 1001, 100_000_000])
async def test_a_page_size_out_of_bounds_is_refused_by_name(
    client: GraphQLClient, place: Place, field: str, first: int
) -> None:
    body = await client(PAGE % field, id=await queued_run(place), first=first, after=0)
    (error,) = body["errors"]
    assert error["message"] == f"`first` must be between 1 and 1000, got {first}"
    assert error["extensions"]["code"] != "INTERNAL"


@pytest.mark.parametrize("field", ["events", "logs"])
async def test_a_negative_cursor_is_refused_by_name(client: GraphQLClient, place: Place, field: str) -> None:
    body = await client(PAGE % field, id=await queued_run(place), first=10, after=-1)
    (error,) = body["errors"]
    assert error["message"] == "`after` must be 0 or a sequence number, got -1"


async def test_pages_within_bounds_are_read(client: GraphQLClient, place: Place) -> None:
    run_id = await queued_run(place)
    everything = await client.data(PAGE % "events", id=run_id, first=1000, after=0)
    seqs = [e["seq"] for e in everything["run"]["events"]]
    assert seqs and seqs == sorted(seqs)
    one = await client.data(PAGE % "events", id=run_id, first=1, after=seqs[0])
    assert [e["seq"] for e in one["run"]["events"]] == seqs[1:2]


async def test_following_from_a_negative_cursor_is_refused(place: Place) -> None:
    run = await place.services.runs.trigger(place.access, place.environment.id, request=PlanRequest())
    with pytest.raises(ValidationError, match="`after` must be 0"):
        async for _ in place.services.runs.follow_events(place.access, run.id, -5):
            pass
