"""The plan benchmark of the issue: DVT's plan for `state:modified+` against `dbt ls` of the same selection.

    .venv/bin/python -m tests.benchmarks.plans [--sizes 1000,5000,10000] [--changed 20] [--out docs/benchmarks.md]

For each N it takes two generated projects (`tests/benchmarks/project_generator.py`, seed 0): the base
(nothing changed: the very project the ingest benchmark caches in `.cache/bench/gen-N`) and the head
(`changed=K`: K models' SQL altered, in `.cache/bench/gen-N-changed-K`), each parsed by the real
`dbt parse` into its own target folder and cached between runs. Into one environment of a scratch
database it ingests the base manifest with a generated run_results (so estimates have history), then
the head manifest. It then times:

- DVT: `PlanService.create(select=state:modified+)` against the previous graph version (selection,
  state diff, history, policies, estimate, sealing and storing the plan), cold (a fresh `GraphCache`:
  both graph versions loaded from the database) and warm (the versions cached), median of 5 each;
- dbt: `dbt ls --select state:modified+ --state <base target> --resource-type all` in the head
  project, with the partial-parse file of an earlier parse of the head project in place, median of 3;

and checks that the plan's `selected` is exactly the set of unique_ids dbt lists. It prints the table
and rewrites its own section of the output file. Times are reported, never asserted.
`--sizes 200 --changed 5` is a smoke run of about a minute (once its projects are parsed).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pyinstrument import Profiler

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.plans import GraphCache, PlanService
from dvt.application.ports import UnitOfWorkFactory
from dvt.application.records import PlanRecord
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.plan.policies.registry import PolicyRegistry
from tests.benchmarks.caller import bench_caller
from tests.benchmarks.dbt_projects import (
    CACHE,
    DBT,
    ROOT,
    STAMP,
    ParsedProject,
    _dbt_env,
    _stamp,
    dbt_parse,
    dbt_version,
    parsed_project,
    stamp_matches,
)
from tests.benchmarks.machine import Machine, describe
from tests.benchmarks.project_generator import MACRO_NAME, PROJECT_NAME, generate_project
from tests.benchmarks.report import Table, met, ratio, seconds, write_section
from tests.benchmarks.run import database

SECTION = "plan-benchmark"
DEFAULT_SIZES = (1_000, 5_000, 10_000)
DEFAULT_CHANGED = 20
SEED = 0
SELECT = "state:modified+"
PLAN_RUNS = 5  # median, cold and warm each
LS_RUNS = 3  # median
CLI_RUNS = 3  # `dvt plan` processes, median
PROJECT = "plans"

TARGET_SIZE = 10_000  # the issue sets the time target for 10,000 models
TARGET_WARM_S = 0.300  # a plan in under 300 ms
TARGET_RATIO = 30.0  # at least 30x faster than `dbt ls`
SHOWN_DIFFERENCES = 5
FULLY_PARTIAL = "Partial parsing enabled: 0 files deleted, 0 files added, 0 files changed"


# ---------------------------------------------------------------------------------------------- projects


def head_project(n_models: int, changed: int, *, seed: int = SEED) -> ParsedProject:
    """The project of n_models models with `changed` of them altered, parsed by `dbt parse` and cached.

    Like `dbt_projects.parsed_project` (same digest stamp, same dbt invocation), in its own folder so
    that the base project and its target stay as the ingest benchmark caches them.
    """
    root = CACHE / f"gen-{n_models}-changed-{changed}"
    target = root / "target"
    manifest = target / "manifest.json"
    stamp_path = root / STAMP
    generate_project(root, n_models, seed=seed, changed=changed)
    wanted = {**_stamp(n_models, seed, root), "changed": changed}
    if manifest.exists() and (target / "partial_parse.msgpack").exists() and stamp_path.exists():
        stamp = json.loads(stamp_path.read_text())
        if stamp_matches(stamp, wanted):
            return ParsedProject(n_models, seed, root, manifest, float(stamp["parse_seconds"]), True)

    print(f"  running dbt parse on {n_models} models ({changed} changed) in {root.relative_to(ROOT)} ...", flush=True)
    stamp_path.unlink(missing_ok=True)
    manifest.unlink(missing_ok=True)
    elapsed = dbt_parse(root, f"{n_models} models ({changed} changed)")
    stamp_path.write_text(json.dumps({**wanted, "parse_seconds": round(elapsed, 3)}, indent=2) + "\n")
    return ParsedProject(n_models, seed, root, manifest, elapsed, False)


MACRO_SHARE = 0.2  # models calling the macro of the "macro changed" case; with their descendants, most models


def macro_project(n_models: int, *, changed: bool, seed: int = SEED) -> ParsedProject:
    """The "a widely used macro changed" pair: the project where a fifth of the models call one macro
    (`changed=False`, the base) or the same with that macro's SQL altered (`changed=True`, the head)."""
    root = CACHE / f"gen-{n_models}-macro{'-changed' if changed else ''}"
    target = root / "target"
    manifest = target / "manifest.json"
    stamp_path = root / STAMP
    generate_project(root, n_models, seed=seed, macro_share=MACRO_SHARE, macro_changed=changed)
    wanted = {**_stamp(n_models, seed, root), "macro_share": MACRO_SHARE, "macro_changed": changed}
    if manifest.exists() and (target / "partial_parse.msgpack").exists() and stamp_path.exists():
        stamp = json.loads(stamp_path.read_text())
        if stamp_matches(stamp, wanted):
            return ParsedProject(n_models, seed, root, manifest, float(stamp["parse_seconds"]), True)
    what = f"{n_models} models, macro {'changed' if changed else 'as in the base'}"
    print(f"  running dbt parse on {what} in {root.relative_to(ROOT)} ...", flush=True)
    stamp_path.unlink(missing_ok=True)
    manifest.unlink(missing_ok=True)
    elapsed = dbt_parse(root, what)
    stamp_path.write_text(json.dumps({**wanted, "parse_seconds": round(elapsed, 3)}, indent=2) + "\n")
    return ParsedProject(n_models, seed, root, manifest, elapsed, False)


# Plausible `dbt build` times in seconds, by what runs: (low, high) of a log-uniform draw.
_DURATIONS = {
    "view": (0.05, 0.8),
    "table": (0.5, 20.0),
    "incremental": (1.0, 60.0),
    "seed": (0.2, 2.0),
    "test": (0.1, 5.0),
    "snapshot": (1.0, 30.0),
}


def docs_run_results(manifest: dict[str, Any]) -> bytes:
    """The run_results of a `dbt docs generate` of the manifest's project in an invocation of its own."""
    return orjson.dumps(
        {
            "metadata": {
                "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
                "dbt_version": manifest["metadata"].get("dbt_version", "1.11.0"),
                "generated_at": "2026-01-05T07:00:00Z",
                "invocation_id": str(uuid.uuid4()),
                "env": {},
            },
            "results": [],
            "elapsed_time": 1.0,
            "args": {"which": "generate"},
        }
    )


def base_run_results(manifest: dict[str, Any], n_models: int) -> bytes:
    """A `dbt build` run_results of the base manifest (same invocation id): every model, seed, snapshot and
    test succeeded, with execution times drawn from a seeded RNG by materialization."""
    rng = random.Random(f"run-results:{n_models}")
    results: list[dict[str, Any]] = []
    for unique_id, node in sorted(manifest["nodes"].items()):
        resource_type = node.get("resource_type")
        materialized = node.get("config", {}).get("materialized")
        if resource_type == "model":
            if materialized == "ephemeral":
                continue  # compiled into its children, never executed
            kind = materialized if materialized in _DURATIONS else "table"
        elif resource_type in ("seed", "test", "snapshot"):
            kind = resource_type
        else:
            continue
        low, high = _DURATIONS[kind]
        execution_time = round(low * (high / low) ** rng.random(), 3)
        results.append(
            {
                "unique_id": unique_id,
                "status": "pass" if resource_type == "test" else "success",
                "execution_time": execution_time,
                "thread_id": f"Thread-{rng.randint(1, 4)}",
                "message": "PASS" if resource_type == "test" else "OK",
                "failures": 0 if resource_type == "test" else None,
                "adapter_response": {"_message": "OK"},
                "timing": [
                    {"name": "compile", "started_at": "2026-01-05T05:59:58Z", "completed_at": "2026-01-05T05:59:59Z"},
                    {"name": "execute", "started_at": "2026-01-05T05:59:59Z", "completed_at": "2026-01-05T06:00:00Z"},
                ],
            }
        )
    metadata = manifest["metadata"]
    return orjson.dumps(
        {
            "metadata": {
                "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
                "dbt_version": metadata.get("dbt_version", "1.11.0"),
                "generated_at": "2026-01-05T06:00:00Z",
                "invocation_id": metadata["invocation_id"],
                "env": {},
            },
            "results": results,
            "elapsed_time": round(sum(r["execution_time"] for r in results) / 4, 3),
            "args": {"which": "build"},
        }
    )


# ---------------------------------------------------------------------------------------------- dbt ls


@dataclass(frozen=True, slots=True)
class DbtList:
    median: float
    runs: list[float]
    unique_ids: list[str]  # sorted
    parsing: str  # what dbt's log said about partial parsing


def _parsing_note(log: Path) -> str:
    """dbt's own line about partial parsing in this run's log."""
    if not log.exists():
        return "no log"
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        for marker in ("Partial parsing enabled", "Unable to do partial parsing", "Partial parsing not enabled"):
            if marker in line:
                return line[line.index(marker) :].strip()
    return "no partial-parsing line in the log"


def dbt_ls(head: ParsedProject, base_target: Path) -> DbtList:
    """`dbt ls` of the selection in the head project, as a user runs it after a `dbt parse` of that project.

    Its own target and log folders; before each run the target folder holds the partial-parse file the
    head project's `dbt parse` wrote, so dbt finds the project's files unchanged since that parse.
    """
    work = head.root / "ls"
    target, logs = work / "target", work / "logs"
    command = [
        str(DBT),
        "ls",
        "--select",
        SELECT,
        "--state",
        str(base_target),
        "--resource-type",
        "all",
        "--output",
        "json",
        "--output-keys",
        "unique_id",
        "--no-use-colors",
        "--profiles-dir",
        str(head.root),
        "--target-path",
        str(target),
        "--log-path",
        str(logs),
    ]
    times: list[float] = []
    listed: list[str] = []
    parsing = ""
    for _ in range(LS_RUNS):
        shutil.rmtree(work, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copy2(head.manifest.parent / "partial_parse.msgpack", target / "partial_parse.msgpack")
        started = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, env=_dbt_env(head.root), cwd=head.root, check=False
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"dbt ls failed in {head.root}:\n{done.stdout}\n{done.stderr}")
        times.append(elapsed)
        listed = sorted(_listed_ids(done.stdout))
        parsing = _parsing_note(logs / "dbt.log")
    return DbtList(statistics.median(times), times, listed, parsing)


def _listed_ids(stdout: str) -> list[str]:
    """The unique_ids of `--output json --output-keys unique_id`: one JSON object per line among dbt's logs."""
    ids: list[str] = []
    for line in stdout.splitlines():
        text = line.strip()
        if not text.startswith("{"):
            continue
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict) and isinstance(value.get("unique_id"), str) and len(value) == 1:
            ids.append(value["unique_id"])
    return ids


# ---------------------------------------------------------------------------------------------- DVT


async def _timed(
    service: PlanService, access: Access, environment_id: uuid.UUID, request: PlanRequest
) -> tuple[float, PlanRecord]:
    gc.collect()  # start every run from the same heap; the collector stays on, as in a server
    started = time.perf_counter()
    record = await service.create(access, environment_id, request)
    return time.perf_counter() - started, record


@dataclass(frozen=True, slots=True)
class DvtPlans:
    warm: float
    warm_runs: list[float]
    moved: float  # warm, but each plan after new results moved the environment's history mark
    moved_runs: list[float]
    cold: float
    cold_runs: list[float]
    selected: list[str]
    items: int
    run: int
    skip: int
    skipped_types: dict[str, int]  # resource type -> SKIP items of that type
    fingerprints: int  # distinct fingerprints over every plan made (1: deterministic)


async def dvt_plans(
    units: UnitOfWorkFactory,
    access: Access,
    environment_id: uuid.UUID,
    new_results: Callable[[], Awaitable[None]],
) -> DvtPlans:
    """Cold, warm, and warm after `new_results` (untimed) moved the history each time."""
    request = PlanRequest(select=(SELECT,))
    records: list[PlanRecord] = []

    cold_runs: list[float] = []
    for _ in range(PLAN_RUNS):
        fresh = PlanService(units, PolicyRegistry(), graphs=GraphCache())
        elapsed, record = await _timed(fresh, access, environment_id, request)
        cold_runs.append(elapsed)
        records.append(record)

    service = PlanService(units, PolicyRegistry(), graphs=GraphCache())
    records.append(await service.create(access, environment_id, request))  # loads both versions: untimed
    warm_runs: list[float] = []
    for _ in range(PLAN_RUNS):
        elapsed, record = await _timed(service, access, environment_id, request)
        warm_runs.append(elapsed)
        records.append(record)

    moved_runs: list[float] = []
    for _ in range(PLAN_RUNS):
        await new_results()
        elapsed, record = await _timed(service, access, environment_id, request)
        moved_runs.append(elapsed)
        records.append(record)

    document = orjson.loads(records[-1].document)
    items = document["items"]
    return DvtPlans(
        warm=statistics.median(warm_runs),
        warm_runs=warm_runs,
        moved=statistics.median(moved_runs),
        moved_runs=moved_runs,
        cold=statistics.median(cold_runs),
        cold_runs=cold_runs,
        selected=list(document["selected"]),
        items=len(items),
        run=sum(1 for i in items if i["action"] == "RUN"),
        skip=sum(1 for i in items if i["action"] == "SKIP"),
        skipped_types=dict(sorted(Counter(i["resource_type"] for i in items if i["action"] == "SKIP").items())),
        fingerprints=len({r.fingerprint for r in records}),
    )


def plan_processes(database_url: str, data_dir: Path, environment: str) -> list[float]:
    """`dvt plan -s state:modified+` as whole processes (what `dvt plan` in CI costs: start, imports, connecting,
    loading and indexing both graph versions, which no process keeps between runs)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "backend"), os.environ.get("PYTHONPATH")) if p),
        "DVT_DATABASE_URL": database_url,
        "DVT_DATA_DIR": str(data_dir),
    }
    command = [sys.executable, "-c", "from dvt.cli import main; main()", "plan", "--project", PROJECT]
    command += ["--environment", environment, "--select", SELECT, "--json"]
    times: list[float] = []
    for _ in range(CLI_RUNS):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"dvt plan failed:\n{done.stdout}\n{done.stderr}")
    return times


def _write_profile(out: Path, name: str, profiler: Profiler) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.txt").write_text(profiler.output_text(unicode=False, show_all=False))
    (out / f"{name}.html").write_text(profiler.output_html())


async def profile_plans(
    units: UnitOfWorkFactory, access: Access, environment_id: uuid.UUID, out: Path, n_models: int
) -> None:
    """pyinstrument profiles of one cold and one warm `PlanService.create`, as text and HTML in `out`."""
    request = PlanRequest(select=(SELECT,))
    service = PlanService(units, PolicyRegistry(), graphs=GraphCache())
    for kind in ("cold", "warm"):
        gc.collect()
        profiler = Profiler(interval=0.0005, async_mode="enabled")
        profiler.start()
        await service.create(access, environment_id, request)
        profiler.stop()
        _write_profile(out, f"plan-{n_models}-{kind}", profiler)
    print(f"  profiles written to {out}/plan-{n_models}-{{cold,warm}}.{{txt,html}}", flush=True)


# ---------------------------------------------------------------------------------------------- one size


@dataclass(frozen=True, slots=True)
class SizeResult:
    n_models: int
    change: str  # what the head changed: "20 models" or "1 macro (called by 2,050 models)"
    base: ParsedProject
    head: ParsedProject
    graph_nodes: int
    history_results: int
    dvt: DvtPlans
    dbt: DbtList
    cli: list[float]  # `dvt plan` as whole processes

    @property
    def equal(self) -> bool:
        return self.dvt.selected == self.dbt.unique_ids

    @property
    def ratio(self) -> float:
        return self.dbt.median / self.dvt.warm

    @property
    def met(self) -> bool:
        fast = self.dvt.warm < TARGET_WARM_S
        return fast and self.ratio >= TARGET_RATIO and self.equal

    def differences(self) -> tuple[list[str], list[str]]:
        dvt, dbt = set(self.dvt.selected), set(self.dbt.unique_ids)
        return sorted(dvt - dbt), sorted(dbt - dvt)


def _macro_callers(project: ParsedProject) -> int:
    manifest = orjson.loads(project.manifest.read_bytes())
    name = f"macro.{PROJECT_NAME}.{MACRO_NAME}"
    return sum(1 for n in manifest["nodes"].values() if name in (n.get("depends_on") or {}).get("macros", ()))


async def measure_size(
    n_models: int,
    change: str,
    base: ParsedProject,
    head: ParsedProject,
    built: Services,
    units: UnitOfWorkFactory,
    access: Access,
    profile: Path | None,
    database_url: str,
    data_dir: Path,
) -> SizeResult:
    base_data, head_data = base.manifest.read_bytes(), head.manifest.read_bytes()
    print(
        f"  base {base.root.relative_to(ROOT)} ({len(base_data) / 1e6:.1f} MB), "
        f"head {head.root.relative_to(ROOT)} ({len(head_data) / 1e6:.1f} MB)",
        flush=True,
    )

    results = base_run_results(orjson.loads(base_data), n_models)
    target = IngestTarget(PROJECT, f"n{n_models}-{change.split()[1]}-{uuid.uuid4().hex[:6]}")
    first = await built.ingest.ingest(
        access, target, [ArtifactFile("manifest.json", base_data), ArtifactFile("run_results.json", results)]
    )
    second = await built.ingest.ingest(access, target, [ArtifactFile("manifest.json", head_data)])
    if not (first.created and second.created) or first.graph_version_id == second.graph_version_id:
        raise RuntimeError("the base and the head must make two graph versions of the environment")
    environment = await built.tenancy.environment(access, PROJECT, target.environment)
    history = len(orjson.loads(results)["results"])
    print(f"  ingested base + run_results ({history} results) and head into {target.environment}", flush=True)

    async def new_results() -> None:
        # A `docs generate` of its own: a new invocation moves the history mark, and adds no history (dbt's
        # docs execute nothing), so every plan stays the same and reads the same history again.
        files = [ArtifactFile("run_results.json", docs_run_results(orjson.loads(head_data)))]
        await built.ingest.ingest(access, target, files)

    dvt = await dvt_plans(units, access, environment.id, new_results)
    print(
        f"  DVT plan: warm {seconds(dvt.warm)} {[seconds(t) for t in dvt.warm_runs]}, "
        f"after new results {seconds(dvt.moved)} {[seconds(t) for t in dvt.moved_runs]}, "
        f"cold {seconds(dvt.cold)} {[seconds(t) for t in dvt.cold_runs]}; {len(dvt.selected)} selected, "
        f"{dvt.run} run, {dvt.skip} skip, {dvt.fingerprints} fingerprint(s)",
        flush=True,
    )
    if profile is not None:
        await profile_plans(units, access, environment.id, profile, n_models)
    cli = await asyncio.to_thread(plan_processes, database_url, data_dir, target.environment)
    print(f"  dvt plan as a process: {[seconds(t) for t in cli]}", flush=True)

    dbt = dbt_ls(head, base.manifest.parent)
    print(
        f"  dbt ls: {seconds(dbt.median)} {[seconds(t) for t in dbt.runs]}, {len(dbt.unique_ids)} listed; "
        f"{dbt.parsing}",
        flush=True,
    )
    result = SizeResult(n_models, change, base, head, sum(second.counts.values()), history, dvt, dbt, cli)
    only_dvt, only_dbt = result.differences()
    print(
        f"  equal selections: {'yes' if result.equal else 'NO'}"
        + (
            f"; only DVT: {only_dvt[:SHOWN_DIFFERENCES]}; only dbt: {only_dbt[:SHOWN_DIFFERENCES]}"
            if not result.equal
            else ""
        ),
        flush=True,
    )
    return result


# ---------------------------------------------------------------------------------------------- report


def _first(ids: list[str]) -> str:
    if not ids:
        return "none"
    shown = ", ".join(f"`{i}`" for i in ids[:SHOWN_DIFFERENCES])
    return shown + (f" and {len(ids) - SHOWN_DIFFERENCES} more" if len(ids) > SHOWN_DIFFERENCES else "")


def _skipped(dvt: DvtPlans) -> str:
    if not dvt.skip:
        return f"{dvt.items:,} ({dvt.run:,} / 0)"
    kinds = ", ".join(f"{count} {kind}" for kind, count in dvt.skipped_types.items())
    return f"{dvt.items:,} ({dvt.run:,} / {dvt.skip:,}: {kinds})"


def tables(results: list[SizeResult]) -> list[Table]:
    reparsed = [r for r in results if not r.dbt.parsing.startswith(FULLY_PARTIAL)]
    partial = (
        "**Partial parsing applies, reparsing nothing**, in every run."
        if not reparsed
        else "**Partial parsing did not fully apply** at N = "
        + ", ".join(f"{r.n_models:,}" for r in reparsed)
        + " (see the last column)."
    )
    main = Table(
        "Plan for `state:modified+` against `dbt ls`",
        (
            "N",
            "change",
            "selected nodes",
            "DVT warm (judged)",
            "DVT warm, after new results",
            "DVT cold",
            "`dvt plan` process",
            "`dbt ls`",
            "ratio (dbt / DVT warm)",
            "equal",
            "targets",
            "met",
        ),
        notes=[
            "DVT: `PlanService.create(access, environment, PlanRequest(select=('state:modified+',)))` in "
            "process, against the environment's previous graph version (the base): the selection with "
            "indirect test selection, dbt's `state:modified` rules, the history of the base's run_results, "
            "the policies, the estimate, sealing and storing the plan and its audit event; median of "
            f"{PLAN_RUNS}, with a `gc.collect()` before each run and the collector on. **Warm**: the "
            "service's `GraphCache` already holds both graph versions (after one untimed plan), and with "
            "them the selection's history and estimates, kept until the environment's results move (each "
            "plan checks that with one query); **warm, after new results**: the same server, but before each "
            "plan a run's results arrive (an untimed ingestion of a `docs generate` run_results, a new "
            "invocation that adds no history), so each plan reads and weighs the history again, as the first "
            "plan after a run does; **cold**: "
            "a fresh `GraphCache` per run, so both versions' nodes and macros are read from PostgreSQL and "
            "indexed. **The targets are judged on the warm time**: a server keeps the versions it planned "
            "recently in memory, and the head version is the one every plan of an environment reads until "
            "the next ingestion; the first plan after an ingestion (or a restart) pays the cold time. "
            f"`dvt plan` process: `dvt plan --select state:modified+ --json` as a whole process, median of "
            f"{CLI_RUNS} (start, imports, connecting, and the cold plan: no process keeps graphs between runs).",
            "",
            "`dbt ls`: `dbt ls --select state:modified+ --state <base target> --resource-type all --output "
            "json --output-keys unique_id --no-use-colors` in the head project folder (profiles there, its "
            f"own `--target-path` and `--log-path`, `DO_NOT_TRACK=1`), wall time of the process, median of "
            f"{LS_RUNS}. {partial} Before each run the target folder holds the "
            "`partial_parse.msgpack` of an earlier `dbt parse` of the head project itself, so dbt can find no "
            "file changed and reparse nothing (its log's line on it is in the last column below). This is "
            "the fastest `dbt ls` "
            "a user gets; right after editing models dbt would also reparse the edited files, and with no "
            "partial-parse file (a fresh clone, CI) it parses the whole project (the `dbt parse` times below).",
            "",
            "Equal: the plan document's `selected` (the stored plan, `orjson.loads(record.document)"
            "['selected']`) is exactly the set of unique_ids `dbt ls` lists. Targets from the issue: at least "
            f"{TARGET_RATIO:g}x faster than `dbt ls` with identical selections, and under "
            f"{TARGET_WARM_S * 1000:g} ms for {TARGET_SIZE:,} models (smaller N are held to it too).",
        ],
    )
    details = Table(
        "Projects and plans",
        (
            "N",
            "graph nodes",
            "`dbt parse` base / head",
            "base results",
            "plan items (run / skip)",
            "fingerprints",
            "DVT warm runs",
            "DVT warm runs after new results",
            "DVT cold runs",
            "`dbt ls` runs",
            "dbt's partial parsing",
        ),
        notes=[
            "Base: `.cache/bench/gen-N` (seed 0, nothing changed; the project the ingest benchmark uses); "
            "head: `.cache/bench/gen-N-changed-K` (seed 0, K models' SQL changed). The macro case (change "
            '"1 macro"): base `.cache/bench/gen-N-macro`, where a fifth of the models compute their value '
            "through the project macro `gen_value` (the rest select it through them), head "
            "`.cache/bench/gen-N-macro-changed`, the same with that macro's SQL altered (not its result): "
            "dbt's `state:modified` marks every caller modified and `+` adds their descendants. Both parsed by "
            "`dbt parse --no-partial-parse` into their own `target/`; parse times marked *cached* were "
            "recorded when the cached manifest was made. The base is ingested with a run_results that the "
            "benchmark generates from the base manifest (same invocation id: every model except ephemeral "
            "ones, seed and test succeeded, execution times drawn log-uniformly per materialization from a "
            "seeded RNG), then the head is ingested into the same environment. Fingerprints: the distinct "
            f"fingerprints among the {3 * PLAN_RUNS + 1} plans made for a size (1: every plan the same). "
            "Plan items that SKIP are typed: an exposure selected by `state:modified+` is skipped by the "
            "`selection` policy because `dbt build` executes nothing for it.",
        ],
    )
    for r in results:
        n = f"{r.n_models:,}"
        fast_target = f"< {TARGET_WARM_S * 1000:g} ms"
        main.rows.append(
            (
                n,
                r.change,
                f"{len(r.dbt.unique_ids):,}" + ("" if r.equal else f" (DVT {len(r.dvt.selected):,})"),
                seconds(r.dvt.warm),
                seconds(r.dvt.moved),
                seconds(r.dvt.cold),
                seconds(statistics.median(r.cli)),
                seconds(r.dbt.median),
                ratio(r.dbt.median, r.dvt.warm),
                "yes" if r.equal else "**no**",
                f"{fast_target}, ≥ {TARGET_RATIO:g}x, equal",
                met(r.met),
            )
        )

        def parse(p: ParsedProject) -> str:
            return f"{p.parse_seconds:.1f} s" + (" *cached*" if p.cached else "")

        details.rows.append(
            (
                n,
                f"{r.graph_nodes:,}",
                f"{parse(r.base)} / {parse(r.head)}",
                f"{r.history_results:,}",
                _skipped(r.dvt),
                str(r.dvt.fingerprints),
                ", ".join(seconds(t) for t in r.dvt.warm_runs),
                ", ".join(seconds(t) for t in r.dvt.moved_runs),
                ", ".join(seconds(t) for t in r.dvt.cold_runs),
                ", ".join(seconds(t) for t in r.dbt.runs),
                r.dbt.parsing.replace("|", "/"),
            )
        )
    out = [main, details]
    unequal = [r for r in results if not r.equal]
    if unequal:
        diff = Table("Selections that differ", ("N", "only in DVT's plan", "only in `dbt ls`"))
        for r in unequal:
            only_dvt, only_dbt = r.differences()
            diff.rows.append((f"{r.n_models:,}", _first(only_dvt), _first(only_dbt)))
        out.append(diff)
    return out


def section(machine: Machine, database_note: str, command: str, results: list[SizeResult], total_s: float) -> str:
    lines = [
        "## Plans against `dbt ls` (state:modified+)",
        "",
        f"Generated by `.venv/bin/python -m tests.benchmarks.plans {command}` in "
        f"{total_s / 60:.1f} min. Projects come from `tests/benchmarks/project_generator.py` (seed 0) and "
        "their manifests from the real `dbt parse`. The machine is shared, so expect some noise between runs.",
        "",
        *machine.lines(),
        f"- Database: {database_note}",
        "",
    ]
    return "\n".join(lines) + "\n" + "\n".join(t.markdown() for t in tables(results))


# ---------------------------------------------------------------------------------------------- main


async def bench(sizes: list[int], changed: int, macro_sizes: list[int], out: Path, profile: Path | None) -> None:
    started = time.perf_counter()
    results: list[SizeResult] = []
    async with database() as (url, server):
        machine = describe(server.split(" (")[0], dbt_version())
        print(f"database: {server}", flush=True)
        with tempfile.TemporaryDirectory(prefix="dvt-bench-plans-") as tmp:
            settings = Settings(database_url=url, data_dir=Path(tmp) / "dvt")
            engine = create_engine(url)
            sessions = create_session_factory(engine)

            def units() -> SqlUnitOfWork:
                return SqlUnitOfWork(sessions)

            try:
                async with services(settings, migrate=False) as built:
                    caller = await bench_caller(built, with_token=False)
                    # Each case's projects are parsed (or found cached) just before it is measured.
                    cases: list[tuple[int, bool]] = [(n, False) for n in sizes] + [(n, True) for n in macro_sizes]
                    for n, macro in sorted(cases):
                        if macro:
                            base, head = macro_project(n, changed=False), macro_project(n, changed=True)
                            change = f"1 macro (called by {_macro_callers(head):,} models)"
                        else:
                            k = min(changed, n)
                            base, head, change = (
                                parsed_project(n, seed=SEED),
                                head_project(n, k, seed=SEED),
                                f"{k} models",
                            )
                        print(f"N = {n:,}, changed: {change}", flush=True)
                        results.append(
                            await measure_size(
                                n, change, base, head, built, units, caller.principal, profile, url, Path(tmp) / "cli"
                            )
                        )
            finally:
                await engine.dispose()
    command = f"--sizes {','.join(map(str, sizes))} --changed {changed} --macro-sizes {','.join(map(str, macro_sizes))}"
    body = section(machine, server, command, results, time.perf_counter() - started)
    print()
    print(body)
    write_section(out, SECTION, body)
    print(f"wrote the {SECTION} section of {out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="DVT's plan benchmark against dbt ls (see docs/benchmarks.md).")
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated model counts (default 1000,5000,10000)",
    )
    parser.add_argument("--changed", type=int, default=DEFAULT_CHANGED, help="models changed in the head (default 20)")
    parser.add_argument(
        "--macro-sizes",
        default=str(TARGET_SIZE),
        help="model counts of the 'a widely used macro changed' case (default 10000; empty: none)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--profile", type=Path, default=None, help="also write pyinstrument profiles to this folder")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
        macro_sizes = [int(s.replace("_", "")) for s in args.macro_sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes and --macro-sizes take comma-separated integers, got {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive model count")
    if args.changed < 1:
        parser.error("--changed needs at least one changed model")
    asyncio.run(bench(sizes, args.changed, macro_sizes, args.out, args.profile))


if __name__ == "__main__":
    main()
