"""Runs through the real server: trigger over GraphQL, follow over graphql-transport-ws, reconnect mid-run."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families
from strawberry.relay import to_base64

from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import signed_in, token_for
from tests.runs.conftest import FINISH_SECONDS, Place
from tests.support.server import dvt_serve, shared_settings

TRIGGER = """mutation($input: TriggerRunInput!) { triggerRun(input: $input) {
  __typename ... on Run { id status plan { id fingerprint status } } ... on Error { message } } }"""
PLANNED = """query($id: ID!) { run(id: $id) { id status plan { id fingerprint status } } }"""
APPROVE = """mutation($input: DecidePlanInput!) { approvePlan(input: $input) { __typename } }"""
RUN = """query($id: ID!) { run(id: $id) { status nodes { uniqueId status } events(first: 1000) { seq kind }
  artifacts actualCost } }"""
EVENTS = """subscription($id: ID!, $after: Int!) { runEvents(runId: $id, after: $after) {
  cursor events { seq kind uniqueId runStatus nodeStatus statusText } } }"""
LOGS = "subscription($id: ID!) { runLogs(runId: $id) { cursor chunks { seq stream text } } }"


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = shared_settings(settings)
    with dvt_serve(tmp_path_factory.mktemp("serve"), env) as base:
        yield base


class Follower:
    """A graphql-transport-ws client of one subscription."""

    def __init__(self, server: str, token: str | None) -> None:
        self._url = server.replace("http://", "ws://") + "/graphql"
        self._token = token

    async def open(self) -> websockets.ClientConnection:
        ws = await websockets.connect(self._url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")])
        payload = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        raw = await ws.recv()
        assert isinstance(raw, str), f"connection_ack came as a binary frame: {raw!r}"
        ack = json.loads(raw)
        assert ack["type"] == "connection_ack", ack
        return ws

    async def items(self, query: str, **variables: Any) -> AsyncIterator[dict[str, Any]]:
        ws = await self.open()
        try:
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}})
            )
            while True:
                raw = await ws.recv()
                # A browser's graphql-ws cannot read a binary frame (it gets a Blob): text only.
                assert isinstance(raw, str), f"a binary frame: {raw[:80]!r}"
                message = json.loads(raw)
                if message["type"] == "complete":
                    return
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message["payload"]
                yield message["payload"]["data"]
        finally:
            await ws.close()


async def post(server: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server, trust_env=False, timeout=60) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def trigger(server: str, token: str, place: Place, select: list[str] | None = None) -> str:
    """A run triggered over the API: the server's worker plans it from the branch; approved if it asks to be."""
    environment = to_base64("Environment", str(place.environment.id))
    found = (await post(server, token, TRIGGER, input={"environmentId": environment, "select": select}))["triggerRun"]
    assert found["__typename"] == "Run", found
    async with asyncio.timeout(FINISH_SECONDS):
        while found["status"] in ("QUEUED", "PLANNING"):
            await asyncio.sleep(0.2)
            found = (await post(server, token, PLANNED, id=found["id"]))["run"]
    if found["status"] == "AWAITING_APPROVAL":
        decided = {"planId": found["plan"]["id"], "fingerprint": found["plan"]["fingerprint"]}
        await post(server, token, APPROVE, input=decided)
    return str(found["id"])


async def test_a_follower_that_reconnects_with_its_cursor_misses_nothing_and_sees_nothing_twice(
    app: Services, place: Place, server: str
) -> None:
    token = await token_for(app, place.scope, "admin")
    run_id = await trigger(server, token, place)
    follower = Follower(server, token)
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(FINISH_SECONDS):
        async for data in follower.items(EVENTS, id=run_id, after=0):
            batch = data["runEvents"]
            assert batch["cursor"] == batch["events"][-1]["seq"]
            seen += batch["events"]
            if any(e["kind"] == "NODE_FINISHED" for e in batch["events"]):
                break  # drop the connection mid-run
        cut = seen[-1]["seq"]
        async for data in follower.items(EVENTS, id=run_id, after=cut):
            seen += data["runEvents"]["events"]
    stored = (await post(server, token, RUN, id=run_id))["run"]
    assert stored["status"] == "SUCCESS"
    assert [e["seq"] for e in seen] == [e["seq"] for e in stored["events"]] == list(range(1, len(seen) + 1))
    assert (seen[-1]["kind"], seen[-1]["runStatus"], seen[-1]["nodeStatus"]) == ("STATUS", "SUCCESS", None)
    started = [e for e in seen if e["kind"] == "NODE_STARTED"]
    assert started and {(e["nodeStatus"], e["statusText"], e["runStatus"]) for e in started} == {
        ("RUNNING", "running", None)
    }
    assert any(e["kind"] == "NODE_FINISHED" and e["nodeStatus"] == "SUCCESS" for e in seen)
    assert any(e["seq"] > cut for e in started) or cut == seen[-2]["seq"]
    assert {"manifest.json", "run_results.json"} <= set(stored["artifacts"])
    assert stored["actualCost"] is not None


async def test_logs_stream_to_the_end_of_the_run(app: Services, place: Place, server: str) -> None:
    token = await token_for(app, place.scope, "admin")
    run_id = await trigger(server, token, place, ["stg_orders"])
    async with asyncio.timeout(FINISH_SECONDS):
        chunks = [c async for d in Follower(server, token).items(LOGS, id=run_id) for c in d["runLogs"]["chunks"]]
    assert [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert "stg_orders" in "\n".join(c["text"] for c in chunks)


async def test_a_websocket_without_a_token_is_refused(server: str) -> None:
    ws = await websockets.connect(
        server.replace("http://", "ws://") + "/graphql", subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_a_viewer_of_another_tenant_cannot_follow_a_run(app: Services, place: Place, server: str) -> None:
    owner = await token_for(app, place.scope, "admin")
    run_id = await trigger(server, owner, place, ["stg_orders"])
    other = await app.tenancy.create_tenant(SYSTEM, f"o-{place.scope.tenant_id.hex[:8]}")
    stranger = await token_for(app, TenantScope(other.id), "admin")
    ws = await Follower(server, stranger).open()
    await ws.send(
        json.dumps(
            {"id": "1", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"id": run_id, "after": 0}}}
        )
    )
    message = json.loads(await ws.recv())
    await ws.close()
    assert message["type"] == "error" or message["payload"].get("errors"), message
    assert "not found" in json.dumps(message)


async def test_a_caller_without_any_grant_is_refused_the_subscriptions(
    app: Services, place: Place, server: str
) -> None:
    owner = await token_for(app, place.scope, "admin")
    run_id = await trigger(server, owner, place, ["raw_orders"])
    credentials = await app.identity.create_account(
        (await app.tenancy.tenants_by_ids(place.access, [place.scope.tenant_id]))[0], "nobody"
    )  # a local account with no grant at all
    async with httpx.AsyncClient(base_url=server, trust_env=False) as client:
        nobody = await signed_in(client, place.tenant_slug, "nobody", credentials.password)
    for query in (EVENTS, LOGS):
        ws = await Follower(server, nobody).open()
        variables = {"id": run_id, "after": 0} if query is EVENTS else {"id": run_id}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}))
        message = json.loads(await ws.recv())
        await ws.close()
        assert "PERMISSION_DENIED" in json.dumps(message), message


async def test_metrics_show_run_and_node_durations_and_worker_capacity(
    app: Services, place: Place, server: str
) -> None:
    token = await token_for(app, place.scope, "admin")
    run_id = await trigger(server, token, place, ["raw_orders"])
    async with asyncio.timeout(FINISH_SECONDS):
        async for _ in Follower(server, token).items(EVENTS, id=run_id, after=0):
            pass  # to the end of the run
    async with httpx.AsyncClient(base_url=server, trust_env=False) as client:
        text = (await client.get("/metrics")).text
    samples = [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.startswith("dvt_")
    ]

    def value(name: str, **labels: str) -> float:
        found = [v for n, got, v in samples if n == name and labels.items() <= got.items()]
        assert found, (name, labels, samples)
        return found[0]

    assert value("dvt_node_duration_seconds_count", resource_type="seed", status="success") >= 1
    assert value("dvt_run_duration_seconds_count", status="success") >= 1
    assert value("dvt_run_queue_wait_seconds_count") >= 1
    assert value("dvt_worker_capacity_runs") == 2
