"""The CLI's remote mode as a CI pipeline uses it: a real `dvt serve` (with its embedded worker running real dbt),
the `dvt` command as a process holding DVT_URL and DVT_TOKEN and no database URL, no secret keys."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dvt.application.access import Access
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.runs.conftest import Place, make_place
from tests.support.server import dvt_serve, free_port, shared_settings

ROOT = Path(__file__).resolve().parents[2]
DVT = [sys.executable, "-c", "from dvt.cli import main; main()"]


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dvt_serve(tmp_path_factory.mktemp("served"), shared_settings(settings)) as base:
        yield base


@pytest.fixture
async def remote_place(app: Services, demo: tuple[Path, bytes]) -> Place:
    return await make_place(app, *demo)


async def token(app: Services, place: Place, role: str = "admin") -> str:
    _, plaintext = await app.identity.create_api_token(place.access, f"ci-{uuid.uuid4().hex[:6]}", [role])
    return plaintext


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No DVT_* of the test process (its database URL, its keys): only what is given, and a config dir of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVT_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), DVT_DATA_DIR=str(tmp_path / "cli-data"), **extra)
    return env


def local_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return cli_env(
        tmp_path, DVT_DATABASE_URL=settings.database_url or "", DVT_SECRET_KEYS=settings.secret_keys or "",
        DVT_EMBEDDED_WORKER="false",
    )  # fmt: skip


def dvt(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DVT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, input=stdin)


async def advt(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(dvt, env, *args)


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def one_clean_line(done: subprocess.CompletedProcess[str], secret: str = "") -> str:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert not secret or (secret not in done.stderr and secret not in done.stdout)
    return lines[0]


WHERE = ("--project", "shop", "--environment", "dev")


async def test_run_wait_runs_real_dbt_through_the_api_and_exits_by_the_outcome(
    app: Services, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    tenant = ("--tenant", remote_place.tenant_slug)
    done = await advt(env, "run", *WHERE, "--select", "raw_orders", "--approve", "--wait", "--json", *tenant)
    body = as_json(done)
    assert body["status"] == "success" and uuid.UUID(body["run_id"])
    assert body["nodes"] == [{"unique_id": "seed.demo_shop.raw_orders", "status": "success"}]
    assert len(body["commit_sha"]) == 40
    failing = await advt(env, "run", *WHERE, "--select", "stg_payments", "--approve", "--wait", "--json", *tenant)
    assert failing.returncode == 1 and json.loads(failing.stdout)["status"] == "failed"

    # Without --json: the run line, the commit it was planned from, progress, the nodes, the outcome.
    shown = await advt(env, "run", *WHERE, "--select", "raw_customers", "--approve", "--wait", *tenant)
    assert shown.returncode == 0, shown.stderr
    assert "planned from commit" in shown.stdout and "success    seed.demo_shop.raw_customers" in shown.stdout
    assert "  1 of 1 node\n" in shown.stdout and shown.stdout.strip().splitlines()[-1].endswith(": success")


async def test_runs_list_json_is_the_local_modes_for_the_same_runs(
    app: Services, settings: Settings, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    as_json(await advt(env, "run", *WHERE, "--select", "raw_orders", "--approve", "--wait", "--json"))
    as_json(await advt(env, "run", *WHERE, "--select", "raw_customers", "--approve", "--wait", "--json"))
    tenant = ("--tenant", remote_place.tenant_slug)
    remote = as_json(await advt(env, "runs", "list", *WHERE, "--json"))
    local = as_json(await advt(local_env(settings, tmp_path), "runs", "list", *WHERE, "--json", *tenant))
    assert len(remote) == 2 and remote == local
    assert {r["trigger"] for r in remote} == {"api"} and remote[0]["number"] == 2
    assert as_json(await advt(env, "runs", "list", *WHERE, "--limit", "1", "--json")) == local[:1]


async def test_plan_json_is_the_local_modes_document(
    app: Services, settings: Settings, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    remote = as_json(await advt(env, "plan", *WHERE, "--select", "+stg_orders", "--json"))
    tenant = ("--tenant", remote_place.tenant_slug)
    local = as_json(
        await advt(local_env(settings, tmp_path), "plan", *WHERE, "--select", "+stg_orders", "--json", *tenant)
    )
    assert uuid.UUID(remote["plan_id"]) and remote["status"] == local["status"]
    assert sorted(remote) == sorted(local)
    assert [(i["unique_id"], i["action"]) for i in remote["items"]] == [
        (i["unique_id"], i["action"]) for i in local["items"]
    ]
    assert any(i["unique_id"] == "model.demo_shop.stg_orders" for i in remote["items"])
    text = await advt(env, "plan", *WHERE, "--select", "+stg_orders")
    assert text.returncode == 0 and text.stdout.startswith("plan ") and "model.demo_shop.stg_orders" in text.stdout


async def test_jobs_are_created_listed_triggered_and_waited_for_remotely(
    app: Services, settings: Settings, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    created = as_json(await advt(env, "job", "create", "seeds", *WHERE, "--step", "seed -s raw_orders",
                                 "--schedule", "0 3 * * *", "--timezone", "Europe/Paris", "--json"))  # fmt: skip
    assert created["steps"] == ["seed --select raw_orders"] and len(created["next_fires"]) == 5
    tenant = ("--tenant", remote_place.tenant_slug)
    local = local_env(settings, tmp_path)
    assert as_json(await advt(env, "job", "list", *WHERE, "--json")) == as_json(
        await advt(local, "job", "list", *WHERE, "--json", *tenant)
    )
    finished = as_json(await advt(env, "job", "trigger", "seeds", *WHERE, "--approve", "--wait", "--json"))
    assert finished["status"] == "success" and finished["number"] >= 1
    assert finished["nodes"] == [{"unique_id": "seed.demo_shop.raw_orders", "status": "success"}]
    shown = as_json(await advt(env, "job", "show", "seeds", *WHERE, "--json"))
    assert shown == as_json(await advt(local, "job", "show", "seeds", *WHERE, "--json", *tenant))
    job_runs = as_json(await advt(env, "runs", "list", *WHERE, "--job", "seeds", "--json"))
    assert [r["id"] for r in job_runs] == [finished["run_id"]] and job_runs[0]["job"] == "seeds"
    assert job_runs == as_json(await advt(local, "runs", "list", *WHERE, "--job", "seeds", "--json", *tenant))
    paused = as_json(await advt(env, "job", "pause", "seeds", *WHERE, "--json"))
    assert paused["paused"] is True and paused["next_fires"] == []
    assert as_json(await advt(env, "job", "resume", "seeds", *WHERE, "--json"))["paused"] is False
    assert as_json(await advt(env, "job", "delete", "seeds", *WHERE, "--json"))["name"] == "seeds"
    assert as_json(await advt(env, "job", "list", *WHERE, "--json")) == []


async def test_projects_environments_and_ingest_go_through_the_api(
    app: Services, settings: Settings, server: str, remote_place: Place, demo: tuple[Path, bytes], tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    tenant = ("--tenant", remote_place.tenant_slug)
    local = local_env(settings, tmp_path)
    assert as_json(await advt(env, "project", "list", "--json")) == as_json(
        await advt(local, "project", "list", "--json", *tenant)
    )
    remote_environments = as_json(await advt(env, "environment", "list", "--project", "shop", "--json"))
    assert remote_environments == as_json(
        await advt(local, "environment", "list", "--project", "shop", "--json", *tenant)
    )
    manifest = tmp_path / "target" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_bytes(demo[1])
    report = as_json(
        await advt(env, "ingest", str(manifest.parent), "--project", "shop", "--environment", "ci", "--json")
    )
    assert (
        report["created"] is True and report["nodes"] > 0 and [a["kind"] for a in report["artifacts"]] == ["manifest"]
    )
    assert uuid.UUID(report["graph_version_id"])
    listed = as_json(await advt(env, "environment", "list", "--project", "shop", "--json"))
    assert {e["slug"] for e in listed} == {"dev", "ci"}
    state = ("--state-version", report["graph_version_id"])
    planned = as_json(await advt(env, "plan", "--project", "shop", "--environment", "ci", *state, "--json"))
    assert planned["base_version_id"] == report["graph_version_id"]


async def test_login_stores_the_token_for_the_user_alone_and_logout_removes_it(
    app: Services, server: str, remote_place: Place, tmp_path: Path
) -> None:
    secret = await token(app, remote_place)
    env = cli_env(tmp_path)
    done = await asyncio.to_thread(dvt, env, "login", "--url", server, "--token-stdin", stdin=secret + "\n")
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout + done.stderr
    stored = tmp_path / "config" / "dvt" / "credentials.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert json.loads(stored.read_text()) == {"url": server, "token": secret}
    # Signed in, with no DVT_URL nor DVT_TOKEN: the command goes through the API.
    assert as_json(await advt(env, "runs", "list", *WHERE, "--json")) == []
    assert (await advt(env, "logout")).returncode == 0 and not stored.exists()
    # Signed out, with no database configured here: the local mode again (it would start an embedded server).
    assert (await advt(env, "logout")).stdout.strip() == "not signed in"


async def test_a_bad_token_is_one_line_and_is_neither_stored_nor_printed(server: str, tmp_path: Path) -> None:
    secret = "dvt_" + "x" * 40
    refused = one_clean_line(
        await advt(cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=secret), "runs", "list", *WHERE), secret
    )
    assert "refused the token (401" in refused
    login = await asyncio.to_thread(dvt, cli_env(tmp_path), "login", "--url", server, "--token-stdin", stdin=secret)
    assert "401" in one_clean_line(login, secret)
    assert not (tmp_path / "config" / "dvt" / "credentials.json").exists()


async def test_an_unreachable_url_is_one_line(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    done = await advt(cli_env(tmp_path, DVT_URL=nowhere, DVT_TOKEN="dvt_secret_value"), "plan", *WHERE)
    line = one_clean_line(done, "dvt_secret_value")
    assert line.startswith(f"error: cannot reach {nowhere}")


async def test_permission_denied_is_the_apis_message_on_one_line(
    app: Services, server: str, remote_place: Place, tmp_path: Path
) -> None:
    viewer = await token(app, remote_place, "viewer")
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=viewer)
    assert as_json(await advt(env, "runs", "list", *WHERE, "--json")) == []  # viewing is allowed
    line = one_clean_line(await advt(env, "run", *WHERE, "--select", "raw_orders"), viewer)
    assert line.startswith("error: ") and "permission" in line.lower()


async def test_server_commands_say_they_need_the_database(
    app: Services, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    for command in (("migrate",), ("worker",), ("secrets", "rotate"), ("audit", "verify")):
        line = one_clean_line(await advt(env, *command))
        assert f"`dvt {' '.join(command)}` needs the database" in line
    # Platform administration, and what the API has no field for (a local account), refuse the same way.
    for command in (
        ("tenant", "create", "other"), ("tenant", "list"), ("tenant", "rate-limit", "other", "--default"),
        ("account", "create", "ada"),
    ):  # fmt: skip
        line = one_clean_line(await advt(env, *command))
        assert f"`dvt {' '.join(command[:2])}` needs the database" in line


async def test_another_tenant_named_on_the_command_line_is_refused(
    app: Services, server: str, remote_place: Place, tmp_path: Path
) -> None:
    other = await app.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")
    assert Access.system(TenantScope(other.id))
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    line = one_clean_line(await advt(env, "runs", "list", *WHERE, "--tenant", other.slug))
    assert f"not '{other.slug}'" in line


async def test_the_python_client_example_of_the_docs_triggers_a_job_and_waits_for_it(
    app: Services, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    as_json(await advt(env, "job", "create", "nightly", *WHERE, "--step", "seed -s raw_orders", "--json"))
    docs = (ROOT / "docs" / "cli.md").read_text()
    example = docs.split("```python\n", 1)[1].split("```", 1)[0].replace('"prod"', '"dev"')
    script = tmp_path / "ci.py"
    script.write_text(example)
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "run #1: success"


async def test_job_trigger_wait_prints_the_same_shape_in_the_local_mode(
    app: Services, settings: Settings, remote_place: Place, tmp_path: Path
) -> None:
    local = {**local_env(settings, tmp_path), "DVT_EMBEDDED_WORKER": "true", "DVT_WORKER_POLL_SECONDS": "0.5"}
    tenant = ("--tenant", remote_place.tenant_slug)
    as_json(await advt(local, "job", "create", "seeds", *WHERE, "--step", "seed -s raw_orders", "--json", *tenant))
    finished = as_json(await advt(local, "job", "trigger", "seeds", *WHERE, "--approve", "--wait", "--json", *tenant))
    assert sorted(finished) == ["commit_sha", "nodes", "number", "reason", "run_id", "status"]
    assert finished["status"] == "success"
    assert finished["nodes"] == [{"unique_id": "seed.demo_shop.raw_orders", "status": "success"}]


async def test_organizations_projects_and_environments_are_created_remotely_as_the_local_mode_shows_them(
    app: Services, settings: Settings, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    local = (local_env(settings, tmp_path), "--tenant", remote_place.tenant_slug)
    project = as_json(await advt(env, "project", "create", "shop2", "--repository", str(remote_place.repo),
                                 "--subdirectory", "dbt", "--name", "Shop two", "--json"))  # fmt: skip
    assert (project["slug"], project["name"], project["subdirectory"]) == ("shop2", "Shop two", "dbt")
    listed = as_json(await advt(local[0], "project", "list", "--json", *local[1:]))
    assert project in listed and as_json(await advt(env, "project", "list", "--json")) == listed
    created = as_json(await advt(env, "environment", "create", "prod", "--project", "shop2", "--adapter", "duckdb",
                                 "--ref", "main", "--set", "path=prod.duckdb", "--json"))  # fmt: skip
    assert (created["git_ref"], created["settings"], created["project_id"]) == ("main", {"path": "prod.duckdb"},
                                                                                 project["id"])  # fmt: skip
    assert as_json(await advt(local[0], "environment", "list", "--project", "shop2", "--json", *local[1:])) == [created]
    organization = as_json(await advt(env, "org", "create", "analytics", "--name", "Analytics", "--json"))
    assert (organization["slug"], organization["name"]) == ("analytics", "Analytics")
    organizations = as_json(await advt(env, "org", "list", "--json"))
    assert organization in organizations
    assert organizations == as_json(await advt(local[0], "org", "list", "--json", *local[1:]))
    in_org = as_json(await advt(env, "project", "create", "shop4", "--repository", str(remote_place.repo),
                                "--org", "analytics", "--json"))  # fmt: skip
    assert in_org["organization_id"] == organization["id"]
    assert as_json(await advt(env, "project", "list", "--org", "analytics", "--json")) == [in_org]
    text = await advt(env, "project", "create", "shop3", "--repository", str(remote_place.repo))
    assert text.returncode == 0 and text.stdout.startswith("created project shop3 (")
    taken = one_clean_line(await advt(env, "project", "create", "shop2", "--repository", str(remote_place.repo)))
    assert taken.startswith("error: ") and "shop2" in taken


async def test_tokens_are_created_listed_and_revoked_remotely(
    app: Services, settings: Settings, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    local = (local_env(settings, tmp_path), "--tenant", remote_place.tenant_slug)
    created = as_json(await advt(env, "token", "create", "deploy", "--role", "viewer", "--json"))
    assert (created["name"], created["roles"]) == ("deploy", ["viewer"]) and created["token"]
    # The new token works at once, with its role: it may view, not administer.
    viewer = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=created["token"])
    assert [p["slug"] for p in as_json(await advt(viewer, "project", "list", "--json"))] == ["shop"]
    remote = as_json(await advt(env, "token", "list", "--json"))
    assert created["id"] in [t["id"] for t in remote]
    assert remote == as_json(await advt(local[0], "token", "list", "--json", *local[1:]))
    revoked = await advt(env, "token", "revoke", created["id"])
    assert revoked.returncode == 0 and revoked.stdout.strip() == f"revoked {created['id']}"
    after = {t["id"]: t for t in as_json(await advt(env, "token", "list", "--json"))}
    assert after[created["id"]]["revoked_at"] is not None
    assert "refused the token (401" in one_clean_line(await advt(viewer, "project", "list"), created["token"])


async def test_roles_are_granted_listed_and_revoked_remotely(
    app: Services, settings: Settings, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    local = (local_env(settings, tmp_path), "--tenant", remote_place.tenant_slug)
    granted = as_json(await advt(env, "access", "grant", "editor", "group:analysts", "--json"))
    assert (granted["role"], granted["principal"], granted["scope"]) == ("editor", "group:analysts", "/")
    remote = as_json(await advt(env, "access", "list", "--json"))
    assert granted in remote and remote == as_json(await advt(local[0], "access", "list", "--json", *local[1:]))
    done = await advt(env, "access", "revoke", granted["id"])
    assert done.returncode == 0 and done.stdout.strip() == "revoked editor on / from group:analysts"
    assert granted["id"] not in [g["id"] for g in as_json(await advt(env, "access", "list", "--json"))]
    text = await advt(env, "access", "grant", "viewer", "group:readers")
    assert text.returncode == 0 and text.stdout.startswith("granted viewer on / to group:readers (")


async def test_secrets_are_set_listed_and_retired_remotely_and_the_value_never_shows(
    app: Services, settings: Settings, server: str, remote_place: Place, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=await token(app, remote_place))
    local = (local_env(settings, tmp_path), "--tenant", remote_place.tenant_slug)
    value = f"s3cr3t-{uuid.uuid4().hex}"
    outputs: list[str] = []
    for version in (1, 2):
        done = await asyncio.to_thread(dvt, env, "secrets", "set", "WAREHOUSE_PASSWORD", *WHERE, stdin=value + "\n")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == (
            f"stored WAREHOUSE_PASSWORD version {version} (dbt sees DBT_ENV_SECRET_WAREHOUSE_PASSWORD)"
        )
        outputs.append(done.stdout + done.stderr)
    listing = await advt(env, "secrets", "list", *WHERE, "--json")
    remote = as_json(listing)
    assert [(s["name"], s["version"], s["retired_at"]) for s in remote] == [("WAREHOUSE_PASSWORD", 2, None)]
    assert remote == as_json(await advt(local[0], "secrets", "list", *WHERE, "--json", *local[1:]))
    text = await advt(env, "secrets", "list", *WHERE)
    assert text.returncode == 0 and text.stdout.startswith("WAREHOUSE_PASSWORD\tv2\tkey ")
    retired = await advt(env, "secrets", "retire", "WAREHOUSE_PASSWORD", *WHERE)
    assert retired.returncode == 0 and retired.stdout.strip() == "retired WAREHOUSE_PASSWORD version 2"
    assert as_json(await advt(env, "secrets", "list", *WHERE, "--json")) == []
    bad = await asyncio.to_thread(dvt, env, "secrets", "set", "lower case", *WHERE, stdin=value)
    assert one_clean_line(bad, value).startswith("error: ")
    outputs += [listing.stdout + listing.stderr, text.stdout, retired.stdout + retired.stderr]
    assert all(value not in out for out in outputs)


async def test_a_viewer_token_is_refused_each_administration_command_on_one_line(
    app: Services, server: str, remote_place: Place, tmp_path: Path
) -> None:
    viewer = await token(app, remote_place, "viewer")
    env = cli_env(tmp_path, DVT_URL=server, DVT_TOKEN=viewer)
    value = f"s3cr3t-{uuid.uuid4().hex}"
    for command, stdin in (
        (("org", "create", "other"), None),
        (("project", "create", "other", "--repository", str(remote_place.repo)), None),
        (("environment", "create", "prod", "--project", "shop", "--adapter", "duckdb"), None),
        (("token", "create", "mine", "--role", "admin"), None),
        (("access", "grant", "admin", "group:everyone"), None),
        (("secrets", "set", "WAREHOUSE_PASSWORD", *WHERE), value),
    ):
        done = await asyncio.to_thread(dvt, env, *command, stdin=stdin)
        assert done.returncode == 1, (command, done.stderr)
        line = one_clean_line(done, value if stdin else viewer)
        assert line.startswith("error: ") and "permission" in line.lower(), (command, line)
