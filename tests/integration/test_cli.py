"""The `dvt` command as a user runs it: a real process, a real database, JSON out, clear refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import FIXTURES, ROOT

DVT = str(Path(sys.executable).parent / "dvt")
JAFFLE = FIXTURES / "yu-iskw__dbt-artifacts-parser"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DVT, *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DVT_DATABASE_URL": database_url, "DVT_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def tenant(env: dict[str, str], tmp_path: Path) -> str:
    slug = f"cli-{tmp_path.name[-12:].lower().replace('_', '-').strip('-')}"
    assert run(env, "tenant", "create", slug).returncode == 0
    return slug


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_ingest_json_reports_the_files_own_counts(env: dict[str, str], tenant: str) -> None:
    report = as_json(
        run(env, "ingest", str(JAFFLE / "manifest_1.12__v12__jaffle_shop.json"), str(JAFFLE / "run_results_1.12__v6__jaffle_shop.json"),
            "--project", "jaffle", "--environment", "prod", "--tenant", tenant, "--json")
    )  # fmt: skip
    assert (report["nodes"], report["sources"], report["exposures"], report["metrics"]) == (46, 6, 0, 23)
    assert [a["kind"] for a in report["artifacts"]] == ["manifest", "run_results"]
    assert report["artifacts"][0]["schema_version"] == "v12" and len(report["artifacts"][0]["sha256"]) == 64
    assert report["graph_version_id"] and report["edges"] > 0 and report["warnings"] == []


def test_ingest_of_a_target_folder_reads_its_artifacts(env: dict[str, str], tenant: str, tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_bytes((JAFFLE / "manifest__v11__jaffle_shop.json").read_bytes())
    report = as_json(
        run(env, "ingest", str(target), "--project", "p", "--environment", "e", "--tenant", tenant, "--json")
    )
    assert report["nodes"] == 60


def test_a_refused_file_is_one_line_on_stderr_and_a_non_zero_exit(
    env: dict[str, str], tenant: str, tmp_path: Path
) -> None:
    broken = tmp_path / "manifest.json"
    broken.write_text(
        '{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}, "nodes": ['
    )
    done = run(env, "ingest", str(broken), "--project", "p", "--environment", "e", "--tenant", tenant)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert str(broken) in done.stderr and "not valid JSON" in done.stderr


def test_tenancy_objects_are_created_and_listed(env: dict[str, str], tenant: str) -> None:
    as_json(run(env, "org", "create", "analytics", "--tenant", tenant, "--json"))
    as_json(run(env, "project", "create", "shop", "--repository", "/srv/shop", "--subdirectory", "dbt", "--org", "analytics", "--tenant", tenant, "--json"))  # fmt: skip
    created = as_json(run(env, "environment", "create", "prod", "--project", "shop", "--adapter", "postgres", "--ref", "main", "--set", "schema=analytics", "--tenant", tenant, "--json"))  # fmt: skip
    listed = as_json(run(env, "environment", "list", "--project", "shop", "--tenant", tenant, "--json"))
    assert created["settings"] == {"schema": "analytics"} and created["adapter"] == "postgres"
    assert [e["slug"] for e in listed] == ["prod"]
    assert [o["slug"] for o in as_json(run(env, "org", "list", "--tenant", tenant, "--json"))] == [
        "analytics",
        "default",
    ]
    assert as_json(run(env, "project", "list", "--tenant", tenant, "--json"))[0]["subdirectory"] == "dbt"


def test_an_unknown_project_is_a_clear_refusal(env: dict[str, str], tenant: str) -> None:
    done = run(
        env,
        "environment",
        "create",
        "prod",
        "--project",
        "nowhere",
        "--adapter",
        "duckdb",
        "--tenant",
        tenant,
    )
    assert (done.returncode, done.stderr.strip()) == (1, "error: project 'nowhere' not found")


def test_two_processes_share_one_embedded_server_and_it_stops_after(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DVT_DATABASE_URL"} | {"DVT_DATA_DIR": str(tmp_path / "data")}
    # The first start creates the cluster; then two processes use it at the same time.
    assert run(env, "migrate").returncode == 0
    procs = [
        subprocess.Popen([DVT, "tenant", "list", "--json"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert all([t["slug"] for t in json.loads(out)] == ["default"] for out in outputs)
    assert not (tmp_path / "data" / "postgres" / "postmaster.pid").exists(), "the last process stops the server"


def test_plan_json_is_the_contract_with_its_fingerprint(env: dict[str, str], tenant: str) -> None:
    for manifest in ("manifest_1.11__v12__jaffle_shop.json", "manifest_1.12__v12__jaffle_shop.json"):
        as_json(run(env, "ingest", str(JAFFLE / manifest), "--project", "j", "--environment", "e", "--tenant", tenant, "--json"))  # fmt: skip
    args = ("plan", "--project", "j", "--environment", "e", "-s", "state:modified+", "--tenant", tenant, "--json")
    # Two processes with different hash seeds: nothing in a plan may depend on set or dict iteration order.
    first, second = (
        as_json(run({**env, "PYTHONHASHSEED": "1"}, *args)),
        as_json(run({**env, "PYTHONHASHSEED": "2"}, *args)),
    )
    contract = json.loads((ROOT / "schema" / "contracts" / "execution-plan.v2.schema.json").read_text())
    # The stored plan's own fields around the sealed document: its id, status and (git) commit.
    assert first["commit_sha"] is None  # planned on uploaded artifacts that named no commit
    document = {k: v for k, v in first.items() if k not in ("plan_id", "status", "commit_sha")}
    jsonschema.Draft202012Validator(contract, format_checker=jsonschema.FormatChecker()).validate(document)
    assert first["fingerprint"] == second["fingerprint"] and first["plan_id"] != second["plan_id"]
    assert first["request"]["select"] == ["state:modified+"] and first["status"] == "approved"


def test_plan_against_a_state_manifest_compares_with_that_file(env: dict[str, str], tenant: str) -> None:
    head = JAFFLE / "manifest_1.12__v12__jaffle_shop.json"
    as_json(run(env, "ingest", str(head), "--project", "j", "--environment", "e", "--tenant", tenant, "--json"))
    same = as_json(run(env, "plan", "--project", "j", "--environment", "e", "-s", "state:modified", "--state", str(head), "--tenant", tenant, "--json"))  # fmt: skip
    older = as_json(run(env, "plan", "--project", "j", "--environment", "e", "-s", "state:modified", "--state", str(JAFFLE / "manifest_1.11__v12__jaffle_shop.json"), "--tenant", tenant, "--json"))  # fmt: skip
    assert same["selected"] == [] and older["selected"] != []
    assert older["request"]["state_manifest_sha256"] and older["base_version_id"] is None


def test_a_plan_with_an_unknown_method_is_one_line_on_stderr(env: dict[str, str], tenant: str) -> None:
    as_json(run(env, "ingest", str(JAFFLE / "manifest_1.12__v12__jaffle_shop.json"), "--project", "j", "--environment", "e", "--tenant", tenant, "--json"))  # fmt: skip
    done = run(env, "plan", "--project", "j", "--environment", "e", "-s", "nosuch:x", "--tenant", tenant)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1 and "nosuch" in done.stderr
