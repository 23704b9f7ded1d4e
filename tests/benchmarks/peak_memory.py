"""Peak memory of one ingestion (or of one `orjson.loads`, the baseline), measured in a process of its own.

    python -m tests.benchmarks.peak_memory ingest|orjson MANIFEST [--url URL --environment SLUG --data-dir DIR]

Prints one JSON object: the process's resident set just before the measured step (interpreter, imports,
open connections and the file's bytes already in memory; VmRSS) and its peak RSS after it
(`getrusage(RUSAGE_SELF).ru_maxrss`, KiB on Linux), with the high-water mark reset just before the step
through /proc/self/clear_refs, so the growth is the most the step itself held.

RSS rather than tracemalloc: it also counts what C code allocates (asyncpg's buffers, the COPY payload,
orjson's output buffers), which tracemalloc does not see, and it costs nothing while measuring, where
tracemalloc slows allocation-heavy code several times over.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import resource
import time
from pathlib import Path
from typing import Any


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    """Forget the peak so far (the interpreter's start-up and imports may have reached a higher one)."""
    # Linux >= 4.0 resets the resident high-water mark; without it the peak after the step may still be
    # the start-up's, and the growth overstated.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _current_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return _peak_kib()  # no /proc: the peak so far, which can only understate the growth


def _measure_orjson(manifest: Path) -> dict[str, Any]:
    import orjson

    data = manifest.read_bytes()
    gc.collect()
    _reset_peak()
    before = _current_kib()
    started = time.perf_counter()
    document = orjson.loads(data)
    seconds = time.perf_counter() - started
    after = _peak_kib()
    del document
    return {"before_kib": before, "after_kib": after, "seconds": seconds}


async def _measure_ingest(data: bytes, url: str, environment: str, data_dir: Path) -> dict[str, Any]:
    from dvt.application.ingest import ArtifactFile, IngestTarget
    from dvt.bootstrap import services
    from dvt.config import Settings
    from tests.benchmarks.caller import bench_caller

    async with services(Settings(database_url=url, data_dir=data_dir), migrate=False) as built:
        caller = await bench_caller(built, with_token=False)
        gc.collect()
        _reset_peak()
        before = _current_kib()
        started = time.perf_counter()
        report = await built.ingest.ingest(
            caller.principal, IngestTarget("bench-memory", environment), [ArtifactFile("manifest.json", data)]
        )
        seconds = time.perf_counter() - started
        after = _peak_kib()
        assert report.created, "a fresh environment must make a new graph version"
    return {"before_kib": before, "after_kib": after, "seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("mode", choices=("ingest", "orjson"))
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--url")
    parser.add_argument("--environment", default="memory")
    parser.add_argument("--data-dir", type=Path, default=Path(".dvt-bench"))
    args = parser.parse_args(argv)
    if args.mode == "orjson":
        result = _measure_orjson(args.manifest)
    else:
        if not args.url:
            parser.error("ingest needs --url")
        result = asyncio.run(_measure_ingest(args.manifest.read_bytes(), args.url, args.environment, args.data_dir))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
