"""The planning-from-git benchmark: planning a commit DVT parsed before, against `dbt parse` of that commit.

    .venv/bin/python -m tests.benchmarks.git_planning [--models 1000] [--rounds 5] [--out docs/benchmarks.md]

A generated project of `--models` models is committed to a local git repository; an environment of a fresh
DVT (real services, the benchmark's own database) follows its `main`. Measured in one run:
- baseline: a full `dbt parse` of the commit (`--no-partial-parse`), median of `--rounds`;
- the first plan of the commit (`createPlan(ref: main)`): mirror clone, export, dbt parse, ingestion, plan;
- a plan of the same commit again: the mirror fetched, the ref resolved, the commit's graph found, the plan
  made (no parse), median of `--rounds`. The target: at least 10x cheaper than the baseline;
- a plan of a new commit changing one model, whose parse reuses dbt's partial parse from the commit before.
It prints the table and rewrites its own section of the output file.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from dvt.application.access import Access
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.tenancy import TenantScope
from tests.benchmarks.dbt_projects import dbt_parse, dbt_version
from tests.benchmarks.machine import describe
from tests.benchmarks.project_generator import generate_project
from tests.benchmarks.report import Table, ratio, seconds, write_section
from tests.benchmarks.run import database
from tests.support.dbt_repos import git

SECTION = "git-planning-benchmark"
ROOT = Path(__file__).resolve().parents[2]
TARGET_RATIO = 10.0


def _commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def _baseline(repo: Path, work: Path, rounds: int) -> float:
    """Median wall time of a full `dbt parse` of the repository's checkout (a copy: dbt writes into it)."""
    times = []
    for i in range(rounds):
        copy = work / f"parse-{i}"
        shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git"))
        times.append(dbt_parse(copy, f"the baseline parse {i}"))
        shutil.rmtree(copy, ignore_errors=True)
    return statistics.median(times)


async def bench(models: int, rounds: int, out: Path) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dvt-bench-git-") as tmp:
        work = Path(tmp)
        repo = generate_project(work / "repo", models)
        git(repo, "init", "-q", "-b", "main")
        first = _commit(repo, "generated project")
        print(f"{models:,} models committed; dbt parse baseline x{rounds}", flush=True)
        baseline = _baseline(repo, work, rounds)
        async with database() as (url, server):
            machine = describe(server.split(" (")[0], dbt_version())
            settings = Settings(database_url=url, data_dir=work / "dvt")
            async with services(settings, migrate=False) as built:
                tenant = await built.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}")
                access = Access.system(TenantScope(tenant.id))
                await built.tenancy.create_project(access, "gen", str(repo))
                environment = await built.tenancy.create_environment(
                    access, "gen", "dev", "duckdb", git_ref="main", settings={"path": "gen.duckdb"}
                )

                async def plan() -> float:
                    began = time.perf_counter()
                    made = await built.plans.create(access, environment.id, PlanRequest(), ref="main")
                    assert made.commit_sha is not None
                    return time.perf_counter() - began

                print("first plan of the commit (parse)", flush=True)
                cold = await plan()
                print(f"the same commit again x{rounds}", flush=True)
                cached = statistics.median([await plan() for _ in range(rounds)])
                model = sorted((repo / "models").rglob("*.sql"))[0]
                model.write_text(model.read_text() + "\n-- changed\n")
                second = _commit(repo, "one model changed")
                print("a new commit changing one model (partial parse)", flush=True)
                partial = await plan()
    assert first != second
    table = Table(
        f"Planning from git: {models:,} models",
        ["case", "time", "cheaper than dbt parse"],
        [
            [f"`dbt parse` of the commit (full, median of {rounds}): baseline", seconds(baseline), "1.0x"],
            ["first plan of a commit: clone, export, dbt parse, ingest, plan", seconds(cold), ratio(baseline, cold)],
            [f"plan of the same commit again (median of {rounds})", seconds(cached), ratio(baseline, cached)],
            ["plan of a new commit changing one model (partial parse)", seconds(partial), ratio(baseline, partial)],
        ],
        [
            f"A repeated commit's planning is {baseline / cached:.1f}x cheaper than parsing it "
            f"(target: at least {TARGET_RATIO:g}x: {'met' if baseline / cached >= TARGET_RATIO else 'NOT met'}).",
            "Every plan is `createPlan(ref: main)` through the real services on a fresh database: the ref is "
            "resolved in the project's mirror (a fetch of a local repository), the commit's graph version found "
            "by its sha, and the plan made and stored.",
        ],
    )
    body = "\n".join(
        [
            "## Planning from git",
            "",
            f"`python -m tests.benchmarks.git_planning --models {models} --rounds {rounds}`, "
            f"{time.perf_counter() - started:.0f} s in all.",
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
    parser = argparse.ArgumentParser(description="Planning a parsed commit again against dbt parse of it.")
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if subprocess.run(["git", "--version"], capture_output=True, check=False).returncode != 0:
        raise SystemExit("git is needed")
    asyncio.run(bench(args.models, args.rounds, args.out))


if __name__ == "__main__":
    main()
