"""The multi-node proof: DVT on several machines' worth of processes, on loopback, with no shared disk.

One PostgreSQL server of the test's own, two `dvt serve` (no embedded worker) and two `dvt worker` processes, each
with a data dir of its own, and the artifact store they share over the network. A run triggered through API 1
executes on a worker and is followed live through API 2, and its artifacts download from API 2. API 2 is killed
while a client follows a run: the client reconnects to API 1 with its cursor and receives every event exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import websockets
from strawberry import relay

from dvt.adapters.db.migrate import upgrade_async
from dvt.application.run_records import RunEventRecord
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.runs import RunStatus
from tests.api.conftest import token_for
from tests.runs.conftest import FINISH_SECONDS, Place, make_place, reaches
from tests.runs.test_runs import SLOW
from tests.runs.test_runs_process import dvt_env
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.seaweedfs import SeaweedS3, seaweedfs
from tests.support.server import Served, dvt_worker, served
from tests.support.ws import Closed, bearer_payload, graphql_socket

EVENTS = "subscription($id: ID!, $after: Int!) { runEvents(runId: $id, after: $after) { cursor events { seq kind } } }"
TRIGGER = """mutation($input: TriggerRunInput!) { triggerRun(input: $input) { __typename ... on Run { id }
  ... on Error { message } } }"""
__all__ = ["private_postgres", "seaweedfs"]  # the fixtures: a PostgreSQL server of the test's own, an S3 server
Variant = Callable[[Mapping[str, str | None]], tuple[Path, bytes]]  # tests/runs/conftest.py's `variant`
RUN = """query($id: ID!) { run(id: $id) { status reason graphVersion { artifacts { kind sha256 downloadPath } } } }"""


@dataclass
class Topology:
    app: Services  # in the test's process: arranges tenants and reads what the processes wrote
    apis: list[Served]
    workers: list[subprocess.Popen[bytes]]
    settings: dict[str, str]


@pytest.fixture
async def topology(
    private_postgres: PrivatePostgres, settings: Settings, store_settings: dict[str, str], tmp_path: Path
) -> AsyncIterator[Topology]:
    await upgrade_async(private_postgres.url)
    shared = {
        "DVT_DATABASE_URL": private_postgres.url,
        "DVT_SECRET_KEYS": settings.secret_keys or "",
        "DVT_EMBEDDED_WORKER": "false",
        "DVT_RATE_LIMIT_PER_MINUTE": "1000000",
        **store_settings,
    }
    own = Settings(
        database_url=private_postgres.url, data_dir=tmp_path / "arranger", secret_keys=settings.secret_keys,
        artifact_store=store_settings["DVT_ARTIFACT_STORE"],
    )  # fmt: skip
    with contextlib.ExitStack() as stack:
        apis = [stack.enter_context(served(tmp_path / f"api-{n}", shared)) for n in (1, 2)]
        workers = [stack.enter_context(_worker(tmp_path / f"worker-{n}", shared)) for n in (1, 2)]
        with pytest.MonkeyPatch.context() as patch:  # the store reads the AWS variables when it is made
            for name, value in store_settings.items():
                patch.setenv(name, value)
            async with services(own, migrate=False) as app:
                yield Topology(app, apis, workers, shared)


@pytest.fixture
def store_settings(seaweedfs: SeaweedS3) -> dict[str, str]:
    """Where every process keeps artifacts, the one place they share besides the database: an S3 server, under a
    prefix of this test's own."""
    return {"DVT_ARTIFACT_STORE": f"s3://{seaweedfs.bucket}/multi-{uuid.uuid4().hex[:8]}", **seaweedfs.environment()}


def _worker(data_dir: Path, shared: dict[str, str]) -> contextlib.AbstractContextManager[subprocess.Popen[bytes]]:
    env = {**dvt_env(Settings(), data_dir, DVT_WORKER_HEARTBEAT_SECONDS="2"), **shared}
    return dvt_worker(env, data_dir / "worker.log")


async def _place(
    topology: Topology, variant: Variant, files: Mapping[str, str | None] | None = None
) -> tuple[Place, str]:
    place = await make_place(topology.app, *variant(files or {}))
    return place, await token_for(topology.app, place.scope, "admin")


async def _trigger(api: Served, token: str, place: Place, select: tuple[str, ...]) -> str:
    plan = await place.services.plans.create(place.access, place.environment.id, PlanRequest(select=select))
    if plan.status == "draft":
        plan = await place.services.plans.approve(place.access, plan.id, plan.fingerprint)
    variables = {
        "input": {
            "environmentId": str(relay.GlobalID("Environment", str(place.environment.id))),
            "planId": str(relay.GlobalID("Plan", str(plan.id))),
        }
    }
    async with httpx.AsyncClient(base_url=api.base, trust_env=False, timeout=30) as http:
        answer = (await http.post("/graphql", json={"query": TRIGGER, "variables": variables},
                                  headers={"Authorization": f"Bearer {token}"})).json()  # fmt: skip
    run = answer["data"]["triggerRun"]
    assert run["__typename"] == "Run", run
    return str(run["id"])


async def _follow(
    base: str, token: str, run_id: str, seen: list[int], cursor: list[int], moved: asyncio.Event | None = None
) -> None:
    """Events after `cursor[0]` into `seen`, moving the cursor as batches come, until the run has finished; raises
    when the server goes away (what was received is kept)."""
    async with graphql_socket(base, bearer_payload(token)) as socket:
        operation = await socket.start(EVENTS, {"id": run_id, "after": cursor[0]})
        async for reply in socket.replies(operation):
            assert reply.kind == "next", reply.payload
            batch = reply.payload["data"]["runEvents"]
            seen += [e["seq"] for e in batch["events"]]
            cursor[0] = batch["cursor"]
            if moved is not None:
                moved.set()


async def test_a_run_triggered_on_one_api_runs_on_a_worker_and_is_followed_and_downloaded_on_the_other(
    topology: Topology, variant: Variant
) -> None:
    place, token = await _place(topology, variant)
    api_1, api_2 = topology.apis
    run_id = await _trigger(api_1, token, place, ("raw_orders",))
    seen: list[int] = []
    async with asyncio.timeout(FINISH_SECONDS):
        await _follow(api_2.base, token, run_id, seen, [0])
    stored = [e.seq for e in await _events(topology, place, run_id)]
    assert seen == stored, "every event once, in order"
    async with httpx.AsyncClient(base_url=api_2.base, trust_env=False, timeout=30) as http:
        headers = {"Authorization": f"Bearer {token}"}
        run = (await http.post("/graphql", json={"query": RUN, "variables": {"id": run_id}}, headers=headers)).json()
        found = run["data"]["run"]
        assert found["status"] in (RunStatus.SUCCESS.value.upper(), RunStatus.WARNING.value.upper()), found
        artifacts = found["graphVersion"]["artifacts"]
        assert {"manifest", "run_results"} <= {a["kind"] for a in artifacts}
        for artifact in artifacts:  # written by a worker with another data dir: served from the shared store
            body = await http.get(artifact["downloadPath"], headers=headers)
            assert body.status_code == 200 and hashlib.sha256(body.content).hexdigest() == artifact["sha256"]


async def test_a_client_following_a_run_on_a_killed_api_resumes_on_the_other_with_every_event_once(
    topology: Topology, variant: Variant
) -> None:
    place, token = await _place(topology, variant, SLOW)
    api_1, api_2 = topology.apis
    run_id = await _trigger(api_1, token, place, ("+slow_model",))
    seen: list[int] = []
    cursor = [0]
    moved = asyncio.Event()
    following = asyncio.create_task(_follow(api_2.base, token, run_id, seen, cursor, moved))
    slow = "model.demo_shop.slow_model"
    await reaches(topology.app, place.scope, _uuid(run_id), "node_started", slow)
    events = await _events(topology, place, run_id)
    [started] = [e.seq for e in events if e.kind == "node_started" and e.unique_id == slow]
    async with asyncio.timeout(FINISH_SECONDS):
        while True:  # until the client has received it from API 2
            moved.clear()
            if cursor[0] >= started:
                break
            await moved.wait()
    api_2.process.send_signal(signal.SIGKILL)
    api_2.process.wait(30)
    with contextlib.suppress(Closed, OSError, websockets.ConnectionClosed):
        await asyncio.wait_for(following, 30)
    assert following.done()
    await place.services.runs.cancel(place.access, _uuid(run_id))  # the slow model would take minutes
    async with asyncio.timeout(FINISH_SECONDS):
        await _follow(api_1.base, token, run_id, seen, cursor)  # from its cursor, on the other server
    stored = [e.seq for e in await _events(topology, place, run_id)]
    assert seen == stored, "every event exactly once, in order, across the two servers"
    done = await topology.app.runs.run(place.access, _uuid(run_id))
    assert done is not None and done.status == RunStatus.CANCELED.value


async def _events(topology: Topology, place: Place, run_id: str) -> list[RunEventRecord]:
    return await topology.app.runs.events(place.access, _uuid(run_id), 0, 10_000)


def _uuid(global_id: str) -> uuid.UUID:
    return uuid.UUID(relay.GlobalID.from_id(global_id).node_id)


async def test_a_worker_killed_mid_run_leaves_the_run_to_the_other_which_ends_it_worker_lost(
    topology: Topology, variant: Variant
) -> None:
    place, token = await _place(topology, variant, SLOW)
    run_id = await _trigger(topology.apis[0], token, place, ("+slow_model",))
    await reaches(topology.app, place.scope, _uuid(run_id), "node_started", "model.demo_shop.slow_model")
    running = await topology.app.runs.run(place.access, _uuid(run_id))
    assert running is not None and running.worker is not None
    [holder] = [w for w in topology.workers if running.worker.endswith(f":{w.pid}")]
    before = [e.seq for e in await _events(topology, place, run_id)]
    holder.send_signal(signal.SIGKILL)
    holder.wait(30)
    seen: list[int] = []
    async with asyncio.timeout(FINISH_SECONDS):  # the other worker finds it silent past its patience
        await _follow(topology.apis[1].base, token, run_id, seen, [0])
    done = await topology.app.runs.run(place.access, _uuid(run_id))
    assert done is not None and (done.status, done.reason) == (RunStatus.FAILED.value, "worker_lost")
    assert seen[: len(before)] == before and seen == [e.seq for e in await _events(topology, place, run_id)]


async def test_a_database_restart_mid_run_loses_and_repeats_no_event(
    topology: Topology, variant: Variant, private_postgres: PrivatePostgres
) -> None:
    pause = {  # a model that takes a while after the seeds: the restart falls inside the run
        "models/marts/finance/pause.py": (
            "import time\n\n\ndef model(dbt, session):\n    dbt.config(materialized='table')\n"
            "    dbt.ref('stg_orders')\n    time.sleep(8)\n    return session.sql('select 1 as x')\n"
        )
    }
    place, token = await _place(topology, variant, pause)
    run_id = await _trigger(topology.apis[0], token, place, ("+pause",))
    await reaches(topology.app, place.scope, _uuid(run_id), "node_started", "model.demo_shop.pause")
    await asyncio.to_thread(private_postgres.kill)
    await asyncio.sleep(2)
    await asyncio.to_thread(private_postgres.start)
    seen: list[int] = []
    async with asyncio.timeout(FINISH_SECONDS):
        while True:  # the servers come back to the database on their own; a follower may need a new socket
            with contextlib.suppress(Closed, OSError, websockets.ConnectionClosed, AssertionError):
                cursor = [seen[-1] if seen else 0]
                await _follow(topology.apis[1].base, token, run_id, seen, cursor)
                break
            await asyncio.sleep(1)
    done = await topology.app.runs.run(place.access, _uuid(run_id))
    assert done is not None and RunStatus(done.status).finished
    assert done.status in (RunStatus.SUCCESS.value, RunStatus.WARNING.value) or done.reason, done
    stored = [e.seq for e in await _events(topology, place, run_id)]
    assert stored == list(range(1, len(stored) + 1)), "no event lost or written twice"
    assert seen == stored
