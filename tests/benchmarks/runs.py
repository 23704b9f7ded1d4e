"""Runs benchmark: DVT end to end against plain `dbt build`, event latency, and 200 followers of one run.

For the demo project and a generated 500-model project, in the same run and interleaved: plain `dbt build` of
the whole project in a fresh checkout (the baseline), and DVT doing the same work end to end through the real
`dvt serve` (embedded worker): `triggerRun` over GraphQL, plan, queue, checkout, profile, `dbt build` of the
plan's nodes, artifact ingestion, until a `runEvents` subscriber over graphql-transport-ws receives the
final status. Each DVT run goes to a fresh environment, so its plan runs every node, as the baseline does.

Latency is measured from dbt's own timestamp of each NodeFinished line (same machine clock) to the moment a
subscriber receives the event. With 200 subscribers on one run, each records every event's lag; "no growing
lag" compares the lag of the run's last quarter of events with its first.

    python -m tests.benchmarks.runs [--runs N] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.benchmarks.dbt_projects import dbt_version
from tests.benchmarks.machine import describe
from tests.benchmarks.project_generator import generate_project
from tests.benchmarks.report import Table, met, write_section
from tests.benchmarks.run import database
from tests.support.dbt_repos import DBT, DEMO, git, parse
from tests.support.server import dvt_serve

SECTION = "runs-benchmark"
SUBSCRIBERS = 200
TRIGGER = """mutation($input: TriggerRunInput!) { triggerRun(input: $input) {
  __typename ... on Run { id plan { id fingerprint status } } ... on Error { message } } }"""
APPROVE = "mutation($input: DecidePlanInput!) { approvePlan(input: $input) { __typename } }"
EVENTS = "subscription($id: ID!) { runEvents(runId: $id, after: 0) { cursor events { seq kind payload } } }"
RESULT = "query($id: ID!) { run(id: $id) { status nodes { uniqueId status } } }"
EVENT_PAGE = """query($id: ID!, $after: Int!) { run(id: $id) {
  events(after: $after, first: 1000) { seq kind statusText message createdAt payload } } }"""
PHASES = ("queue and plan", "checkout and profile", "dbt", "artifacts, ingestion, final event")


@dataclass
class Project:
    name: str
    slug: str
    repo: Path
    manifest: bytes
    duckdb_env: str  # the variable its profiles.yml reads its DuckDB path from


@dataclass
class Sample:
    baseline_s: list[float] = field(default_factory=list)
    dvt_s: list[float] = field(default_factory=list)
    nodes: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    phases: list[dict[str, float]] = field(default_factory=list)


def _commit(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "benchmark project")


def demo_project(root: Path) -> Project:
    demo = root / "demo"
    shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    _commit(demo)
    return Project("demo_shop", "demo-shop", demo, parse(demo, root / "demo-parse"), "DVT_DEMO_DUCKDB_PATH")


def projects(root: Path) -> list[Project]:
    generated = generate_project(root / "gen500", 500)
    _commit(generated)
    return [
        demo_project(root),
        Project(
            "generated, 500 models", "gen500", generated, parse(generated, root / "gen-parse"), "DVT_GEN_DUCKDB_PATH"
        ),
    ]


def plain_dbt_build(project: Project, scratch: Path) -> tuple[float, set[str]]:
    """The baseline: `dbt build` of the whole project in a fresh clone, on a fresh DuckDB file."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", str(project.repo), str(scratch / "repo")], check=True)
    env = {**os.environ, "DO_NOT_TRACK": "1", project.duckdb_env: str(scratch / "plain.duckdb")}
    started = time.perf_counter()
    subprocess.run(
        [str(DBT), "build", "--profiles-dir", ".", "--target-path", str(scratch / "target"),
         "--log-path", str(scratch / "logs"), "--no-use-colors"],
        cwd=scratch / "repo", env=env, check=True, capture_output=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    results = json.loads((scratch / "target" / "run_results.json").read_text())["results"]
    return elapsed, {r["unique_id"] for r in results}


def ephemeral(project: Project) -> set[str]:
    nodes = json.loads(project.manifest)["nodes"]
    return {uid for uid, node in nodes.items() if node.get("config", {}).get("materialized") == "ephemeral"}


async def fresh_environment(built: Services, access: Access, project: Project, n: int) -> str:
    slug = f"e{n}"
    await built.tenancy.create_environment(access, project.slug, slug, "duckdb")
    target = IngestTarget(project.slug, slug, create_missing=False)
    await built.ingest.ingest(access, target, [ArtifactFile("manifest.json", project.manifest)])
    environment = await built.tenancy.environment(access, target.project, slug)
    return base64.b64encode(f"Environment:{environment.id}".encode()).decode()


async def gql(server: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server, trust_env=False, timeout=120) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
        )
    body: dict[str, Any] = response.json()
    if "errors" in body:
        raise RuntimeError(body["errors"])
    return body["data"]


async def follow(server: str, token: str, run_id: str, ready: asyncio.Event | None = None) -> list[float]:
    """Subscribe to the run's events until its final status; the lag of each node_finished event, in ms."""
    url = server.replace("http://", "ws://") + "/graphql"
    lags: list[float] = []
    async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        json.loads(await ws.recv())
        subscribe = {"query": EVENTS, "variables": {"id": run_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        if ready is not None:
            ready.set()
        while True:
            message = json.loads(await ws.recv())
            if message["type"] != "next":
                return lags
            received = time.time()
            for event in message["payload"]["data"]["runEvents"]["events"]:
                if event["kind"] == "NODE_FINISHED":
                    written = datetime.fromisoformat(event["payload"]["at"]).timestamp()
                    lags.append((received - written) * 1000)


@dataclass
class DvtRun:
    seconds: float
    nodes: set[str]
    lags: list[list[float]]  # per follower
    phases: dict[str, float]  # where the time went, from the run's own events


async def phases(server: str, token: str, run_id: str, triggered: float, ended: float) -> dict[str, float]:
    events: list[dict[str, Any]] = []
    while True:
        page = (await gql(server, token, EVENT_PAGE, id=run_id, after=events[-1]["seq"] if events else 0))["run"]
        events += page["events"]
        if len(page["events"]) < 1000:
            break

    def at(kind: str, match: str | None = None) -> float:
        found = next(
            e for e in events if e["kind"] == kind and (match is None or match in (e["statusText"] or e["message"]))
        )
        return datetime.fromisoformat(found["createdAt"]).timestamp()

    running, dbt_start, dbt_end = at("STATUS", "running"), at("STAGE", "dbt "), at("INVOCATION_FINISHED")
    return {
        PHASES[0]: running - triggered,
        PHASES[1]: dbt_start - running,
        PHASES[2]: dbt_end - dbt_start,
        PHASES[3]: ended - dbt_end,
    }


async def dvt_run(server: str, token: str, environment: str, subscribers: int = 1) -> DvtRun:
    """Trigger, approve if asked, follow to the end: wall time, nodes run, each follower's lags, phases."""
    started, triggered = time.perf_counter(), time.time()
    found = (await gql(server, token, TRIGGER, input={"environmentId": environment}))["triggerRun"]
    if found["__typename"] != "Run":
        raise RuntimeError(found)
    followers = []
    for _ in range(subscribers):
        ready = asyncio.Event()
        followers.append(asyncio.create_task(follow(server, token, found["id"], ready)))
        await ready.wait()
    if found["plan"] and found["plan"]["status"] == "DRAFT":  # planned by a worker later: by policy here
        decided = {"planId": found["plan"]["id"], "fingerprint": found["plan"]["fingerprint"]}
        await gql(server, token, APPROVE, input=decided)
    lags = await asyncio.gather(*followers)
    elapsed, ended = time.perf_counter() - started, time.time()
    run = (await gql(server, token, RESULT, id=found["id"]))["run"]
    if run["status"] != "SUCCESS":
        raise RuntimeError(f"the DVT run ended {run['status']}")
    ran = {n["uniqueId"] for n in run["nodes"] if n["status"].lower() not in ("not_run", "ephemeral")}
    return DvtRun(elapsed, ran, list(lags), await phases(server, token, found["id"], triggered, ended))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


async def bench(runs: int, out: Path) -> None:
    wall = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="dvt-bench-runs-"))
    try:
        found = projects(root)
        async with database() as (url, db_note):
            keys = ",".join(f"k{i}:{base64.b64encode(os.urandom(32)).decode()}" for i in (1,))
            settings = Settings(database_url=url, data_dir=root / "dvt", secret_keys=keys, rate_limit_per_minute=0)
            async with services(settings, migrate=False) as built:
                tenant = await built.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:6]}")
                access = Access.system(TenantScope(tenant.id))
                _, token = await built.identity.create_api_token(access, "bench", ["admin"])
                for project in found:
                    await built.tenancy.create_project(access, project.slug, str(project.repo))
                env = {"DVT_DATABASE_URL": url, "DVT_SECRET_KEYS": keys, "DVT_RATE_LIMIT_PER_MINUTE": "0"}
                samples: dict[str, Sample] = {}
                crowd: list[list[float]] = []
                n = 0
                with dvt_serve(root / "serve", env) as server:
                    for project in found:
                        sample = samples[project.name] = Sample()
                        for i in range(runs):
                            n += 1
                            environment = await fresh_environment(built, access, project, n)
                            # Interleaved, alternating which goes first, so drift on a shared machine hits both.
                            order = ["plain", "dvt"] if i % 2 == 0 else ["dvt", "plain"]
                            for which in order:
                                if which == "plain":
                                    seconds, plain_nodes = await asyncio.to_thread(
                                        plain_dbt_build, project, root / "plain"
                                    )
                                    sample.baseline_s.append(seconds)
                                else:
                                    done = await dvt_run(server, token, environment)
                                    dvt_nodes = done.nodes
                                    sample.dvt_s.append(done.seconds)
                                    sample.latencies_ms += done.lags[0]
                                    sample.phases.append(done.phases)
                            # dbt reports ephemeral models' start and finish but writes no result for them, and
                            # `dbt build` writes a no-op result per exposure, which plans do not run.
                            plain_nodes = {u for u in plain_nodes if not u.startswith("exposure.")}
                            dvt_nodes -= ephemeral(project)
                            if dvt_nodes != plain_nodes:
                                raise RuntimeError(
                                    f"DVT ran {sorted(dvt_nodes - plain_nodes)[:10]} that plain dbt did not, "
                                    f"and not {sorted(plain_nodes - dvt_nodes)[:10]}"
                                )
                            sample.nodes = len(dvt_nodes)
                        print(f"{project.name}: plain {sample.baseline_s} dvt {sample.dvt_s}")
                    n += 1
                    environment = await fresh_environment(built, access, found[-1], n)
                    crowd = (await dvt_run(server, token, environment, SUBSCRIBERS)).lags
        text = section(describe(db_note.split(" (")[0], dbt_version()), samples, crowd, time.perf_counter() - wall)
        print(text)
        write_section(out, SECTION, text)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def section(machine: Any, samples: dict[str, Sample], crowd: list[list[float]], total_s: float) -> str:
    overhead = Table(
        "Runs: DVT end to end vs plain `dbt build` (same nodes, same machine, interleaved)",
        ["project", "nodes", "plain dbt build (median)", "DVT trigger → final event (median)", "ratio", "target"],
    )
    for name, s in samples.items():
        ratio = statistics.median(s.dvt_s) / statistics.median(s.baseline_s)
        target = f"≤ 1.10x: {met(ratio <= 1.10)}" if "500" in name else "—"
        overhead.rows.append([
            name, str(s.nodes), f"{statistics.median(s.baseline_s):.2f} s", f"{statistics.median(s.dvt_s):.2f} s",
            f"{ratio:.2f}x", target,
        ])  # fmt: skip
    overhead.notes.append(
        "DVT's time includes planning, queueing, `git clone`, the generated profile, dbt's debug-level JSON file "
        "log, storing and ingesting the artifacts as the next graph version, and the final event reaching a "
        "WebSocket subscriber. The baseline is `dbt build` in a fresh clone on a fresh DuckDB file."
    )
    where = Table("Runs: where DVT's time goes (median of its runs)", ["project", *PHASES])
    for name, s in samples.items():
        where.rows.append([name, *(f"{statistics.median(p[k] for p in s.phases):.2f} s" for k in PHASES)])
    where.notes.append(
        "From the run's own events (database clock) and the client's clock: trigger → `running`, `running` → dbt "
        "started, dbt started → dbt's `CommandCompleted`, then → the final event received by the subscriber."
    )
    latency = Table(
        "Runs: dbt NodeFinished line → subscriber (graphql-transport-ws)",
        ["followers", "events", "p50", "p95", "max", "target"],
    )
    single = [lag for s in samples.values() for lag in s.latencies_ms]
    every = [lag for lags in crowd for lag in lags]
    quarter = max(1, len(crowd[0]) // 4) if crowd else 1
    first = [lag for lags in crowd for lag in lags[:quarter]]
    last = [lag for lags in crowd for lag in lags[-quarter:]]
    steady = percentile(last, 0.95) <= 2 * max(percentile(first, 0.95), 50)
    for label, lags, target in (
        ("1 per run", single, f"p95 < 250 ms: {met(percentile(single, 0.95) < 250)}"),
        (f"{SUBSCRIBERS} on one run", every, f"no growing lag: {met(steady)}"),
    ):
        latency.rows.append([
            label, str(len(lags)), f"{percentile(lags, 0.5):.0f} ms", f"{percentile(lags, 0.95):.0f} ms",
            f"{max(lags):.0f} ms", target,
        ])  # fmt: skip
    latency.notes.append(
        f"With {SUBSCRIBERS} followers the p95 lag of the run's first quarter of node events is "
        f"{percentile(first, 0.95):.0f} ms and of its last quarter {percentile(last, 0.95):.0f} ms. Each follower "
        "gets every event once; a batch (one WebSocket message) holds what is new since its last one."
    )
    lines = ["## Runs (`python -m tests.benchmarks.runs`)", "", *machine.lines(), f"- Total: {total_s:.0f} s", ""]
    return "\n".join([*lines, overhead.markdown(), where.markdown(), latency.markdown()])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="DVT and plain runs per project (interleaved)")
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks.md"))
    args = parser.parse_args(argv)
    asyncio.run(bench(args.runs, args.out))


if __name__ == "__main__":
    main()
