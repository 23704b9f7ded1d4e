"""Schedules benchmark: 1,000 jobs due in the same minute, three scheduler processes, fire lag and doubles.

A fresh database holds one environment (jaffle_shop's manifest) and 1,000 `* * * * *` jobs whose next
occurrence is the same minute; each fire triggers a real run (queued, then dispatched to `planning`). Three real processes run the scheduler
loop (what `dvt serve` and `dvt worker` run, here alone: no dbt worker). This process polls `job_fires` every
50 ms and notes when each fire becomes visible (committed); the lag is that moment minus the occurrence.
Doubles: runs of one job beyond one for that occurrence (the unique (job, fire_at) makes a second fire row
impossible; a second run would be the failure to look for).

    python -m tests.benchmarks.schedules [--jobs N] [--processes N] [--tenants N] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.job_scheduler import CLAIM_BATCH
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.benchmarks.report import Table, met, seconds, write_section
from tests.benchmarks.run import database
from tests.conftest import FIXTURES

SECTION = "schedules-benchmark"
MANIFEST = FIXTURES / "yu-iskw__dbt-artifacts-parser" / "manifest_1.11__v12__jaffle_shop.json"
INTERVAL = 0.5  # DVT_SCHEDULER_INTERVAL_SECONDS of the benchmark's processes
TARGET_P95 = 2.0


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def prepare(url: str, jobs: int, tenants: int, data_dir: Path) -> tuple[list[uuid.UUID], datetime]:
    """Tenants with one environment each, `jobs` jobs spread over them, all due at the same minute."""
    settings = Settings(database_url=url, data_dir=data_dir, secret_keys=None)
    scopes: list[uuid.UUID] = []
    environments: list[uuid.UUID] = []
    async with services(settings, migrate=False) as built:
        for _ in range(tenants):
            tenant = await built.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}")
            access = Access.system(TenantScope(tenant.id))
            await built.tenancy.create_project(access, "shop", "/nonexistent/repository")
            environment = await built.tenancy.create_environment(
                access, "shop", "dev", "postgres", git_ref="main", settings={}
            )
            target = IngestTarget("shop", "dev", create_missing=False)
            await built.ingest.ingest(access, target, [ArtifactFile("manifest.json", MANIFEST.read_bytes())])
            scopes.append(tenant.id)
            environments.append(environment.id)
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    if (due - now).total_seconds() < 20:  # time for the processes to start and settle
        due += timedelta(minutes=1)
    connection = await asyncpg.connect(_dsn(url))
    try:
        rows = [(uuid.uuid4(), scopes[i % tenants], environments[i % tenants], f"job-{i}", due) for i in range(jobs)]
        await connection.executemany(
            """INSERT INTO jobs (id, tenant_id, environment_id, name, steps, timeout_seconds, overlap, misfire, cron,
               timezone, next_fire_at, created_by)
               VALUES ($1, $2, $3, $4, '[{"command": "build", "select": ["stg_customers"]}]'::jsonb, 3600, 'skip',
               'run_once', '* * * * *', 'UTC', $5, 'benchmark')""",
            rows,
        )
    finally:
        await connection.close()
    return scopes, due


def scheduler_process(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ, "DVT_DATABASE_URL": url, "DVT_DATA_DIR": str(data_dir),
        "DVT_SCHEDULER_INTERVAL_SECONDS": str(INTERVAL),
    }  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "tests.benchmarks.schedules", "--serve-scheduler"], env=env)


async def serve_scheduler() -> None:
    """One scheduler process: the loop `dvt serve` and `dvt worker` run, without a dbt worker."""
    import signal

    async with services(Settings()) as built:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sent in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sent, stop.set)
        await built.scheduler.run(stop)


async def observe(url: str, scopes: list[uuid.UUID], jobs: int, due: datetime, limit: float) -> dict[uuid.UUID, float]:
    """Job id -> seconds from the due minute to the moment this poller first saw a fire of it committed."""
    seen: dict[uuid.UUID, float] = {}
    connection = await asyncpg.connect(_dsn(url))
    try:
        deadline = time.monotonic() + limit
        while len(seen) < jobs and time.monotonic() < deadline:
            # Per job, its first fire of any occurrence: a job reached after the misfire grace fires for a later
            # occurrence (run_once), and its lag still counts from the minute all were due.
            rows = await connection.fetch(
                "SELECT DISTINCT job_id FROM job_fires WHERE tenant_id = ANY($1::uuid[]) AND fire_at >= $2", scopes, due
            )
            now = datetime.now(UTC)
            for row in rows:
                seen.setdefault(row["job_id"], (now - due).total_seconds())
            await asyncio.sleep(0.05)
    finally:
        await connection.close()
    return seen


async def doubles(url: str, scopes: list[uuid.UUID]) -> tuple[int, int, dict[str, int]]:
    connection = await asyncpg.connect(_dsn(url))
    try:
        # Each fire row names the one run it triggered, in its own transaction: a run of a job that no fire names
        # is a second run of an occurrence. (A job reached late also fires its next minute: not a double.)
        extra_runs = await connection.fetchval(
            """SELECT count(*) FROM runs r WHERE r.tenant_id = ANY($1::uuid[]) AND r.job_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM job_fires f WHERE f.run_id = r.id)""",
            scopes,
        )
        extra_fires = await connection.fetchval(
            """SELECT count(*) - count(DISTINCT (job_id, fire_at)) FROM job_fires WHERE tenant_id = ANY($1::uuid[])""",
            scopes,
        )
        outcomes = dict(
            await connection.fetch(
                "SELECT outcome, count(*) FROM job_fires WHERE tenant_id = ANY($1::uuid[]) GROUP BY outcome", scopes
            )
        )
    finally:
        await connection.close()
    return int(extra_runs), int(extra_fires), {str(k): int(v) for k, v in outcomes.items()}


async def measure(jobs: int, processes: int, tenants: int) -> Table:
    data_dir = Path(tempfile.mkdtemp(prefix="dvt-bench-schedules-"))
    async with database() as (url, server):
        scopes, due = await prepare(url, jobs, tenants, data_dir)
        started = [scheduler_process(url, data_dir) for _ in range(processes)]
        try:
            wait = (due - datetime.now(UTC)).total_seconds()
            await asyncio.sleep(max(0.0, wait - 1))
            seen = await observe(url, scopes, jobs, due, limit=600)
        finally:
            for process in started:
                process.terminate()
            for process in started:
                process.wait(60)
        extra_runs, extra_fires, outcomes = await doubles(url, scopes)
    lags = sorted(seen.values())
    p50 = statistics.median(lags) if lags else float("nan")
    p95 = lags[max(0, int(len(lags) * 0.95) - 1)] if lags else float("nan")
    table = Table(
        f"{jobs} jobs due in the same minute, {processes} scheduler processes, {tenants} tenant(s)",
        ["fires seen", "lag p50", "lag p95", "lag max", "doubles", f"p95 < {TARGET_P95:.0f} s"],
        [
            [
                str(len(lags)),
                seconds(p50),
                seconds(p95),
                seconds(lags[-1]) if lags else "—",
                str(extra_runs + extra_fires),
                met(p95 < TARGET_P95 and extra_runs + extra_fires == 0),
            ]
        ],
        notes=[
            f"Outcomes: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}. Database: {server}. "
            f"Scheduler interval {INTERVAL} s; lag = when this poller (every 50 ms) first saw the fire committed, "
            f"minus the occurrence. A scheduler pass claims up to {CLAIM_BATCH} due jobs a transaction and fires each "
            "tenant's share as one batch, with a handful of statements whatever its size: the fires inserted "
            "(the unique (job, occurrence) their guard), the jobs' active runs read at once, the runs "
            "(`build -s stg_customers`, queued) numbered per environment by one UPDATE and inserted together with "
            "their queued events, the fires' outcomes set, the audit records appended with one take of the chain's "
            "lock, and the jobs' next occurrences set. The environment row (run numbers) and the tenant's audit "
            "chain still serialise the batches of the one tenant, so the processes take turns, a batch at a time. "
            "Once a pass has no due job left, its runs are dispatched to `planning` per tenant, many runs a "
            "statement (a worker would plan them from the branch; none runs here).",
        ],
    )
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--tenants", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--serve-scheduler", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_scheduler:
        asyncio.run(serve_scheduler())
        return
    table = asyncio.run(measure(args.jobs, args.processes, args.tenants))
    print(table.markdown())
    if args.out:
        body = "## Schedules\n\n" + table.markdown()
        write_section(args.out, SECTION, body)


if __name__ == "__main__":
    main()
