"""The artifact store benchmark: ingesting a large manifest with its raw file kept in the local folder against
kept on S3 (a real SeaweedFS on loopback), and downloading it back through the streamed read of each.

    .venv/bin/python -m tests.benchmarks.artifact_store [--rounds 5] [--out docs/benchmarks.md]

Two DVTs wired by bootstrap on one fresh database, one with the default local store, one with
DVT_ARTIFACT_STORE=s3://bucket/prefix; rounds interleave them. Each round ingests into a new tenant, so every
ingest is a whole one (graph and raw file). The local store is the baseline. It prints the table and rewrites
its own section of the output file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.benchmarks.machine import describe
from tests.benchmarks.report import Table, ratio, seconds, write_section
from tests.benchmarks.run import database
from tests.support.seaweedfs import SeaweedS3

SECTION = "artifact-store-benchmark"
ROOT = Path(__file__).resolve().parents[2]
MANIFEST = (
    ROOT.parent / "shared" / "fixtures" / "dbt-artifacts" / "tuva-health__tuva" / "manifest__2024-02-20_dbt1.7.8.json"
)


async def _ingest_then_download(app: Services) -> tuple[float, float]:
    tenant = await app.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}")
    access = Access.system(TenantScope(tenant.id))
    files = [ArtifactFile("manifest.json", MANIFEST.read_bytes())]
    began = time.perf_counter()
    report = await app.ingest.ingest(access, IngestTarget("bench", "prod"), files)
    ingested = time.perf_counter() - began
    [record] = await app.graph.artifacts_of(access, [report.graph_version_id])  # type: ignore[list-item]
    began = time.perf_counter()
    _, stream = await app.graph.artifact_download(access, record.id)
    size = sum([len(chunk) async for chunk in stream.chunks])
    downloaded = time.perf_counter() - began
    assert size == record.size_bytes
    return ingested, downloaded


async def bench(rounds: int, out: Path) -> None:
    started = time.perf_counter()
    server = SeaweedS3()
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="dvt-bench-store-") as tmp:
            async with database() as (url, postgres), AsyncExitStack() as stack:
                local = await stack.enter_async_context(
                    services(Settings(database_url=url, data_dir=Path(tmp) / "local"), migrate=False)
                )
                os.environ.update(server.environment())  # this process's own: the S3 store reads them when made
                on_s3 = Settings(database_url=url, data_dir=Path(tmp) / "s3", artifact_store=f"s3://{server.bucket}/b")
                s3 = await stack.enter_async_context(services(on_s3, migrate=False))
                runs: dict[str, list[tuple[float, float]]] = {"local": [], "s3": []}
                measured: list[tuple[str, Callable[[], Awaitable[tuple[float, float]]]]] = [
                    ("local", lambda: _ingest_then_download(local)),
                    ("s3", lambda: _ingest_then_download(s3)),
                ]
                await measured[0][1]()  # warm both: imports, pools, the S3 connection
                await measured[1][1]()
                for i in range(rounds):
                    for name, measure in measured if i % 2 == 0 else measured[::-1]:
                        runs[name].append(await measure())
                        print(f"round {i + 1}: {name} {runs[name][-1]}", flush=True)
    finally:
        server.remove()
    machine = describe(postgres.split(" (")[0], "not used")
    median = {name: tuple(statistics.median(r[k] for r in got) for k in (0, 1)) for name, got in runs.items()}
    size_mb = MANIFEST.stat().st_size / 1e6
    table = Table(
        f"A {size_mb:.1f} MB manifest: local folder against S3 (SeaweedFS on loopback), median of {rounds}",
        ["store", "ingest (graph + raw file)", "vs local", "streamed download", "vs local"],
        [
            ["local folder: baseline", seconds(median["local"][0]), "1.0x", seconds(median["local"][1]), "1.0x"],
            [
                "S3 (obstore)",
                seconds(median["s3"][0]),
                ratio(median["s3"][0], median["local"][0]),
                seconds(median["s3"][1]),
                ratio(median["s3"][1], median["local"][1]),
            ],
        ],
        [
            "An ingest writes the raw file while it stores the graph, so the store adds to it only what outlasts "
            "the graph's own writes. A download reads the file in chunks of 1 MiB or more, each hashed on the way "
            "(sha256 checked before the last chunk is given). Rounds interleave the two stores.",
        ],
    )
    body = "\n".join(
        [
            "## Artifact store: local folder against S3",
            "",
            f"`python -m tests.benchmarks.artifact_store --rounds {rounds}`, {time.perf_counter() - started:.0f} s "
            f"in all. Database: {postgres}.",
            "",
            *machine.lines(),
            "",
            table.markdown(),
        ]
    )
    print(body)
    write_section(out, SECTION, body)
    print(f"wrote the {SECTION} section of {out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Ingest and download with the local store against S3.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    asyncio.run(bench(args.rounds, args.out))


if __name__ == "__main__":
    main()
