"""A run's nodes read a page at a time: the pages, in order, are every node once."""

from __future__ import annotations

import httpx
from strawberry.relay import to_base64

from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.services import Services
from tests.api.conftest import GraphQLClient
from tests.runs.conftest import Place
from tests.runs.test_runs import approve_and_trigger

PAGE = "query($id: ID!, $offset: Int!) { run(id: $id) { nodeCount nodes(first: 7, offset: $offset) { uniqueId } } }"
AFTER = "query($id: ID!, $after: String) { run(id: $id) { nodes(first: 7, after: $after) { uniqueId } } }"
ALL = "query($id: ID!) { run(id: $id) { nodes { uniqueId } } }"


async def test_pages_of_a_runs_nodes_hold_every_node_once_in_unique_id_order(app: Services, place: Place) -> None:
    run = await approve_and_trigger(place)  # no worker: its nodes are stored, pending
    _, token = await app.identity.create_api_token(Access.system(place.scope), "pages", ["viewer"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(app)), base_url="http://dvt.test"
    ) as http:
        caller = GraphQLClient(http, token)
        run_id = to_base64("Run", str(run.id))
        everything = [n["uniqueId"] for n in (await caller.data(ALL, id=run_id))["run"]["nodes"]]
        paged: list[str] = []
        count = -1
        while True:
            page = (await caller.data(PAGE, id=run_id, offset=len(paged)))["run"]
            count = page["nodeCount"]
            paged += [n["uniqueId"] for n in page["nodes"]]
            if not page["nodes"]:
                break
        keyset: list[str] = []
        while True:
            nodes = (await caller.data(AFTER, id=run_id, after=keyset[-1] if keyset else None))["run"]["nodes"]
            if not nodes:
                break
            keyset += [n["uniqueId"] for n in nodes]
    assert len(everything) > 7  # more than one page
    assert count == len(everything)
    assert paged == sorted(everything)
    assert keyset == paged  # after the previous page's last unique id: the same pages as by offset
