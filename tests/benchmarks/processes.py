"""What a user in CI waits for: `dvt` commands as whole processes, against the bare interpreter doing the least.

- `dvt ingest <manifest>` (interpreter start, imports, settings, connecting, the migration check, the ingestion,
  the report) against `python -c 'import orjson; orjson.loads(open(P, "rb").read())'`;
- `dvt --help` against `python -c pass`.

Each command is a fresh process of this interpreter with the checkout's `backend` first on the path, timed
from spawn to exit; runs of a command and of its baseline alternate, so load on a shared machine falls on both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.dbt_projects import ROOT

DVT = ("-c", "from dvt.cli import main; main()")


@dataclass(frozen=True, slots=True)
class ProcessPair:
    command: float  # median wall time of the dvt process
    baseline: float  # median wall time of the baseline process
    command_runs: list[float]
    baseline_runs: list[float]


def _env(extra: dict[str, str]) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT / "backend"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def _timed(arguments: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{arguments} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def _pair(command: list[list[str]], baseline: list[str], env: dict[str, str]) -> ProcessPair:
    """command holds one argument list per run (an ingestion needs a fresh environment each time)."""
    mine: list[float] = []
    theirs: list[float] = []
    _timed(baseline, env)  # the first spawn warms the file cache for both
    for arguments in command:
        mine.append(_timed(arguments, env))
        theirs.append(_timed(baseline, env))
    return ProcessPair(statistics.median(mine), statistics.median(theirs), mine, theirs)


def cli_cold_start(runs: int = 7) -> ProcessPair:
    """`dvt --help` against `python -c pass`."""
    return _pair([[*DVT, "--help"] for _ in range(runs)], ["-c", "pass"], _env({}))


def ingest_process(manifest: Path, database_url: str, data_dir: Path, project: str, runs: int = 3) -> ProcessPair:
    """`dvt ingest` of the manifest into a fresh environment per run, against orjson.loads of it in a process."""
    env = _env({"DVT_DATABASE_URL": database_url, "DVT_DATA_DIR": str(data_dir)})
    command = [
        [*DVT, "ingest", str(manifest), "--project", project, "--environment", f"p{uuid.uuid4().hex[:8]}"]
        for _ in range(runs)
    ]
    baseline = ["-c", f"import orjson; orjson.loads(open({str(manifest)!r}, 'rb').read())"]
    return _pair(command, baseline, env)
