"""`dvt job` and `dvt runs list` as a user runs them: a real process, JSON out, one-line refusals."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.integration.test_cli import JAFFLE, as_json, run

pytestmark = pytest.mark.slow  # processes started


@pytest.fixture(scope="module")
def env(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # No scheduler in these processes: the test decides what fires.
    data = tmp_path_factory.mktemp("cli-jobs") / "data"
    return {**os.environ, "DVT_DATABASE_URL": database_url, "DVT_DATA_DIR": str(data)}


@pytest.fixture(scope="module")
def tenant(env: dict[str, str]) -> str:
    """One tenant for the module (each `dvt` process takes seconds): every test leaves its jobs as it found them."""
    slug = f"cli-{uuid.uuid4().hex[:10]}"
    for args in (
        ("tenant", "create", slug),
        ("project", "create", "shop", "--repository", "/nonexistent", "--tenant", slug),
        ("environment", "create", "dev", "--project", "shop", "--adapter", "duckdb", "--tenant", slug),
        ("ingest", str(JAFFLE / "manifest_1.11__v12__jaffle_shop.json"), "--project", "shop", "--environment", "dev",
         "--tenant", slug),
    ):  # fmt: skip
        done = run(env, *args)
        assert done.returncode == 0, (args, done.stderr)
    return slug


def test_a_job_is_created_shown_triggered_and_its_runs_listed(env: dict[str, str], tenant: str) -> None:
    where = ("--project", "shop", "--environment", "dev", "--tenant", tenant)
    created = as_json(run(env, "job", "create", "nightly", *where, "--schedule", "30 2 * * *", "--timezone",
                          "Europe/Berlin", "--step", "build -s stg_customers --full-refresh", "--json"))  # fmt: skip
    assert created["steps"] == ["build --select stg_customers --full-refresh"]
    assert len(created["next_fires"]) == 5 and created["next_fires"][0].endswith(("T00:30:00+00:00", "T01:30:00+00:00"))
    chained = as_json(run(env, "job", "create", "report", *where, "--step", "test", "--after", "nightly", "--on",
                          "failure", "--json"))  # fmt: skip
    assert (chained["after_job_id"], chained["on"]) == (created["id"], "failure")
    started = as_json(run(env, "job", "trigger", "nightly", *where, "--json"))
    assert as_json(run(env, "job", "pause", "nightly", *where, "--json"))["paused"] is True
    listed = as_json(run(env, "runs", "list", *where, "--job", "nightly", "--json"))
    assert [(r["id"], r["trigger"], r["job"]) for r in listed] == [(started["run_id"], "cli", "nightly")]
    assert set(listed[0]) == {"id", "number", "status", "trigger", "job", "commit", "started", "finished"}
    assert as_json(run(env, "runs", "list", *where, "--job", "report", "--json")) == []
    names = [j["name"] for j in as_json(run(env, "job", "list", *where, "--json"))]
    assert names == ["nightly", "report"]
    run(env, "runs", "list", *where)  # the table form prints too
    assert run(env, "job", "delete", "report", *where).returncode == 0
    assert [j["name"] for j in as_json(run(env, "job", "list", *where, "--json"))] == ["nightly"]
    assert run(env, "job", "delete", "nightly", *where).returncode == 0  # the module's tenant, as it was


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--schedule", "0 25 * * *"), "invalid cron expression"),
        (("--schedule", "0 2 * * *", "--timezone", "Europe/Atlantis"), "unknown time zone"),
        (("--step", "deploy"), "not a dbt command a job can run"),
        (("--step", "source freshness"), "a job needs a planned step"),
        (("--after", "nightly"), "job 'nightly' not found"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_stores_nothing(
    env: dict[str, str], tenant: str, args: tuple[str, ...], message: str
) -> None:
    where = ("--project", "shop", "--environment", "dev", "--tenant", tenant)
    done = run(env, "job", "create", "bad", *where, *args)
    assert done.returncode == 1 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert as_json(run(env, "job", "list", *where, "--json")) == []
