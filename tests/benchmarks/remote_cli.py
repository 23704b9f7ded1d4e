"""The remote CLI's cold start: what a CI step waits for when it holds a token instead of database credentials.

- `dvt --help` against `python -c pass`;
- a remote `dvt runs list --json` (DVT_URL + DVT_TOKEN, no database settings: interpreter start, imports, the
  generated client, two GraphQL requests to a real `dvt serve` on loopback, the JSON out) against `python -c pass`;
- the same `dvt runs list --json` in the local mode (straight to the database) for comparison.

Each command is a fresh process; runs of a command and of its baseline alternate (tests/benchmarks/processes.py),
so load on a shared machine falls on both. The environment holds 50 runs (the list's default page).

    python -m tests.benchmarks.remote_cli [--runs 7] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from tests.benchmarks import processes
from tests.benchmarks.dbt_projects import dbt_version
from tests.benchmarks.machine import describe
from tests.benchmarks.report import Table, ratio, seconds, write_section
from tests.benchmarks.run import database
from tests.support.server import dvt_serve

SECTION = "remote-cli-benchmark"
ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT.parent / "shared" / "fixtures" / "dbt-artifacts" / "yu-iskw__dbt-artifacts-parser"
RUNS_IN_LIST = 50


async def prepare(url: str, data_dir: Path) -> tuple[str, str]:
    """A tenant with jaffle_shop's graph and RUNS_IN_LIST runs in its environment; its slug and an admin token."""
    import uuid

    from dvt.application.access import Access
    from dvt.application.ingest import ArtifactFile, IngestTarget
    from dvt.bootstrap import services
    from dvt.config import Settings
    from dvt.domain.identity import SYSTEM
    from dvt.domain.plan.plan import PlanRequest
    from dvt.domain.runs import Trigger
    from dvt.domain.tenancy import TenantScope

    manifest = (MANIFEST / "manifest_1.12__v12__jaffle_shop.json").read_bytes()
    async with services(Settings(database_url=url, data_dir=data_dir, secret_keys=None), migrate=False) as built:
        tenant = await built.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}")
        access = Access.system(TenantScope(tenant.id))
        await built.ingest.ingest(access, IngestTarget("shop", "dev"), [ArtifactFile("manifest.json", manifest)])
        environment = await built.tenancy.environment(access, "shop", "dev")
        for _ in range(RUNS_IN_LIST):
            await built.runs.trigger(access, environment.id, request=PlanRequest(), trigger=Trigger.CLI)
        _, token = await built.identity.create_api_token(access, "bench", ["admin"])
    return tenant.slug, token


def measure(runs: int) -> tuple[str, Table]:
    data_dir = Path(tempfile.mkdtemp(prefix="dvt-bench-remote-cli-"))
    config = Path(tempfile.mkdtemp(prefix="dvt-bench-config-"))
    baseline = ["-c", "pass"]
    listing = [*processes.DVT, "runs", "list", "--project", "shop", "--environment", "dev", "--json"]

    async def with_database() -> tuple[str, list[tuple[str, processes.ProcessPair]]]:
        async with database() as (url, server):
            slug, token = await prepare(url, data_dir)
            # Runs stay queued: no worker or scheduler here, so nothing else competes for the CPU.
            served = {"DVT_DATABASE_URL": url, "DVT_EMBEDDED_WORKER": "false", "DVT_SCHEDULER_ENABLED": "false"}
            with dvt_serve(data_dir / "served", served) as base:
                bare = {k: v for k, v in os.environ.items() if not k.startswith("DVT_")}
                remote = {**processes._env({}), **bare, "DVT_URL": base, "DVT_TOKEN": token,
                          "XDG_CONFIG_HOME": str(config)}  # fmt: skip
                remote = {k: v for k, v in remote.items() if k != "DVT_DATABASE_URL"}
                local = processes._env({"DVT_DATABASE_URL": url, "DVT_DATA_DIR": str(data_dir)})
                pairs = [
                    ("`dvt --help`", processes.cli_cold_start(runs)),
                    ("`dvt runs list --json`, remote (API)", processes._pair([listing] * runs, baseline, remote)),
                    ("`dvt runs list --json`, local (database)",
                     processes._pair([[*listing, "--tenant", slug]] * runs, baseline, local)),
                ]  # fmt: skip
            return server, pairs

    server, pairs = asyncio.run(with_database())
    table = Table(
        "Cold start of the CLI, each against `python -c pass` in the same run",
        ["command", "median", "python -c pass", "ratio", "runs"],
        [[name, seconds(p.command), seconds(p.baseline), ratio(p.command, p.baseline), str(runs)] for name, p in pairs],
        notes=[
            f"The environment holds {RUNS_IN_LIST} runs. The remote command holds DVT_URL and DVT_TOKEN and no "
            "database settings: it imports the generated client (httpx, pydantic), asks the API for the "
            "environment's id and one page of runs, and prints the same JSON as the local mode, which instead "
            "imports SQLAlchemy and asyncpg, builds the services and reads the database. The server is a real "
            f"`dvt serve` on loopback. Database: {server}.",
        ],
    )
    return server, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    started = time.perf_counter()
    server, table = measure(args.runs)
    machine = describe(server.split(" (")[0], dbt_version())
    body = "\n".join(
        [
            "## Remote CLI: cold start",
            "",
            f"`python -m tests.benchmarks.remote_cli --runs {args.runs}`, {time.perf_counter() - started:.0f} s in all.",
            "",
            *machine.lines(),
            "",
            table.markdown(),
        ]
    )
    write_section(args.out, SECTION, body)
    print(body)


if __name__ == "__main__":
    main()
