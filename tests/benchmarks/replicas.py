"""The replicas benchmark: GraphQL read throughput and latency of two `dvt serve` replicas against one.

    .venv/bin/python -m tests.benchmarks.replicas [--clients 50] [--requests 20] [--rounds 3] [--out docs/benchmarks.md]

A closed loop on loopback: `--clients` clients, each sending its next request when the last one answered, each
`--requests` times (a bounded count: it stops by itself), the 100-node list query of the security benchmark with an
API token. With one replica every client calls it; with two, clients alternate between them (as a load balancer
would). Both replicas are real `dvt serve` processes (no embedded worker) with data dirs of their own, on one
database. The configurations are interleaved round by round; the section reports each one's median over the rounds.
The load generators run in two processes of their own, so one Python process's loop does not cap the measure.

The database is a fresh `dvt_bench_<hex>` on DVT_BENCH_DATABASE_URL's server (else DVT_TEST_DATABASE_URL's), or
the embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import statistics
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.benchmarks.machine import describe
from tests.benchmarks.report import Table, seconds, write_section
from tests.benchmarks.run import database
from tests.benchmarks.security import LIST_MANIFEST, LIST_QUERY
from tests.support.server import dvt_serve

SECTION = "replicas-benchmark"
ROOT = Path(__file__).resolve().parents[2]
GENERATORS = 2  # load-generating processes


def _load(
    bases: list[str], token: str, version: str, clients: int, requests: int, first: int
) -> tuple[list[float], float, float]:
    """One generator process: `clients` closed-loop clients (numbered from `first`), each `requests` requests to
    its replica (client n calls bases[n % len(bases)]): every request's latency in seconds, and when the load began
    and ended (wall clock, so that the processes' spans compare; the process's start is not counted)."""

    async def client(number: int, http: httpx.AsyncClient) -> list[float]:
        body = {"query": LIST_QUERY, "variables": {"id": version}}
        url = f"{bases[number % len(bases)]}/graphql"
        latencies = []
        for _ in range(requests):
            began = time.perf_counter()
            answer = await http.post(url, json=body)
            latencies.append(time.perf_counter() - began)
            if answer.status_code != 200 or "errors" in answer.json():
                raise RuntimeError(f"the replica refused the query: {answer.text[:300]}")
        return latencies

    async def all_clients() -> tuple[list[float], float, float]:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(limits=limits, headers=headers, trust_env=False, timeout=120) as http:
            began = time.time()
            found = await asyncio.gather(*(client(first + n, http) for n in range(clients)))
            ended = time.time()
        return [latency for latencies in found for latency in latencies], began, ended

    return asyncio.run(all_clients())


def closed_loop(bases: list[str], token: str, version: str, clients: int, requests: int) -> dict[str, float]:
    """Requests per second and latency percentiles of one closed-loop load against these replicas."""
    share = [clients // GENERATORS + (1 if n < clients % GENERATORS else 0) for n in range(GENERATORS)]
    firsts = [sum(share[:n]) for n in range(GENERATORS)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(GENERATORS) as pool:
        parts = pool.starmap(
            _load, [(bases, token, version, c, requests, f) for c, f in zip(share, firsts, strict=True)]
        )
    elapsed = max(ended for _, _, ended in parts) - min(began for _, began, _ in parts)
    latencies = sorted(latency for found, _, _ in parts for latency in found)
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / elapsed, "p50": cuts[49], "p95": cuts[94], "count": len(latencies)}


async def _arrange(url: str, data_dir: Path) -> tuple[str, str]:
    """A tenant with the 142-node graph and a viewer's API token: (the graph version's relay id, the token)."""
    async with services(Settings(database_url=url, data_dir=data_dir), migrate=False) as app:
        tenant = await app.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}")
        system = Access.system(TenantScope(tenant.id))
        files = [ArtifactFile(LIST_MANIFEST.name, LIST_MANIFEST.read_bytes())]
        report = await app.ingest.ingest(system, IngestTarget("zendesk", "prod"), files)
        _, token = await app.identity.create_api_token(system, "replicas", ["viewer"])
    return base64.b64encode(f"GraphVersion:{report.graph_version_id}".encode()).decode(), token


async def measure(clients: int, requests: int, rounds: int) -> dict[str, Any]:
    started = time.perf_counter()
    async with database() as (url, postgres):
        data_dir = Path(tempfile.mkdtemp(prefix="dvt-replicas-"))
        version, token = await _arrange(url, data_dir / "arranger")
        settings = {"DVT_DATABASE_URL": url, "DVT_EMBEDDED_WORKER": "false", "DVT_RATE_LIMIT_PER_MINUTE": "0"}
        results: dict[str, list[dict[str, float]]] = {"one replica": [], "two replicas": []}
        with ExitStack() as stack:
            bases = [stack.enter_context(dvt_serve(data_dir / f"api-{n}", settings)) for n in (1, 2)]
            closed_loop(bases, token, version, clients, 2)  # warm both: connections, plans of the query
            for _ in range(rounds):
                results["one replica"].append(closed_loop(bases[:1], token, version, clients, requests))
                results["two replicas"].append(closed_loop(bases, token, version, clients, requests))
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p95")}
        for name, runs in results.items()
    }
    return {
        "medians": medians,
        "requests": clients * requests,
        "postgres": postgres,
        "seconds": time.perf_counter() - started,
    }


def section(numbers: dict[str, Any], clients: int, requests: int, rounds: int) -> str:
    machine = describe(numbers["postgres"], "not used")
    one, two = numbers["medians"]["one replica"], numbers["medians"]["two replicas"]
    table = Table(
        f"GraphQL reads, {clients} closed-loop clients, {numbers['requests']:,} requests a round",
        ["replicas", "requests/s", "p50", "p95", "throughput vs one"],
    )
    for name, found in (("one", one), ("two", two)):
        table.rows.append(
            [
                name,
                f"{found['rps']:,.0f}",
                seconds(found["p50"]),
                seconds(found["p95"]),
                f"{found['rps'] / one['rps']:.2f}x",
            ]
        )
    table.notes.append(
        f"The 100-node list query (security benchmark) with a viewer's API token; medians of {rounds} interleaved "
        f"rounds; load from {GENERATORS} generator processes on the same machine. Each replica is a `dvt serve` "
        "(no embedded worker, rate limit off) with a data dir of its own, on one database. The machine's cores "
        "are shared by the replicas, PostgreSQL and the load: two replicas can only use what the others leave."
    )
    command = f"python -m tests.benchmarks.replicas --clients {clients} --requests {requests} --rounds {rounds}"
    facts = "\n".join(machine.lines())
    return f"## API replicas\n\n{facts}\n\n`{command}`, {numbers['seconds']:.0f} s in all.\n\n{table.markdown()}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Two dvt serve replicas against one (see docs/benchmarks.md).")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    arguments = parser.parse_args()
    numbers = asyncio.run(measure(arguments.clients, arguments.requests, arguments.rounds))
    print(json.dumps(numbers["medians"], indent=2))
    write_section(arguments.out, SECTION, section(numbers, arguments.clients, arguments.requests, arguments.rounds))


if __name__ == "__main__":
    main()
