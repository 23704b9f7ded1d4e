"""A real `dvt serve` (uvicorn) in a process of its own on 127.0.0.1, for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from dvt.config import Settings

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


def shared_settings(settings: Settings, **extra: str) -> dict[str, str]:
    """What a served app needs to share the tests' database and keys, with a fast worker and no rate limit."""
    return {
        "DVT_DATABASE_URL": settings.database_url or "",
        "DVT_SECRET_KEYS": settings.secret_keys or "",
        "DVT_WORKER_POLL_SECONDS": "0.5",
        "DVT_RATE_LIMIT_PER_MINUTE": "0",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Served:
    base: str  # http://127.0.0.1:PORT
    process: subprocess.Popen[bytes]


@contextmanager
def dvt_serve(data_dir: Path, settings: Mapping[str, str]) -> Iterator[str]:
    """Start the server with these DVT_* settings (only these: the caller's own DVT_* are dropped), wait
    until /healthz answers, yield its base URL, and stop it."""
    with served(data_dir, settings) as server:
        yield server.base


@contextmanager
def served(
    data_dir: Path, settings: Mapping[str, str], command: Sequence[str] | None = None, cwd: Path = ROOT
) -> Iterator[Served]:
    """`dvt_serve`, yielding its process too, for tests that signal it. It ends with SIGTERM (a clean stop).
    `command`: another `dvt serve` (an installed wheel's), run in `cwd`."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVT_")}
    env.update(DVT_DATA_DIR=str(data_dir), DVT_HOST="127.0.0.1", DVT_PORT=str(port), DVT_LOG_LEVEL="warning")
    env.update(settings)
    log_path = data_dir / "serve.log"
    with log_path.open("ab") as log:
        argv = list(command or [sys.executable, "-c", "from dvt.cli import main; main()", "serve"])
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1, trust_env=False).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dvt serve did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield Served(base, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def dvt_worker(env: Mapping[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `dvt worker` process with exactly this environment, its output in `log_path`; on the way out it is stopped
    (SIGTERM, then SIGKILL after 30 s) unless the test ended it already."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", "from dvt.cli import main; main()", "worker"],
            env=dict(env), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait()
