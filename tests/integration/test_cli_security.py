"""The security commands as an operator runs them, and the first start of a real `dvt serve`."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from dvt.adapters.db.migrate import upgrade
from dvt.application.services import Services
from dvt.domain.identity import ActorKind
from tests.api.conftest import CHANGE_PASSWORD
from tests.conftest import _asyncpg_dsn
from tests.integration.test_cli import DVT, run

KEYS = ",".join(f"k{i}:{base64.b64encode(bytes([i]) * 32).decode()}" for i in (1, 2))


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DVT_DATABASE_URL": database_url,
        "DVT_DATA_DIR": str(tmp_path / "data"),
        "DVT_SECRET_KEYS": KEYS,
    }


@pytest.fixture
def tenant(env: dict[str, str]) -> str:
    slug = f"sec-{uuid.uuid4().hex[:10]}"
    assert run(env, "tenant", "create", slug).returncode == 0
    return slug


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def test_a_token_from_the_cli_authenticates_with_its_roles(
    env: dict[str, str], tenant: str, app: Services
) -> None:
    created = as_json(run(env, "token", "create", "ci", "--role", "viewer", "--tenant", tenant, "--json"))
    listed = as_json(run(env, "token", "list", "--tenant", tenant, "--json"))
    actor = await app.identity.authenticate_bearer(created["token"])
    assert (actor.kind, actor.subject, actor.token_roles) == (ActorKind.TOKEN, created["id"], ("viewer",))
    assert [t["name"] for t in listed] == ["ci"] and created["token"] not in json.dumps(listed)


def test_a_revoked_token_is_listed_as_revoked(env: dict[str, str], tenant: str) -> None:
    created = as_json(run(env, "token", "create", "ci", "--role", "admin", "--tenant", tenant, "--json"))
    assert run(env, "token", "revoke", created["id"], "--tenant", tenant).returncode == 0
    assert as_json(run(env, "token", "list", "--tenant", tenant, "--json"))[0]["revoked_at"] is not None


def test_a_grant_needs_a_scope_of_the_tenant(env: dict[str, str], tenant: str) -> None:
    stranger = f"/o/{uuid.uuid4()}"
    done = run(env, "access", "grant", "viewer", "group:analysts", "--scope", stranger, "--tenant", tenant)
    granted = as_json(run(env, "access", "grant", "viewer", "group:analysts", "--tenant", tenant, "--json"))
    assert (done.returncode, done.stderr.strip()) == (1, f"error: scope {stranger!r} not found")
    assert (granted["principal"], granted["role"], granted["scope"]) == ("group:analysts", "viewer", "/")


def test_a_secret_is_set_from_stdin_and_listed_without_its_value(env: dict[str, str], tenant: str) -> None:
    as_json(run(env, "project", "create", "shop", "--repository", "/srv/shop", "--tenant", tenant, "--json"))
    as_json(run(env, "environment", "create", "prod", "--project", "shop", "--adapter", "postgres", "--tenant", tenant, "--json"))  # fmt: skip
    value = f"canary-{uuid.uuid4().hex}"
    set_twice = [
        subprocess.run(
            [DVT, "secrets", "set", "PG_PASSWORD", "--project", "shop", "--environment", "prod", "--tenant", tenant],
            input=value, env=env, capture_output=True, text=True, timeout=120,
        )
        for _ in range(2)
    ]  # fmt: skip
    listed = run(env, "secrets", "list", "--project", "shop", "--environment", "prod", "--tenant", tenant, "--json")
    assert [d.returncode for d in set_twice] == [0, 0]
    assert "version 2 (dbt sees DBT_ENV_SECRET_PG_PASSWORD)" in set_twice[1].stdout
    assert [(s["name"], s["version"]) for s in as_json(listed)] == [("PG_PASSWORD", 2)]
    assert all(value not in d.stdout + d.stderr for d in [*set_twice, listed])


def test_audit_verify_reports_a_tampered_chain(env: dict[str, str], tenant: str, database_url: str) -> None:
    as_json(run(env, "org", "create", "analytics", "--tenant", tenant, "--json"))
    assert run(env, "audit", "verify", "--tenant", tenant).returncode == 0

    async def tamper() -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(database_url))
        try:
            await connection.execute("ALTER TABLE audit_events DISABLE TRIGGER USER")
            await connection.execute(
                'UPDATE audit_events SET details = \'{"slug": "forged"}\''
                " WHERE tenant_id = (SELECT id FROM tenants WHERE slug = $1)",
                tenant,
            )
        finally:
            await connection.execute("ALTER TABLE audit_events ENABLE TRIGGER USER")
            await connection.close()

    asyncio.run(tamper())
    done = run(env, "audit", "verify", "--tenant", tenant)
    assert done.returncode == 1 and "BROKEN at sequence 1" in done.stdout


@pytest.fixture
def fresh_database(database_url: str) -> Iterator[str]:
    """A database of its own: a first start must find no admin."""
    name = f"dvt_first_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(database_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(env: dict[str, str], port: int) -> tuple[subprocess.Popen[str], list[str]]:
    """Start `dvt serve` and read its output until it says where it runs."""
    process = subprocess.Popen(
        [DVT, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if "Application startup complete" in line:
            return process, lines
    raise AssertionError(f"dvt serve did not start: {''.join(lines)}")


def test_the_first_start_prints_a_one_time_admin_password_that_signs_in(fresh_database: str, tmp_path: Path) -> None:
    env = {**os.environ, "DVT_DATABASE_URL": fresh_database, "DVT_DATA_DIR": str(tmp_path), "DVT_SECRET_KEYS": KEYS}
    port = _free_port()
    process, lines = _serve(env, port)
    try:
        found = re.search(r"one-time password (\S+)", "".join(lines))
        assert found, "".join(lines)
        base = f"http://127.0.0.1:{port}"
        login = httpx.post(
            f"{base}/auth/login", json={"tenant": "default", "username": "admin", "password": found[1]}, trust_env=False
        )
        token = login.json()["token"]
        change = {"current": found[1], "new": "a long new passphrase"}
        changed = httpx.post(
            f"{base}/graphql",
            json={"query": CHANGE_PASSWORD, "variables": change},
            headers={"authorization": f"Bearer {token}"},
            trust_env=False,
        )
        viewer = httpx.post(
            f"{base}/graphql",
            json={"query": "{ viewer { kind displayName platformAdmin } grants { role scope } }"},
            headers={"authorization": f"Bearer {token}"},
            trust_env=False,
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    again, relines = _serve(env, port)
    again.terminate()
    again.wait(timeout=30)
    assert login.status_code == 200 and login.json()["mustChangePassword"] is True
    assert changed.json()["data"]["changePassword"]["__typename"] == "PasswordChanged"
    assert viewer.json()["data"]["viewer"] == {"kind": "user", "displayName": "Administrator", "platformAdmin": True}
    assert viewer.json()["data"]["grants"][0] == {"role": "admin", "scope": "/"}
    assert "one-time password" not in "".join(relines), "a restart never prints a password again"
