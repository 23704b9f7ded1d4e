"""The runs benchmark on many machines' worth of processes: one `dvt serve` with its embedded worker and its local
artifact folder (the runs benchmark's setup, the baseline) against an API and two `dvt worker` processes, each with a
data dir of its own and the artifacts on S3 (SeaweedFS on loopback).

    python -m tests.benchmarks.distributed_runs [--rounds 2] [--concurrent 4] [--out docs/benchmarks.md]

Each round, each topology in turn (never both at once: workers take jobs from one queue whatever started them)
runs the demo project end to end through the API (`triggerRun`, plan, queue, checkout, `dbt build`, artifacts, until
a `runEvents` follower receives the final status): one run alone, then `--concurrent` runs at once in fresh
environments (their makespan). Starting the processes is not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from dvt.application.access import Access
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.benchmarks.dbt_projects import dbt_version
from tests.benchmarks.machine import describe
from tests.benchmarks.report import Table, seconds, write_section
from tests.benchmarks.run import database
from tests.benchmarks.runs import demo_project, dvt_run, fresh_environment
from tests.support.seaweedfs import SeaweedS3
from tests.support.server import dvt_serve, dvt_worker

SECTION = "distributed-runs-benchmark"
ROOT = Path(__file__).resolve().parents[2]
ONE = "one process (embedded worker, local folder)"
MANY = "API + two workers, two data dirs, S3"


@contextlib.contextmanager
def topology(name: str, root: Path, env: dict[str, str], s3: SeaweedS3) -> Iterator[str]:
    """The API's base URL with this topology's processes running."""
    if name == ONE:
        with dvt_serve(root / f"one-{uuid.uuid4().hex[:6]}", env) as base:
            yield base
        return
    shared = {
        **env,
        "DVT_EMBEDDED_WORKER": "false",
        "DVT_ARTIFACT_STORE": f"s3://{s3.bucket}/bench-{uuid.uuid4().hex[:6]}",
        **s3.environment(),
    }
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(dvt_serve(root / f"api-{uuid.uuid4().hex[:6]}", shared))
        for n in (1, 2):
            data_dir = root / f"worker-{n}-{uuid.uuid4().hex[:6]}"
            worker_env = {**os.environ, **shared, "DVT_DATA_DIR": str(data_dir), "DVT_WORKER_POLL_SECONDS": "0.5"}
            stack.enter_context(dvt_worker(worker_env, data_dir / "worker.log"))
        yield base


async def bench(rounds: int, concurrent: int, out: Path) -> None:
    wall = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="dvt-bench-distributed-"))
    s3 = SeaweedS3()
    try:
        s3.start()
        demo = demo_project(root)
        async with database() as (url, db_note):
            keys = f"k1:{base64.b64encode(os.urandom(32)).decode()}"
            settings = Settings(database_url=url, data_dir=root / "arranger", secret_keys=keys, rate_limit_per_minute=0)
            async with services(settings, migrate=False) as built:
                tenant = await built.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:6]}")
                access = Access.system(TenantScope(tenant.id))
                _, token = await built.identity.create_api_token(access, "bench", ["admin"])
                await built.tenancy.create_project(access, demo.slug, str(demo.repo))
                env = {"DVT_DATABASE_URL": url, "DVT_SECRET_KEYS": keys, "DVT_RATE_LIMIT_PER_MINUTE": "0"}
                alone: dict[str, list[float]] = {ONE: [], MANY: []}
                makespan: dict[str, list[float]] = {ONE: [], MANY: []}
                n = 0
                for round_ in range(rounds):
                    for name in (ONE, MANY) if round_ % 2 == 0 else (MANY, ONE):
                        with topology(name, root, env, s3) as base:
                            n += 1
                            single = await fresh_environment(built, access, demo, n)
                            alone[name].append((await dvt_run(base, token, single)).seconds)
                            batch = []
                            for _ in range(concurrent):
                                n += 1
                                batch.append(await fresh_environment(built, access, demo, n))
                            started = time.perf_counter()
                            await asyncio.gather(*(dvt_run(base, token, e) for e in batch))
                            makespan[name].append(time.perf_counter() - started)
                        print(
                            f"round {round_ + 1}, {name}: alone {alone[name][-1]:.1f} s, batch {makespan[name][-1]:.1f} s"
                        )
        text = section(db_note.split(" (")[0], alone, makespan, rounds, concurrent, time.perf_counter() - wall)
        print(text)
        write_section(out, SECTION, text)
    finally:
        s3.remove()
        shutil.rmtree(root, ignore_errors=True)


def section(
    postgres: str, alone: dict[str, list[float]], makespan: dict[str, list[float]], rounds: int, concurrent: int,
    total_s: float,
) -> str:  # fmt: skip
    machine = describe(postgres, dbt_version())
    table = Table(
        f"The demo project end to end through the API, median of {rounds} rounds",
        ["topology", "one run", "vs one process", f"{concurrent} runs at once (makespan)", "vs one process"],
    )
    base_alone, base_batch = statistics.median(alone[ONE]), statistics.median(makespan[ONE])
    for name in (ONE, MANY):
        a, b = statistics.median(alone[name]), statistics.median(makespan[name])
        table.rows.append([name, seconds(a), f"{a / base_alone:.2f}x", seconds(b), f"{b / base_batch:.2f}x"])
    table.notes.append(
        "Every run is a fresh environment (its plan runs every node). Each worker runs two runs at once "
        "(DVT_WORKER_CONCURRENCY), the embedded one too. Workers of the second topology share no disk with the API "
        "or each other: checkouts and dbt's files stay in their own data dirs, artifacts go to S3. The machine's two "
        "cores are shared by every process, PostgreSQL, SeaweedFS and dbt."
    )
    command = f"python -m tests.benchmarks.distributed_runs --rounds {rounds} --concurrent {concurrent}"
    facts = "\n".join(machine.lines())
    return f"## Runs on many processes\n\n{facts}\n\n`{command}`, {total_s:.0f} s in all.\n\n{table.markdown()}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Runs with workers on their own data dirs (see docs/benchmarks.md).")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrent", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    arguments = parser.parse_args()
    asyncio.run(bench(arguments.rounds, arguments.concurrent, arguments.out))


if __name__ == "__main__":
    main()
