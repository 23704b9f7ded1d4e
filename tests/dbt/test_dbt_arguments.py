"""The run's command line read by the real dbt 1.11: `--select=VALUE` entries select as `--select a b` does,
and a selection written like an option stays a selection (issue 11, D1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from dvt.adapters.dbt.profiles import Profile
from dvt.adapters.dbt.runner import dbt_arguments
from dvt.application.run_ports import QueryTag, RunSpec
from tests.support.dbt_repos import DBT, DEMO

pytestmark = pytest.mark.skipif(not DBT.exists(), reason="the dbt virtualenv (.venv-dbt) is not built")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("demo") / "demo_shop"
    shutil.copytree(DEMO, where, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "dbt_packages"))
    return where


def listed(project: Path, argv: list[str]) -> list[str]:
    """`dbt ls` of the project with these arguments after the command: unique ids, one a line."""
    run = project.parent / uuid.uuid4().hex[:8]
    env = {**os.environ, "DO_NOT_TRACK": "1", "DVT_DEMO_DUCKDB_PATH": str(run / "ls.duckdb")}
    command = [str(DBT), "ls", *argv, "--quiet", "--output=json", "--output-keys=unique_id"]
    if not any(a.startswith("--log-path") for a in argv):
        command += [f"--log-path={run}", f"--target-path={run / 'target'}", f"--profiles-dir={project}"]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=True)
    return sorted(line for line in done.stdout.splitlines() if line.startswith("{"))


def built(project: Path, **values: object) -> list[str]:
    """What the runner would pass to dbt after the command, for a run spec with these values."""
    spec = RunSpec(
        run_id=uuid.uuid4(), repository=str(project), git_ref="main", subdirectory=None, adapter="duckdb",
        settings={}, secrets={}, command="ls", select=(), tag=QueryTag(uuid.uuid4(), "t", "e", "0" * 32),
        work_dir=str(project.parent), indirect_selection="eager",
    )  # fmt: skip
    spec = replace(spec, **values)  # type: ignore[arg-type]
    run = project.parent / uuid.uuid4().hex[:8]
    return dbt_arguments(str(DBT), spec, Profile("demo_shop", project, "duckdb"), run)[2:]


def test_repeated_select_entries_are_dbts_union_and_exclusion(project: Path) -> None:
    by_dvt = listed(project, built(project, select=("stg_orders", "raw_customers+"), exclude=("stg_customers",)))
    by_hand = listed(project, ["--select", "stg_orders", "raw_customers+", "--exclude", "stg_customers"])
    assert by_dvt == by_hand and len(by_dvt) > 2


def test_a_selection_written_as_an_option_selects_nothing_extra(project: Path) -> None:
    with_option = listed(project, built(project, select=("stg_orders", "--empty", "--project-dir=/nonexistent")))
    assert with_option == listed(project, built(project, select=("stg_orders",)))
