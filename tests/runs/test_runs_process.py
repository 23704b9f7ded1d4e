"""Runs across processes and warehouses: a worker killed with SIGKILL, dbt on PostgreSQL, `dvt run --wait`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from dvt.adapters.db.engine import plain_dsn
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.runs import RunStatus
from tests.runs.conftest import Place, finished, make_place, reaches, workers
from tests.runs.test_runs import SLOW, Variant, approve_and_trigger, explain
from tests.support.server import dvt_worker

ROOT = Path(__file__).resolve().parents[2]


def dvt_env(settings: Settings, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVT_")}
    env.update(
        DVT_DATABASE_URL=settings.database_url or "",
        DVT_SECRET_KEYS=settings.secret_keys or "",
        DVT_DATA_DIR=str(data_dir),
        DVT_WORKER_POLL_SECONDS="0.5",
        **extra,
    )
    return env


@pytest.fixture
def killable_worker(settings: Settings, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `dvt worker` process of its own, with a 2-second heartbeat."""
    env = dvt_env(settings, tmp_path / "worker", DVT_WORKER_HEARTBEAT_SECONDS="2")
    with dvt_worker(env, tmp_path / "worker.log") as process:
        yield process


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


async def gone(pid: int, seconds: float = 30) -> bool:
    for _ in range(int(seconds / 0.2)):
        if not alive(pid):
            return True
        await asyncio.sleep(0.2)
    return False


async def test_a_worker_killed_mid_run_is_detected_and_its_run_ends_worker_lost_with_its_events_kept(
    app: Services, variant: Variant, killable_worker: subprocess.Popen[bytes]
) -> None:
    place = await make_place(app, *variant(SLOW))
    run = await approve_and_trigger(place)
    await reaches(app, place.scope, run.id, "node_started", "model.demo_shop.slow_model")
    before = await app.runs.events(place.access, run.id, 0, 10_000)
    dbt_pid = next(int(e.payload["pid"]) for e in before if e.kind == "invocation_started")
    killable_worker.send_signal(signal.SIGKILL)
    killable_worker.wait()
    assert await gone(dbt_pid)  # dbt dies with its worker: a lost run stops writing to the warehouse
    async with workers(app, heartbeat=2):
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.FAILED.value and done.reason == "worker_lost"
    after = await app.runs.events(place.access, run.id, 0, 10_000)
    assert [(e.seq, e.kind, e.unique_id) for e in after[: len(before)]] == [
        (e.seq, e.kind, e.unique_id) for e in before
    ]
    assert any(e.kind == "worker_lost" for e in after[len(before) :])
    finished_before = {e.unique_id for e in before if e.kind == "node_finished"}
    nodes = {n.unique_id: n.status for n in await app.runs.nodes(place.access, [run.id])}
    kept = {u: nodes[u] for u in finished_before}
    assert kept and set(kept.values()) <= {"success", "pass"}, kept


async def test_a_run_on_postgresql_tags_every_query_with_the_run_and_the_node(
    app: Services, settings: Settings, variant: Variant
) -> None:
    whoami = {"models/staging/whoami.sql": "{{ config(materialized='table') }}\nselect current_query() as q\n"}
    repo, manifest = variant(whoami)
    dsn = plain_dsn(settings.database_url or "")
    url = make_url(dsn)  # the test server: this machine's, or the embedded one on its socket directory
    schema = f"dvt_run_{uuid.uuid4().hex[:8]}"
    connection_settings = {
        "host": url.host or str(url.query.get("host", "127.0.0.1")),
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "dbname": url.database,
        "schema": schema,
    }
    place: Place = await make_place(app, repo, manifest, adapter="postgres", settings=connection_settings)
    await app.secrets.put(place.access, place.environment.id, "PASSWORD", "trust-ignores-it")
    async with workers(app):
        run = await approve_and_trigger(place, ("whoami",))
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.SUCCESS.value, await explain(app, place, done)
    connection = await asyncpg.connect(dsn)
    try:
        # current_query() is the statement text as the server received it: dbt's query comment included.
        seen = await connection.fetchval(f'select q from "{schema}".whoami')
        await connection.execute(f'drop schema "{schema}" cascade')
    finally:
        await connection.close()
    comment = json.loads(seen[seen.index("/*") + 2 : seen.rindex("*/")])["dvt"]
    node_uuid = next(n.node_uuid for n in await app.runs.nodes(place.access, [run.id]))
    assert comment == {
        "run_id": str(run.id),
        "node_uuid": str(node_uuid),
        "unique_id": "model.demo_shop.whoami",
        "tenant": comment["tenant"],
        "environment": "dev",
        "trace_id": run.trace_id,
    }
    assert comment["tenant"].startswith("t-")


async def test_dvt_run_wait_json_prints_the_finished_run_and_exits_by_its_outcome(
    settings: Settings, tmp_path: Path, place: Place
) -> None:
    env = dvt_env(settings, tmp_path / "cli")

    def dvt_run(select: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from dvt.cli import main; main()", "run", "--project", "shop",
                   "--environment", "dev", "--select", select, "--tenant", place.tenant_slug, "--approve",
                   "--wait", "--json"]  # fmt: skip
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)

    done = await asyncio.to_thread(dvt_run, "raw_orders")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["status"] == "success" and uuid.UUID(body["run_id"])
    assert body["nodes"] == [{"unique_id": "seed.demo_shop.raw_orders", "status": "success"}]
    failing = await asyncio.to_thread(dvt_run, "stg_payments")  # its seed was never loaded: dbt fails
    assert failing.returncode == 1 and json.loads(failing.stdout)["status"] == "failed"


async def test_dvt_run_with_the_same_idempotency_key_twice_returns_the_first_run(
    app: Services, settings: Settings, tmp_path: Path, place: Place
) -> None:
    env = dvt_env(settings, tmp_path / "cli")

    def dvt_run() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from dvt.cli import main; main()", "run", "--project", "shop",
                   "--environment", "dev", "--select", "raw_orders", "--tenant", place.tenant_slug, "--approve",
                   "--idempotency-key", "deploy-42", "--json"]  # fmt: skip
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)

    first = await asyncio.to_thread(dvt_run)
    again = await asyncio.to_thread(dvt_run)  # a CI job retried after a timeout
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    run_id = uuid.UUID(json.loads(first.stdout)["run_id"])
    assert uuid.UUID(json.loads(again.stdout)["run_id"]) == run_id
    await app.runs.cancel(place.access, run_id)  # nothing left for later tests' workers
