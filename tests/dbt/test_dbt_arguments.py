"""The run's command line read by the real dbt 1.11: `--select=VALUE` entries select as `--select a b` does,
and a selection written like an option stays a selection (issue 11, D1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from dvt.adapters.dbt.profiles import Profile
from dvt.adapters.dbt.runner import dbt_arguments
from dvt.application.run_ports import QueryTag, RunSpec
from tests.support.dbt_repos import DBT, DEMO

DRIVER = Path(__file__).parents[1] / "parity" / "dbt_ls_driver.py"

pytestmark = pytest.mark.skipif(not DBT.exists(), reason="the dbt virtualenv (.venv-dbt) is not built")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("demo") / "demo_shop"
    shutil.copytree(DEMO, where, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "dbt_packages"))
    return where


def listed(project: Path, cases: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """`dbt ls` of the project with each case's arguments after the command: its unique ids. One dbt process
    parses the project once and lists every case on that manifest (the parity suite's driver), with the same
    command-line parsing as `dbt ls ARGS`."""
    work = project.parent / uuid.uuid4().hex[:8]
    work.mkdir()
    request = {
        "projects": [{"name": "demo", "dir": str(project), "cases": [{"id": k, "args": a} for k, a in cases.items()]}]
    }
    (work / "request.json").write_text(json.dumps(request))
    env = {**os.environ, "DO_NOT_TRACK": "1", "DVT_DEMO_DUCKDB_PATH": str(work / "ls.duckdb")}
    python = DBT.with_name("python")
    subprocess.run([str(python), str(DRIVER), "request.json", "answers.json"], cwd=work, env=env, check=True)
    answers = json.loads((work / "answers.json").read_text())
    failed = {case: answer["error"] for case, answer in answers.items() if answer["error"]}
    assert not failed, failed
    return {case: answer["unique_ids"] for case, answer in answers.items()}


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


@pytest.fixture(scope="module")
def lists(project: Path) -> dict[str, list[str]]:
    return listed(
        project,
        {
            "union by dvt": built(project, select=("stg_orders", "raw_customers+"), exclude=("stg_customers",)),
            "union by hand": ["--select", "stg_orders", "raw_customers+", "--exclude", "stg_customers"],
            "option as selection": built(project, select=("stg_orders", "--empty", "--project-dir=/nonexistent")),
            "plain selection": built(project, select=("stg_orders",)),
        },
    )


def test_repeated_select_entries_are_dbts_union_and_exclusion(lists: dict[str, list[str]]) -> None:
    assert lists["union by dvt"] == lists["union by hand"] and len(lists["union by dvt"]) > 2


def test_a_selection_written_as_an_option_selects_nothing_extra(lists: dict[str, list[str]]) -> None:
    assert lists["option as selection"] == lists["plain selection"]
    assert "model.demo_shop.stg_orders" in lists["plain selection"]
